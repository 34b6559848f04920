package io.github.kafkarestgateway.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;

/**
 * A caller's OAuth bearer token (a JWT) as a Kafka client hands it to the brokers. Its claims are read, not verified:
 * the brokers verify the signature, issuer, audience and expiry (Kafka's JWT validation against the identity
 * provider's keys). The gateway takes from them only the subject, as the principal's name in its logs, and the
 * expiry, after which it asks the brokers again.
 */
public record CallerToken(String value, String principalName, long lifetimeMs, Long startTimeMs, Set<String> scope)
        implements OAuthBearerToken {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest token the gateway passes on (a JWT is typically 1–2 KB). */
    static final int MAX_CHARS = 16 * 1024;

    /** The token's claims, or null when it is no JWT with a subject (three Base64url parts, a JSON payload). */
    public static CallerToken parse(String jwt) {
        if (jwt == null || jwt.isEmpty() || jwt.length() > MAX_CHARS) {
            return null;
        }
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty()) {
            return null;
        }
        try {
            JsonNode claims = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            JsonNode sub = claims == null ? null : claims.get("sub");
            if (sub == null || !sub.isTextual() || sub.asText().isBlank()) {
                return null;
            }
            JsonNode exp = claims.get("exp");
            JsonNode iat = claims.get("iat");
            Set<String> scope = new HashSet<>();
            JsonNode scopes = claims.get("scope");
            if (scopes != null && scopes.isTextual()) {
                for (String one : scopes.asText().trim().split("\\s+")) {
                    if (!one.isEmpty()) {
                        scope.add(one);
                    }
                }
            }
            return new CallerToken(jwt, sub.asText(), exp != null && exp.canConvertToLong() ? exp.asLong() * 1000 : 0,
                    iat != null && iat.canConvertToLong() ? iat.asLong() * 1000 : null, Set.copyOf(scope));
        } catch (Exception notAJwt) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "CallerToken[" + principalName + "]";
    }
}

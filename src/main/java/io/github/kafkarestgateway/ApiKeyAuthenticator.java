package io.github.kafkarestgateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Checks the caller's API key: {@code Authorization: Bearer <key>} or HTTP Basic with user {@code token} and the
 * key as password. Missing or unknown key: 401 with {@code WWW-Authenticate}; a key without the required role or
 * without permission for the topic: 403. Sets the variable {@code principal} (the key's name, never the key) for the rest of the route.
 */
public class ApiKeyAuthenticator implements Processor {

    public static final String PRINCIPAL = "principal";
    private static final Map<String, String> CHALLENGE =
            Map.of("WWW-Authenticate", "Bearer realm=\"kafka-rest-gateway\", Basic realm=\"kafka-rest-gateway\"");

    private final ApiKeyStore keys;
    private final String requiredRole;
    private final boolean topicScoped;

    /**
     * @param requiredRole the role the caller needs ({@link ApiKeyStore#WRITER} to produce)
     * @param topicScoped  whether the path names a topic the caller's topic patterns must allow
     */
    public ApiKeyAuthenticator(ApiKeyStore keys, String requiredRole, boolean topicScoped) {
        this.keys = keys;
        this.requiredRole = requiredRole;
        this.topicScoped = topicScoped;
    }

    @Override
    public void process(Exchange exchange) {
        String authorization = HttpRequests.of(exchange).getHeader("Authorization");
        String key = presentedKey(authorization)
                .orElseThrow(() -> unauthorized("Missing credentials: send Authorization: Bearer <api key>"));
        ApiKeyStore.Principal principal = keys.authenticate(key)
                .orElseThrow(() -> unauthorized("Unauthorized: the API key is not valid"));
        if (!principal.hasRole(requiredRole)) {
            throw new GatewayException(403, "Forbidden: this key does not have the role '" + requiredRole + "'");
        }
        if (topicScoped) {
            String topic = HttpRequests.topic(exchange);
            if (topic == null || !principal.mayProduceTo(topic)) {
                throw new GatewayException(403, "Forbidden: not authorized to produce to topic '" + topic + "'");
            }
        }
        exchange.setVariable(PRINCIPAL, principal.name());
    }

    static Optional<String> presentedKey(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0) {
            return Optional.empty();
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).trim();
        if (scheme.equalsIgnoreCase("Bearer") && !credentials.isEmpty()) {
            return Optional.of(credentials);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            try {
                String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                if (decoded.startsWith("token:") && decoded.length() > "token:".length()) {
                    return Optional.of(decoded.substring("token:".length()));
                }
            } catch (IllegalArgumentException notBase64) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static GatewayException unauthorized(String message) {
        return new GatewayException(401, message, null, CHALLENGE, null);
    }
}

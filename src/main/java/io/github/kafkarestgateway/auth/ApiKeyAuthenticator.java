package io.github.kafkarestgateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.ClientAddress;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Identifies the caller and checks its permission. Credentials, in this order: {@code Authorization: Bearer <key>};
 * HTTP Basic with user {@code token} and the key as password, or with the service ID's name as user and its key as
 * password; {@code X-Auth-Token: <key>}; else a client certificate (verified against the client CA during the TLS
 * handshake) whose subject CN or SAN names a service ID. No or wrong credentials: 401 with {@code WWW-Authenticate};
 * a role too low or a topic outside the service ID's patterns: 403. After repeated wrong credentials from one address
 * or for one Basic user name, further wrong credentials from that source get 429 for a while; valid ones are never
 * refused ({@link FailedAuthenticationLimiter}). Sets the variables {@code principal} (the service ID's name, never a key) and
 * {@code authMethod}.
 */
public class ApiKeyAuthenticator implements Processor {

    private static final Map<String, String> CHALLENGE =
            Map.of("WWW-Authenticate", "Bearer realm=\"kafka-rest-gateway\", Basic realm=\"kafka-rest-gateway\"");

    private record Identified(ApiKeyStore.Principal principal, String method) {
    }

    /** Wrong credentials from a source blocked after repeated failed authentication: 429. */
    public static final class Blocked extends GatewayException {
        public Blocked(long retryAfterSeconds) {
            super(429, "Too many failed authentication attempts: try again later", null,
                    Map.of("Retry-After", String.valueOf(retryAfterSeconds)), null, "blocked", false);
        }
    }

    private final ApiKeyStore keys;
    private final String requiredRole;
    private final boolean topicScoped;
    private final FailedAuthenticationLimiter limiter;
    private final boolean certificateBySan;
    private final ClientAddress clients;

    /**
     * @param requiredRole     the role the caller needs ({@link ApiKeyStore#WRITER} to produce)
     * @param topicScoped      whether the path names a topic the caller's topic patterns must allow
     * @param certificateBySan whether a client certificate names its service ID by its first SAN rather than its CN
     * @param clients          the address failures are counted by
     */
    public ApiKeyAuthenticator(ApiKeyStore keys, String requiredRole, boolean topicScoped,
                               FailedAuthenticationLimiter limiter, boolean certificateBySan, ClientAddress clients) {
        this.clients = clients;
        this.keys = keys;
        this.requiredRole = requiredRole;
        this.topicScoped = topicScoped;
        this.limiter = limiter;
        this.certificateBySan = certificateBySan;
    }

    @Override
    public void process(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        // valid credentials are never refused: the block of a source applies to wrong credentials only
        Identified identified = identify(request);
        if (identified == null) {
            boolean presented = !blank(request.getHeader("Authorization")) || !blank(request.getHeader("X-Auth-Token"));
            if (!presented) {
                // not a guess: a caller not set up yet (or a client certificate of no service ID)
                throw new GatewayException(401, "Missing credentials: send Authorization: Bearer <api key>", null,
                        CHALLENGE, null);
            }
            String address = clients.of(request);
            String user = basicUser(request.getHeader("Authorization"));
            long blocked = limiter.blockedSeconds(address, user);
            if (blocked > 0) {
                throw new Blocked(blocked);
            }
            limiter.failed(address, user);
            throw new GatewayException(401, "Unauthorized: the credentials are not valid", null, CHALLENGE, null);
        }
        ApiKeyStore.Principal principal = identified.principal();
        exchange.setVariable(GatewayNames.PRINCIPAL, principal.name());
        RequestFacts.of(exchange).authenticated(identified.method());
        if (!principal.hasRole(requiredRole)) {
            throw new GatewayException(403, "Forbidden: this service ID does not have the role '" + requiredRole + "'");
        }
        if (topicScoped) {
            String topic = HttpRequests.topic(exchange);
            if (topic == null || !principal.mayProduceTo(topic)) {
                throw new GatewayException(403, "Forbidden: not authorized to produce to topic '" + topic + "'");
            }
        }
    }

    private Identified identify(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null) {
            return fromAuthorization(authorization.trim());
        }
        String token = request.getHeader("X-Auth-Token");
        if (token != null) {
            return keys.authenticate(token.trim()).map(p -> new Identified(p, "x-auth-token")).orElse(null);
        }
        return certificateName(request).flatMap(keys::byName).map(p -> new Identified(p, "client-certificate"))
                .orElse(null);
    }

    private Identified fromAuthorization(String value) {
        int space = value.indexOf(' ');
        if (space < 0) {
            return null;
        }
        String scheme = value.substring(0, space);
        String credentials = value.substring(space + 1).trim();
        if (credentials.isEmpty()) {
            return null;
        }
        if (scheme.equalsIgnoreCase("Bearer")) {
            return keys.authenticate(credentials).map(p -> new Identified(p, "bearer")).orElse(null);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            Basic basic = Basic.decode(credentials);
            if (basic == null || basic.password().isEmpty()) {
                return null;
            }
            Optional<ApiKeyStore.Principal> principal = basic.user().equals("token")
                    ? keys.authenticate(basic.password()) : keys.authenticate(basic.user(), basic.password());
            return principal.map(p -> new Identified(p, "basic")).orElse(null);
        }
        return null;
    }

    /** HTTP Basic credentials: a non-empty user, then the password (possibly empty). */
    record Basic(String user, String password) {
        /** From the Base64 part of the header; null when it is not Base64 or names no user. */
        static Basic decode(String encoded) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
            int colon = decoded.indexOf(':');
            return colon <= 0 ? null : new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
        }
    }

    static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** The user name of HTTP Basic credentials, or null when the header holds none. */
    private static String basicUser(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Basic")) {
            return null;
        }
        Basic basic = Basic.decode(value.substring(space + 1).trim());
        return basic == null ? null : basic.user();
    }

    Optional<String> certificateName(HttpServerRequest request) {
        return certificateName(request, certificateBySan);
    }

    /** The name a verified client certificate gives (its CN, or its first SAN), if the caller presented one. */
    static Optional<String> certificateName(HttpServerRequest request, boolean certificateBySan) {
        SSLSession session = request.sslSession();
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate)) {
                return Optional.empty();
            }
            return certificateBySan ? firstSan(certificate) : commonName(certificate);
        } catch (SSLPeerUnverifiedException noCertificate) {
            return Optional.empty();
        }
    }

    static Optional<String> commonName(X509Certificate certificate) {
        try {
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static Optional<String> firstSan(X509Certificate certificate) {
        try {
            if (certificate.getSubjectAlternativeNames() == null) {
                return Optional.empty();
            }
            for (List<?> san : certificate.getSubjectAlternativeNames()) {
                // 1 email, 2 DNS name, 6 URI
                int type = (Integer) san.get(0);
                if (type == 1 || type == 2 || type == 6) {
                    return Optional.of(san.get(1).toString());
                }
            }
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}

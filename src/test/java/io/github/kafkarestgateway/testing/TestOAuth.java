package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;

/**
 * The identity provider of the test broker's OAUTHBEARER listener: an RSA key of this JVM, its public part served as
 * a JWKS from a local HTTP endpoint (which the broker's JWT validation reads), and tokens signed with it.
 */
public final class TestOAuth {

    public static final String ISSUER = "https://idp.test";
    public static final String AUDIENCE = "kafka";
    private static RsaJsonWebKey key;
    private static HttpServer server;

    private TestOAuth() {
    }

    /** The JWKS endpoint, started on first use. */
    public static synchronized String jwksUrl() {
        if (server == null) {
            try {
                key = RsaJwkGenerator.generateJwk(2048);
                key.setKeyId("test-key");
                byte[] jwks = new JsonWebKeySet(List.of((JsonWebKey) key)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)
                        .getBytes(StandardCharsets.UTF_8);
                server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
                server.createContext("/jwks", exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, jwks.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(jwks);
                    }
                });
                server.start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0)));
            } catch (IOException | org.jose4j.lang.JoseException e) {
                throw new IllegalStateException("The test identity provider did not start", e);
            }
        }
        return "http://localhost:" + server.getAddress().getPort() + "/jwks";
    }

    /** A token for this subject, valid for that many seconds from now (negative: expired that long ago). */
    public static String token(String subject, long validSeconds) {
        jwksUrl();
        try {
            JwtClaims claims = new JwtClaims();
            claims.setIssuer(ISSUER);
            claims.setAudience(AUDIENCE);
            claims.setSubject(subject);
            NumericDate now = NumericDate.now();
            NumericDate issued = NumericDate.fromSeconds(now.getValue() + Math.min(0, validSeconds) - 60);
            claims.setIssuedAt(issued);
            claims.setExpirationTime(NumericDate.fromSeconds(now.getValue() + validSeconds));
            JsonWebSignature jws = new JsonWebSignature();
            jws.setPayload(claims.toJson());
            jws.setKey(key.getPrivateKey());
            jws.setKeyIdHeaderValue(key.getKeyId());
            jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
            return jws.getCompactSerialization();
        } catch (org.jose4j.lang.JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}

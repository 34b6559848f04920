package io.github.kafkarestgateway.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CORS policy's settings and the request headers a preflight may be allowed. */
class CrossOriginUnitTest {

    private static final List<String> MAPPED = List.of("X-Kafka-Key", "X-Correlation-ID");

    @Test
    void noOriginsMeansNoPolicyAtAll() {
        assertNull(CrossOrigin.of("", MAPPED, "X-Kafka-Header-"));
        assertNull(CrossOrigin.of(" , ", MAPPED, "X-Kafka-Header-"));
        assertNull(CrossOrigin.of(null, MAPPED, "X-Kafka-Header-"));
    }

    @Test
    void aPreflightIsAllowedOnlyTheHeadersTheGatewayReads() {
        CrossOrigin policy = CrossOrigin.of("https://app.example", MAPPED, "X-Kafka-Header-");
        assertEquals("authorization, content-type, idempotency-key, x-request-id, x-auth-token, accept",
                policy.allowed("authorization, content-type, idempotency-key, x-request-id, x-auth-token, accept"));
        assertEquals("x-kafka-key, X-Correlation-ID, x-kafka-header-colour",
                policy.allowed("x-kafka-key,X-Correlation-ID , x-kafka-header-colour"));
        // not read by the gateway: not allowed (nor the bare prefix, which names no record header)
        assertEquals("authorization", policy.allowed("x-custom, authorization, x-kafka-header-, cookie, ,"));
        assertEquals("", policy.allowed("x-custom"));
        // without a prefix, no prefixed header
        assertEquals("", CrossOrigin.of("https://app.example", List.of(), "").allowed("x-kafka-header-colour"));
    }

    @Test
    void anOriginThatIsNoneOrAStarAmongOthersStopsTheStart() {
        for (String wrong : List.of("app.example", "https://app.example, *", "*, https://app.example",
                "gopher://app.example", "https://app example", "null", "https://app.example,null")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CrossOrigin.of(wrong, MAPPED, ""), wrong);
            assertTrue(e.getMessage().contains("gateway.http.cors.allowed-origins"), e.getMessage());
        }
        // these are fine
        CrossOrigin.of("*", MAPPED, "");
        CrossOrigin.of("https://app.example, http://localhost:8080,https://[2001:db8::1]:8443", MAPPED, "");
    }
}

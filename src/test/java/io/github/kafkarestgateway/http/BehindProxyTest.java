package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.github.kafkarestgateway.testing.AccessLog;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.RawConnection;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Behind a proxy: from a trusted proxy (the tests' loopback address, 127.0.0.1 and ::1), the client that
 * {@code Forwarded} or {@code X-Forwarded-For} names is the one the access log and the failed-authentication limit
 * see; from any other peer (127.0.0.2) those headers are ignored; a malformed header is the peer, never an error. And
 * the PROXY protocol of TCP load balancers, v1 and v2, over a raw socket.
 */
class BehindProxyTest {

    /** How the tests' own address (localhost) is written, by IPv4 or IPv6. */
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "0:0:0:0:0:0:0:1");
    private static TestGateway gateway;
    private static String topic;
    private static String records;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Map.of(
                "gateway.http.trusted-proxies", "127.0.0.1, ::1",
                "gateway.auth.max-failures", "10",
                "gateway.auth.block-ms", "60000"));
        topic = TestKafka.createTopic("behind-proxy");
        records = "/topics/" + topic + "/records";
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> post(String key, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + key;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return gateway.post(records, "text/plain", bytes("v"), all);
    }

    @Test
    void fromATrustedProxyTheFailedAuthenticationLimitCountsTheForwardedClient() {
        for (int i = 0; i < 10; i++) {
            assertError(post("guess-" + i, "Forwarded", "for=203.0.113.9;proto=https"), 401);
        }
        // 203.0.113.9 is blocked, by either header; its neighbour and the proxy itself are not
        assertError(post("guess", "Forwarded", "for=203.0.113.9"), 429);
        assertError(post("guess", "X-Forwarded-For", "203.0.113.9"), 429);
        assertError(post("guess", "X-Forwarded-For", "198.51.100.1, 203.0.113.9"), 429);
        assertError(post("guess", "Forwarded", "for=203.0.113.10"), 401);
        assertError(post("guess"), 401);
        // and a valid key from the blocked client is never refused
        Landed.expect(topic, "v").in(post(TestGateway.ALL_TOPICS_KEY, "Forwarded", "for=203.0.113.9"));
    }

    @Test
    void fromATrustedProxyTheAccessLogShowsTheForwardedClient() {
        String quotedIpv6 = "quoted-ipv6." + UUID.randomUUID();
        post(TestGateway.ALL_TOPICS_KEY, "X-Request-ID", quotedIpv6,
                "Forwarded", "for=198.51.100.7, for=\"[2001:db8::1]:4711\";proto=https");
        // the right-most entry is the proxy's own (trusted): skipped, the next one is the client
        String pastTheProxy = "past-the-proxy." + UUID.randomUUID();
        post(TestGateway.ALL_TOPICS_KEY, "X-Request-ID", pastTheProxy, "X-Forwarded-For", "198.51.100.7, 127.0.0.1");
        String obfuscated = "obfuscated." + UUID.randomUUID();
        post(TestGateway.ALL_TOPICS_KEY, "X-Request-ID", obfuscated, "Forwarded", "for=_app7");

        assertEquals("2001:db8:0:0:0:0:0:1", AccessLog.awaitLine(quotedIpv6).get("clientAddress").asText());
        assertEquals("198.51.100.7", AccessLog.awaitLine(pastTheProxy).get("clientAddress").asText());
        assertEquals("_app7", AccessLog.awaitLine(obfuscated).get("clientAddress").asText());
    }

    @Test
    void aMalformedForwardingHeaderIsThePeerNeverAnError() {
        String[] malformed = {"for=\"[2001:db8::1", "for=2001:db8::1", "for=example.com", "for=1.2.3.4;for=5.6.7.8",
                "for=;;=x,\"", "for=" + "9".repeat(2000)};
        for (String header : malformed) {
            String id = "malformed." + UUID.randomUUID();
            HttpResponse<String> answer = post(TestGateway.ALL_TOPICS_KEY, "X-Request-ID", id, "Forwarded", header,
                    "X-Forwarded-For", header);
            assertEquals(200, answer.statusCode(), header + ": " + answer.body());
            String client = AccessLog.awaitLine(id).get("clientAddress").asText();
            assertTrue(LOOPBACK.contains(client), header + ": " + client);
        }
    }

    @Test
    void fromAnUntrustedPeerTheForwardingHeadersAreIgnored() throws Exception {
        InetAddress untrusted = InetAddress.getByName("127.0.0.2");
        String id = "untrusted." + UUID.randomUUID();
        try (RawConnection connection = RawConnection.open(gateway.uri("/"), untrusted)) {
            for (int i = 0; i < 10; i++) {
                connection.send(request("guess-" + i, "203.0.113.30", "untrusted-" + i));
                assertEquals(401, connection.read(Duration.ofSeconds(10)).status());
            }
            // counted against 127.0.0.2, whatever address the headers give
            connection.send(request("guess", "203.0.113.31", id));
            assertEquals(429, connection.read(Duration.ofSeconds(10)).status());
        }
        assertEquals("127.0.0.2", AccessLog.awaitLine(id).get("clientAddress").asText());
        // the trusted peer's clients were not blocked by it
        assertError(post("guess", "Forwarded", "for=203.0.113.31"), 401);
    }

    @Test
    void theProxyProtocolGivesThePeerAddressOfATcpLoadBalancer() throws Exception {
        try (TestGateway behindBalancer = TestGateway.start(Map.of("gateway.http.proxy-protocol", "true"))) {
            String v1 = "proxy-v1." + UUID.randomUUID();
            try (RawConnection connection = RawConnection.openWithProxyHeader(behindBalancer.uri("/"),
                    "PROXY TCP4 198.51.100.77 127.0.0.1 40000 443\r\n".getBytes(StandardCharsets.US_ASCII))) {
                connection.send(RawConnection.post(records, "guess", "v").replace("\r\n\r\n",
                        "\r\nX-Request-ID: " + v1 + "\r\n\r\n"));
                assertEquals(401, connection.read(Duration.ofSeconds(10)).status());
            }
            String v2 = "proxy-v2." + UUID.randomUUID();
            try (RawConnection connection = RawConnection.openWithProxyHeader(behindBalancer.uri("/"),
                    proxyV2(new byte[] {(byte) 203, 0, 113, 77}, 40001))) {
                connection.send(RawConnection.post(records, TestGateway.ALL_TOPICS_KEY, "v").replace("\r\n\r\n",
                        "\r\nX-Request-ID: " + v2 + "\r\n\r\n"));
                assertEquals(200, connection.read(Duration.ofSeconds(10)).status());
            }
            assertEquals("198.51.100.77", AccessLog.awaitLine(v1).get("clientAddress").asText());
            assertEquals("203.0.113.77", AccessLog.awaitLine(v2).get("clientAddress").asText());
            // a connection without the header is not served: the load balancer is the only way in
            assertThrows(IOException.class, () -> {
                try (RawConnection direct = RawConnection.open(behindBalancer.uri("/"))) {
                    direct.send(RawConnection.post(records, TestGateway.ALL_TOPICS_KEY, "v"));
                    direct.read(Duration.ofSeconds(5));
                }
            });
        }
    }

    /** A wrong key's POST with both forwarding headers naming {@code client}. */
    private static String request(String key, String client, String requestId) {
        return RawConnection.post(records, key, "v").replace("\r\n\r\n", "\r\nForwarded: for=" + client
                + "\r\nX-Forwarded-For: " + client + "\r\nX-Request-ID: " + requestId + "\r\n\r\n");
    }

    /** A PROXY protocol v2 header: PROXY command, TCP over IPv4, from the address and port to 127.0.0.1:443. */
    private static byte[] proxyV2(byte[] source, int sourcePort) {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        header.put((byte) 0x21).put((byte) 0x11).putShort((short) 12);
        header.put(source).put(new byte[] {127, 0, 0, 1});
        header.putShort((short) sourcePort).putShort((short) 443);
        return header.array();
    }
}

package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.RawConnection;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What one hostile or broken client must never do to the others: smuggle a request past a front proxy, lock the
 * callers behind its address out, or hold connections for ever. Loopback only, every loop bounded.
 */
class HostileClientsTest {

    private static final String KEY = TestGateway.ALL_TOPICS_KEY;

    // ---- 1. request smuggling -------------------------------------------------------------------------------------

    /** Framings that a front proxy and the gateway could read differently; each hides a second request after it. */
    @ParameterizedTest
    @ValueSource(strings = {
        "Content-Length: %d\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: chunked\r\nContent-Length: %d",
        "Transfer-Encoding: gzip",
        "Transfer-Encoding: chunked, identity",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
        "Transfer-Encoding: xchunked",
        "Content-Length: %d\r\nContent-Length: %d",
        "Content-Length: +%d",
        "Content-Length: %d, %d",
        "HTTP/1.0 Content-Length: %d\r\nContent-Length: %d",
        "HTTP/1.0 Transfer-Encoding: chunked"})
    void aRequestWithAmbiguousFramingIsRefusedWith400TheConnectionClosedAndNothingAfterItRead(String framing)
            throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("smuggled");
        String hidden = RawConnection.post("/topics/" + topic + "/records", KEY, "hidden");
        // an empty chunked body, then the hidden request: what a proxy framing by Content-Length forwards as one body
        String body = "0\r\n\r\n" + hidden;
        String version = framing.startsWith("HTTP/1.0 ") ? "HTTP/1.0" : "HTTP/1.1";
        String headers = framing.replace("HTTP/1.0 ", "").replace("%d", String.valueOf(body.length()));
        String request = "POST /topics/" + topic + "/records " + version + "\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + KEY + "\r\nContent-Type: text/plain\r\n" + headers + "\r\n\r\n" + body;

        String malformed = "gateway_http_connections_closed_total\\{reason=\"malformed_request\"\\}";
        double malformedBefore = metric(gateway.send(gateway.request("/metrics").GET().build()).body(), malformed);
        try (RawConnection connection = RawConnection.open(gateway.uri("/"))) {
            RawConnection.Outcome outcome = connection.send(request)
                    .trickleUntilClosed(null, Duration.ofSeconds(10), Duration.ofSeconds(10));

            assertTrue(outcome.closed(), "the connection is closed after the answer");
            assertEquals(1, outcome.answers().size(), "one answer, none for the hidden request: " + outcome.answers());
            RawConnection.Answer answer = outcome.answers().get(0);
            assertTrue(answer.status() == 400 || answer.status() == 501 && framing.contains("identity"),
                    "status " + answer.status() + " " + answer.body());
            assertEquals("application/json", answer.headers().get("content-type"));
            assertEquals(answer.status(), answer.json().get("error_code").asInt(), answer.body());
        }
        // a request sent after the attempt lands first: the hidden one was never produced
        HttpResponse<String> marker = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("marker"));
        assertEquals(0, Landed.expect(topic, "marker").in(marker).offset());
        assertEquals(1, TestKafka.recordCount(topic));
        assertEquals(malformedBefore + 1,
                metric(gateway.send(gateway.request("/metrics").GET().build()).body(), malformed));
    }

    @Test
    void wellFramedPipelinedRequestsAreAllAnsweredInOrderOnOneConnection() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("pipelined");
        String path = "/topics/" + topic + "/records";
        String chunked = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + KEY
                + "\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n";

        try (RawConnection connection = RawConnection.open(gateway.uri("/"))) {
            connection.send(RawConnection.post(path, KEY, "one") + chunked + RawConnection.post(path, KEY, "three"));
            // answered in order, each with its own record
            for (String value : List.of("one", "two", "three")) {
                landed(connection.read(Duration.ofSeconds(10)), topic, value);
            }
            // and the connection stays open for more
            connection.send(RawConnection.post(path, KEY, "four"));
            landed(connection.read(Duration.ofSeconds(10)), topic, "four");
        }
    }

    // ---- 2. failed authentication: slows guessing, never locks out valid callers ----------------------------------

    @Test
    void validKeysFromAnAddressKeepWorkingWhileAnotherClientThereFailsAndThatClientGets429() throws Exception {
        String topic = TestKafka.createTopic("shared-address");
        String records = "/topics/" + topic + "/records";
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.auth.max-failures", "3", "gateway.auth.block-ms", "60000"))) {
            for (int i = 0; i < 3; i++) {
                assertError(gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer guess-" + i), 401);
            }
            // the guessing client is blocked: 429 with Retry-After, before anything else is done
            HttpResponse<String> blocked = gateway.post(records, "text/plain", bytes("v"), "Authorization",
                    "Bearer guess-3");
            assertError(blocked, 429);
            assertTrue(Integer.parseInt(blocked.headers().firstValue("Retry-After").orElse("0")) > 0);

            // behind the same address, a valid caller keeps working while the guessing goes on, interleaved
            List<HttpResponse<String>> valid = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                assertError(gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer more-" + i), 429);
                assertError(gateway.post(records, "application/json", bytes("{not json"), "Authorization",
                        "Basic " + basic("token", "wrong-" + i)), 429);
                valid.add(gateway.post(records, "text/plain", bytes("valid-" + i)));
            }
            assertEquals(50, TestKafka.recordCount(topic));
            Map<String, ConsumerRecord<byte[], byte[]>> written = TestKafka.allRecords(topic);
            for (int i = 0; i < 50; i++) {
                Landed.expect(topic, "valid-" + i).within(written).in(valid.get(i));
            }
            // the refusals are counted
            String metrics = gateway.send(gateway.request("/metrics").GET().build()).body();
            assertTrue(metric(metrics, "gateway_rate_limited_total\\{kind=\"blocked\"\\}") >= 101, metrics);
        }
    }

    @Test
    void guessingOneUsersPasswordIsSlowedFromEveryAddressButThatUserIsNeverBlocked() throws Exception {
        String topic = TestKafka.createTopic("per-user");
        String records = "/topics/" + topic + "/records";
        String user = "orders-writer";
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.auth.max-failures", "3", "gateway.auth.block-ms", "60000"))) {
            // three wrong passwords for the user, each from another address: no address reaches the limit
            for (int i = 2; i <= 4; i++) {
                assertEquals(401, basicPost(gateway, address(i), records, user, "guess-" + i).status());
            }
            // the user has: wrong passwords for it get 429 from any address
            RawConnection.Answer blocked = basicPost(gateway, address(5), records, user, "guess-5");
            assertEquals(429, blocked.status(), blocked.body());
            assertTrue(Integer.parseInt(blocked.headers().getOrDefault("retry-after", "0")) > 0);
            // the user with its right password is never blocked, from anywhere
            String orders = TestKafka.createTopic("orders.per-user");
            for (int i = 5; i <= 7; i++) {
                landed(basicPost(gateway, address(i), "/topics/" + orders + "/records", user, TestGateway.ORDERS_KEY),
                        orders, "v");
            }
            // another user's wrong password from those addresses is an ordinary 401
            assertEquals(401, basicPost(gateway, address(5), records, "all-topics", "guess").status());
        }
    }

    // ---- 3. connections that never finish a request ---------------------------------------------------------------

    @Test
    void stalledConnectionsAreClosedWithinTheirBoundsWhileValidRequestsKeepTheirLatency() throws Exception {
        String topic = TestKafka.createTopic("stalled");
        String records = "/topics/" + topic + "/records";
        long headerMs = 1500;
        long bodyMs = 1500;
        long idleMs = 2500;
        int each = 30;
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.http.header-timeout-ms", String.valueOf(headerMs),
                "gateway.http.body-timeout-ms", String.valueOf(bodyMs),
                "gateway.http.body-min-bytes-per-second", "1000000",
                "gateway.http.idle-timeout-ms", String.valueOf(idleMs)))) {
            long closedLogged = closedExceptionsLogged();
            ExecutorService clients = Executors.newFixedThreadPool(3 * each + 1);
            AtomicBoolean abusing = new AtomicBoolean(true);
            try {
                List<Future<RawConnection.Outcome>> slowHeaders = new ArrayList<>();
                List<Future<RawConnection.Outcome>> slowBodies = new ArrayList<>();
                List<Future<RawConnection.Outcome>> idle = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    // slowloris: a header line every 300 ms, never the end of the headers
                    slowHeaders.add(clients.submit(stalled(gateway, "POST " + records + " HTTP/1.1\r\nHost: x\r\n",
                            "X-Slow: still-coming\r\n")));
                    // the headers at once, then the body a byte every 300 ms
                    slowBodies.add(clients.submit(stalled(gateway, "POST " + records + " HTTP/1.1\r\nHost: x\r\n"
                            + "Authorization: Bearer " + KEY + "\r\nContent-Type: text/plain\r\nContent-Length: 100"
                            + "\r\n\r\n", "x")));
                    // a keep-alive connection that asked once and then says nothing
                    idle.add(clients.submit(() -> {
                        try (RawConnection connection = RawConnection.open(gateway.uri("/"))) {
                            connection.send("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
                            assertEquals(200, connection.read(Duration.ofSeconds(5)).status());
                            return connection.trickleUntilClosed(null, Duration.ofSeconds(15), Duration.ofSeconds(15));
                        }
                    }));
                }
                // meanwhile a valid caller produces, and must keep getting quick answers
                List<HttpResponse<String>> answered = Collections.synchronizedList(new ArrayList<>());
                Future<List<Long>> valid = clients.submit(() -> {
                    List<Long> latencies = new ArrayList<>();
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
                    while (System.nanoTime() < end && abusing.get()) {
                        long start = System.nanoTime();
                        HttpResponse<String> response = gateway.post(records, "text/plain", bytes("valid"));
                        latencies.add((System.nanoTime() - start) / 1_000_000);
                        answered.add(response);
                        Thread.sleep(50);
                    }
                    return latencies;
                });

                for (Future<RawConnection.Outcome> future : slowHeaders) {
                    assertTimedOut(future.get(30, TimeUnit.SECONDS), headerMs, "headers");
                }
                for (Future<RawConnection.Outcome> future : slowBodies) {
                    assertTimedOut(future.get(30, TimeUnit.SECONDS), bodyMs, "body");
                }
                for (Future<RawConnection.Outcome> future : idle) {
                    RawConnection.Outcome outcome = future.get(30, TimeUnit.SECONDS);
                    assertTrue(outcome.closed() && outcome.answers().isEmpty(), "idle connection: " + outcome);
                    assertTrue(outcome.millis() >= idleMs - 300 && outcome.millis() <= idleMs + 1500,
                            "idle connection closed after " + outcome.millis() + " ms");
                }
                List<Long> latencies = new ArrayList<>(valid.get(30, TimeUnit.SECONDS));
                Collections.sort(latencies);
                System.out.printf("valid requests during the abuse: %d, median %d ms, max %d ms%n", latencies.size(),
                        latencies.get(latencies.size() / 2), latencies.get(latencies.size() - 1));
                assertTrue(latencies.size() >= 20, "valid requests " + latencies.size());
                assertTrue(latencies.get(latencies.size() - 1) < 2_000, "valid request latencies " + latencies);
                // every valid request landed (read back after the abuse, so that reading does not slow the caller)
                Map<String, ConsumerRecord<byte[], byte[]>> written = TestKafka.allRecords(topic);
                assertEquals(answered.size(), written.size());
                for (HttpResponse<String> response : answered) {
                    Landed.expect(topic, "valid").within(written).in(response);
                }

                String metrics = gateway.send(gateway.request("/metrics").GET().build()).body();
                assertEquals(each, metric(metrics, "gateway_http_connections_closed_total\\{reason=\"header_timeout\"\\}"));
                assertEquals(each, metric(metrics, "gateway_http_connections_closed_total\\{reason=\"body_timeout\"\\}"));
                assertTrue(metric(metrics, "gateway_http_connections_closed_total\\{reason=\"idle_timeout\"\\}") >= each);
                // nor does each closed connection leave a line in the gateway's log
                assertEquals(closedLogged, closedExceptionsLogged(), "log lines about closed connections");
                // a connection closed by a timeout is not counted again as a malformed request
                assertEquals(0, metric(metrics, "gateway_http_connections_closed_total\\{reason=\"malformed_request\"\\}"));
            } finally {
                abusing.set(false);
                clients.shutdownNow();
                assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
            }
        }
    }

    // ---- 4. a bound on open connections ---------------------------------------------------------------------------

    @Test
    void overTheConnectionLimitNewConnectionsAreRefusedAtOnceWhileOpenOnesKeepBeingServed() throws Exception {
        String topic = TestKafka.createTopic("limited");
        String records = "/topics/" + topic + "/records";
        int limit = 20;
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.http.max-connections", String.valueOf(limit)))) {
            List<RawConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    RawConnection connection = RawConnection.open(gateway.uri("/"));
                    open.add(connection);
                    connection.send("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, connection.read(Duration.ofSeconds(5)).status());
                }
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    assertThrows(IOException.class, () -> RawConnection.open(gateway.uri("/")).close());
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(millis < 2_000, "refused at once, not left waiting: " + millis + " ms");
                }
                // the open ones are served as before
                for (RawConnection connection : open) {
                    connection.send(RawConnection.post(records, KEY, "still-served"));
                    landed(connection.read(Duration.ofSeconds(10)), topic, "still-served");
                }
                assertEquals(limit, TestKafka.recordCount(topic));
                open.get(0).send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
                String metrics = open.get(0).read(Duration.ofSeconds(5)).body();
                assertEquals(limit, metric(metrics, "gateway_http_connections"));
                assertEquals(limit, metric(metrics, "gateway_http_connections_limit"));
                assertEquals(5, metric(metrics, "gateway_http_connections_closed_total\\{reason=\"over_limit\"\\}"));

                // once some close, new connections are taken again
                for (int i = 0; i < 5; i++) {
                    open.remove(0).close();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    try (RawConnection connection = RawConnection.open(gateway.uri("/"))) {
                        connection.send("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
                        return connection.read(Duration.ofSeconds(5)).status() == 200;
                    } catch (IOException | AssertionError refused) {
                        return false;
                    }
                });
            } finally {
                open.forEach(RawConnection::close);
            }
        }
    }

    @Test
    void probesOnTheManagementPortAreAnsweredWhileTheApiPortIsFull() throws Exception {
        int limit = 3;
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.http.max-connections", String.valueOf(limit),
                "gateway.management.port", "0"))) {
            java.net.URI management = java.net.URI.create("https://localhost:"
                    + gateway.context().hasService(GatewayHttpServer.class).getManagementPort());
            List<RawConnection> open = new ArrayList<>();
            try {
                for (int i = 0; i < limit; i++) {
                    open.add(RawConnection.open(gateway.uri("/")));
                }
                assertThrows(IOException.class, () -> RawConnection.open(gateway.uri("/")).close(), "the API port is full");
                // the management port has connections of its own
                for (int i = 0; i < 5; i++) {
                    RawConnection probe = RawConnection.open(management);
                    open.add(probe);
                    probe.send("GET /ready HTTP/1.1\r\nHost: x\r\n\r\n");
                    assertEquals(200, probe.read(Duration.ofSeconds(10)).status());
                }
            } finally {
                open.forEach(RawConnection::close);
            }
        }
    }

    @Test
    void onlyHttp11IsSpokenEvenWithoutTls() throws Exception {
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.tls.enabled", "false"));
             java.net.Socket socket = new java.net.Socket("localhost", gateway.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            // a cleartext HTTP/2 upgrade (h2c) is answered as the HTTP/1.1 request it also is, not switched
            socket.getOutputStream().write(("GET /alive HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            int read = 0;
            while (read < head.length) {
                int n = socket.getInputStream().read(head, read, head.length - read);
                assertTrue(n > 0, "an answer");
                read += n;
            }
            assertEquals("HTTP/1.1 200", new String(head, StandardCharsets.US_ASCII));
        }
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.tls.enabled", "false"));
             java.net.Socket socket = new java.net.Socket("localhost", gateway.uri("/").getPort())) {
            socket.setSoTimeout(10_000);
            // HTTP/2 with prior knowledge: the preface is answered as an HTTP/1.x request of an unsupported version,
            // never with an HTTP/2 frame
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String head = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(head.matches("HTTP/1\\.[01] 505"), head);
        }
    }

    @Test
    void aConnectionFloodLeavesTheFileDescriptorsThatKeepAFailedDeliveryAsADeadLetter() throws Exception {
        String topic = TestKafka.createTopic("flooded");
        String records = "/topics/" + topic + "/records";
        java.nio.file.Path journal = java.nio.file.Files.createTempDirectory("gateway-flood").resolve("journal.jsonl");
        int port = GatewayProcess.freePort();
        java.net.URI base = java.net.URI.create("https://localhost:" + port);
        PausableProxy proxy = TestKafka.proxy();
        // a process that may open 1024 files: the flood below would take them all
        try (GatewayProcess child = GatewayProcess.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.http.port", String.valueOf(port),
                "gateway.http.max-connections", "100000",
                "gateway.dead-letter.journal", journal.toString(),
                "gateway.kafka.check-timeout-ms", "2000",
                "camel.component.kafka.deliveryTimeoutMs", "3000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0"), false, GatewayProcess.runCommandJvmOptions(), 1024);
             RawConnection caller = RawConnection.open(base)) {
            caller.send(RawConnection.post(records, KEY, "before the flood"));
            landed(caller.read(Duration.ofSeconds(15)), topic, "before the flood");

            List<RawConnection> flood = new ArrayList<>();
            int refused = 0;
            try {
                // open connections until the gateway stops taking them (at most 1200, past the process's limit)
                for (int i = 0; i < 1200 && refused < 5; i++) {
                    try {
                        flood.add(RawConnection.open(base));
                    } catch (IOException refusedOrTimedOut) {
                        refused++;
                    }
                }
                System.out.printf("connection flood: %d held open, then %d refused%n", flood.size(), refused);
                assertEquals(5, refused, "the gateway stopped taking connections");

                // now a delivery fails (the broker stops answering): it is kept before it is answered
                proxy.pause();
                try {
                    caller.send(RawConnection.post(records, KEY, "kept"));
                    RawConnection.Answer answer = caller.read(Duration.ofSeconds(20));
                    assertEquals(408, answer.status(), answer.body() + "\n" + String.join("\n", child.output()));
                    String incident = answer.json().get("error").get("incident").asText();
                    assertTrue(java.nio.file.Files.readString(journal).contains(incident), "in the journal");
                } finally {
                    proxy.resume();
                }
            } finally {
                flood.forEach(RawConnection::close);
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static Callable<RawConnection.Outcome> stalled(TestGateway gateway, String start, String tick) {
        return () -> {
            try (RawConnection connection = RawConnection.open(gateway.uri("/"))) {
                connection.send(start);
                return connection.trickleUntilClosed(tick, Duration.ofMillis(300), Duration.ofSeconds(15));
            }
        };
    }

    private static void assertTimedOut(RawConnection.Outcome outcome, long boundMs, String what) {
        assertTrue(outcome.closed(), what + ": the connection is still open after " + outcome.millis() + " ms");
        assertTrue(outcome.millis() >= boundMs - 300 && outcome.millis() <= boundMs + 1500,
                what + ": closed after " + outcome.millis() + " ms, bound " + boundMs);
        assertEquals(1, outcome.answers().size(), what + ": " + outcome.answers());
        RawConnection.Answer answer = outcome.answers().get(0);
        assertEquals(408, answer.status(), answer.body());
        assertEquals("application/json", answer.headers().get("content-type"));
        assertEquals(408, answer.json().get("error_code").asInt(), answer.body());
    }

    /** A 200 whose record, read back, holds exactly this value, no key and no headers. */
    private static void landed(RawConnection.Answer answer, String topic, String value) {
        assertEquals(200, answer.status(), answer.body());
        Landed.expect(topic, value).at(answer.json().get("metadata"));
    }

    private static RawConnection.Answer basicPost(TestGateway gateway, InetAddress from, String path, String user,
                                                  String password) throws IOException {
        try (RawConnection connection = RawConnection.open(gateway.uri("/"), from)) {
            connection.send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Basic "
                    + basic(user, password) + "\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nv");
            return connection.read(Duration.ofSeconds(10));
        }
    }

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static InetAddress address(int last) throws IOException {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    /** Lines of the tests' log file (all the gateway logs) that tell of a closed connection. */
    private static long closedExceptionsLogged() throws IOException {
        java.nio.file.Path log = java.nio.file.Path.of("target/test-gateway.log");
        if (!java.nio.file.Files.exists(log)) {
            return 0;
        }
        try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log, StandardCharsets.ISO_8859_1)) {
            return lines.filter(line -> line.contains("HttpClosedException")).count();
        }
    }

    static double metric(String metrics, String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        if (!matcher.find()) {
            throw new AssertionError("no metric " + name + " in\n" + metrics);
        }
        return Double.parseDouble(matcher.group(1));
    }
}

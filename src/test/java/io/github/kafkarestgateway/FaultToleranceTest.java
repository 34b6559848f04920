package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.deadletter.DeadLetterTest;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway under stress: shutdown mid-load, a hard crash, and a flood of malformed requests. */
class FaultToleranceTest {

    /** A request's outcome: the status, or the exception that took its place, and how long it waited. */
    private record Outcome(String value, int status, String body, Throwable failure, long millis) {
    }

    private static final int CLIENTS = 8;

    /**
     * SIGTERM to a gateway process while requests are in flight (held there: the broker is behind a paused proxy):
     * while it drains, {@code /ready} and new produce requests get 503; once the broker answers, every request sent
     * before the stop is answered (200 and in Kafka as sent, or a documented error kept as a dead letter), none is
     * reset; then the process ends and its port refuses connections.
     */
    @Test
    void answersEveryRequestSentBeforeASigtermAndRefusesNewOnesWhileDraining(@TempDir Path dir) throws Exception {
        String topic = TestKafka.createTopic("shutdown", 3, Map.of());
        Path journal = dir.resolve("dead-letters/journal.jsonl");
        int port = GatewayProcess.freePort();
        PausableProxy proxy = TestKafka.proxy();
        GatewayProcess child = GatewayProcess.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.http.port", String.valueOf(port),
                "gateway.dead-letter.journal", journal.toString(),
                "gateway.kafka.check-timeout-ms", "1000",
                "gateway.kafka.topic-cache-ms", "600000",
                "camel.main.shutdownTimeout", "30",
                // sends held by the paused proxy wait for it, rather than fail, for as long as the test holds them
                "camel.component.kafka.deliveryTimeoutMs", "60000",
                "camel.component.kafka.requestTimeoutMs", "30000"), false);
        HttpClient http = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI records = URI.create("https://localhost:" + port + "/topics/" + topic + "/records");
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, String> inFlight = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicBoolean stopping = new AtomicBoolean();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        CountDownLatch warmedUp = new CountDownLatch(200);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        try {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                running.add(clients.submit(() -> {
                    // a client sends until told the gateway is stopping; the request it has in flight then is one
                    // "sent before the stop"
                    for (int i = 0; !stopping.get() && System.nanoTime() < deadline; i++) {
                        String value = "c" + client + "-" + i;
                        inFlight.put(client, value);
                        outcomes.add(send(http, records, value));
                        inFlight.remove(client);
                        warmedUp.countDown();
                    }
                }));
            }
            assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "load is running: " + outcomes.size());

            proxy.pause();
            List<String> heldAtStop;
            try {
                // every client's request is held: sent, and not answered for a while
                long pausedAt = System.nanoTime();
                int[] answered = {outcomes.size()};
                long[] quietSince = {System.nanoTime()};
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    if (outcomes.size() != answered[0]) {
                        answered[0] = outcomes.size();
                        quietSince[0] = System.nanoTime();
                    }
                    return inFlight.size() == CLIENTS && System.nanoTime() - quietSince[0] > 1_000_000_000L
                            && System.nanoTime() - pausedAt > 1_000_000_000L;
                });
                heldAtStop = List.copyOf(inFlight.values());
                stopping.set(true);
                child.terminate();

                // draining: readiness says so, and new requests (new connections) are refused with 503
                HttpResponse<String> notReady = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> probe(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/ready"))
                                .timeout(Duration.ofSeconds(10)).GET().build()), r -> r.body().contains("shutting down"));
                assertEquals(503, notReady.statusCode(), notReady.body());
                HttpResponse<String> refused = probe(HttpRequest.newBuilder(records).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("after-the-stop")).build());
                assertEquals(503, refused.statusCode(), refused.body());
                assertTrue(refused.body().contains("shutting down"), refused.body());
                assertTrue(child.process().isAlive(), "still draining");
                assertEquals(CLIENTS, inFlight.size(), "the held requests are still in flight");
            } finally {
                proxy.resume();
            }

            child.awaitExit(Duration.ofSeconds(60));
            clients.shutdown();
            assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "every client got its answer");
            for (java.util.concurrent.Future<?> client : running) {
                client.get(); // a client that died fails here
            }
            // after the drain the listener is closed: a new request is refused before anything is sent
            HttpClient fresh = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build();
            assertThrows(java.net.ConnectException.class, () -> fresh.send(HttpRequest.newBuilder(records)
                    .POST(HttpRequest.BodyPublishers.ofString("too-late")).build(), HttpResponse.BodyHandlers.ofString()));

            assertEquals(CLIENTS, heldAtStop.size(), "requests were in flight when the stop began");
            Map<String, DeadLetterJournal.Entry> deadLetters = new java.util.HashMap<>();
            DeadLetterJournal.read(journal).forEach(e -> deadLetters.put(e.id(), e));
            Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(topic);
            java.util.Set<String> sentValues = new java.util.HashSet<>();
            int ok = 0;
            for (Outcome outcome : outcomes) {
                sentValues.add(outcome.value());
                assertNull(outcome.failure(), "answered, not reset: " + outcome);
                assertTrue(outcome.millis() < 60_000, "answered within the grace period: " + outcome);
                if (outcome.status() == 200) {
                    Landed.expect(topic, outcome.value()).within(inKafka)
                            .at(TestGateway.JSON.readTree(outcome.body()).get("metadata"));
                    ok++;
                } else {
                    assertTrue(outcome.status() == 503 || outcome.status() == 408, "a documented error: " + outcome);
                    String incident = TestGateway.JSON.readTree(outcome.body()).get("error").get("incident").asText();
                    assertTrue(deadLetters.containsKey(incident), "a failed delivery is kept: " + outcome);
                }
            }
            assertTrue(outcomes.stream().map(Outcome::value).toList().containsAll(heldAtStop),
                    "each request held at the stop has its outcome");
            assertTrue(ok >= 200, ok + " acknowledged");
            Map<String, Integer> copies = new java.util.HashMap<>();
            inKafka.values().forEach(r -> copies.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
            copies.forEach((value, n) -> {
                assertEquals(1, n, value + " written once");
                assertTrue(sentValues.contains(value), value + " was sent");
            });
            assertTrue(inKafka.size() >= ok, "every 200 written");
        } finally {
            proxy.resume();
            clients.shutdownNow();
            child.close();
        }
    }

    /** One request on a connection of its own (a new client): a refusal while draining must not ride on the load's. */
    private static HttpResponse<String> probe(HttpRequest request) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa())
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void keepsEveryDeadLetterThroughAHardCrashAndReplaysThemAfterRestart(@TempDir Path dir) throws Exception {
        String topic = TestKafka.createTopic("crash");
        Path journal = dir.resolve("dead-letters/journal.jsonl");
        int port = GatewayProcess.freePort();
        PausableProxy proxy = TestKafka.proxy();
        Map<String, String> properties = Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.dead-letter.journal", journal.toString(),
                "gateway.kafka.check-timeout-ms", "1000",
                "gateway.kafka.unavailable-backoff-ms", "60000",
                "gateway.http.port", String.valueOf(port));
        List<String> incidents = new ArrayList<>();
        proxy.pause();
        GatewayProcess child = GatewayProcess.start(properties, false);
        try {
            HttpClient client = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                                URI.create("https://localhost:" + port + "/topics/" + topic + "/records?key=k" + i))
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofString("kept-" + i)).build(),
                        HttpResponse.BodyHandlers.ofString());
                incidents.add(assertError(response, 503).get("error").get("incident").asText());
            }
        } finally {
            child.close();
            proxy.resume();
        }

        // what the crashed process told its clients is on disk, complete
        List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(journal);
        assertEquals(incidents, kept.stream().map(DeadLetterJournal.Entry::id).toList());
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(bytes("kept-" + i), kept.get(i).value());
            assertArrayEquals(bytes("k" + i), kept.get(i).key());
        }
        // a line torn by a crash in the middle of a write does not hide the others
        Files.writeString(journal, "{\"type\":\"entry\",\"id\":\"dl-torn", java.nio.file.StandardOpenOption.APPEND);

        try (TestGateway restarted = TestGateway.start(Map.of("gateway.dead-letter.journal", journal.toString()))) {
            HttpResponse<String> replay = DeadLetterTest.replay(restarted, TestGateway.OPERATOR_KEY);
            assertEquals(200, replay.statusCode(), replay.body());
            JsonNode replayed = TestGateway.json(replay).get("replayed");
            assertEquals(incidents, replayedIds(replayed), "in the order they were stored");
            for (int i = 0; i < kept.size(); i++) {
                Landed.expect(topic, "kept-" + i).key("k" + i)
                        .header(GatewayNames.DEAD_LETTER_ID_HEADER, incidents.get(i)).at(replayed.get(i));
            }
        }
        assertEquals(20, TestKafka.recordCount(topic), "each dead letter once");
    }

    /**
     * Malformed requests mixed with valid ones, against a gateway process of its own, so that its heap is the
     * gateway's alone (the test JVM also holds the broker and the other tests' gateways): a round to warm up, then the
     * flood; after each, a full GC in the gateway (jcmd GC.run) and its heap in use from its own metrics.
     */
    @Test
    void answersAFloodOfMalformedRequestsWithClientErrorsWhileValidOnesSucceed() throws Exception {
        String topic = TestKafka.createTopic("flood", 3, Map.of());
        int port = GatewayProcess.freePort();
        try (GatewayProcess child = GatewayProcess.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.http.port", String.valueOf(port),
                "gateway.auth.max-failures", "0"), false, List.of("-Xmx256m", "-XX:+UseSerialGC"))) {
            HttpClient client = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa())
                    .connectTimeout(Duration.ofSeconds(5)).build();
            Function<String, HttpRequest.Builder> request = path -> HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + path)).timeout(Duration.ofSeconds(30));
            flood(client, request, topic, new Random(7), 0, 1000);
            long heapBefore = heapAfterFullGc(child, client, port);
            flood(client, request, topic, new Random(42), 1000, 3000);
            long growth = heapAfterFullGc(child, client, port) - heapBefore;
            System.out.println("gateway heap in use after a full GC: " + heapBefore / 1024 + " KB after the warm-up, "
                    + (heapBefore + growth) / 1024 + " KB after 3000 more requests");
            assertEquals(4000 / 5, TestKafka.recordCount(topic), "every valid record once, nothing else");
            // what 3000 more requests leave behind in the gateway's heap, after a full GC: bounded caches, no
            // per-request leak (the bound is generous: a healthy run measured under 1 MB of growth, a leak of 8 KB per
            // request reaching the routes 15 MB)
            assertTrue(growth < 8L * 1024 * 1024, "gateway heap grew by " + growth / 1024 + " KB");
        }
    }

    /** Sends {@code total} requests, one in five valid, 32 at a time, and checks each answer. */
    private static void flood(HttpClient client, Function<String, HttpRequest.Builder> builder, String topic,
                              Random random, int first, int total) throws Exception {
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        Map<Integer, String> valid = new java.util.concurrent.ConcurrentHashMap<>();
        for (int i = first; i < first + total; i++) {
            int index = i;
            boolean isValid = i % 5 == 0;
            HttpRequest request = isValid ? validRequest(builder, topic, i) : malformedRequest(builder, topic, random);
            inFlight.acquire();
            all.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, failure) -> {
                        inFlight.release();
                        if (failure != null) {
                            // a header block over the limit is answered 431 and the connection closed; a client may
                            // see the close first: that is a refusal, not a failure of the gateway
                            if (!request.headers().firstValue("X-Huge").isPresent()) {
                                problems.add(request.method() + " " + request.uri() + ": " + failure);
                            }
                        } else if (isValid && response.statusCode() != 200) {
                            problems.add("valid request answered " + response.statusCode() + ": " + response.body());
                        } else if (isValid) {
                            valid.put(index, response.body());
                        } else if (response.statusCode() >= 500 || response.statusCode() < 400
                                || !response.body().contains("\"error_code\":" + response.statusCode())) {
                            problems.add(request.method() + " " + request.uri() + " " + request.headers().map()
                                    + " answered " + response.statusCode() + " " + response.body());
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        assertEquals(List.of(), problems.subList(0, Math.min(10, problems.size())));
        assertEquals(total / 5, valid.size());
        Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(topic);
        for (Map.Entry<Integer, String> answer : valid.entrySet()) {
            int i = answer.getKey();
            Landed.expect(topic, "{\"i\":" + i + "}").key("k" + i % 7).within(inKafka)
                    .at(TestGateway.JSON.readTree(answer.getValue()).get("metadata"));
        }
    }

    /** The gateway process's heap in use right after a full GC, from its metrics. */
    private static long heapAfterFullGc(GatewayProcess child, HttpClient client, int port) throws Exception {
        Process gc = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(child.process().pid()), "GC.run").redirectErrorStream(true).start();
        String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gc.waitFor(60, TimeUnit.SECONDS) && gc.exitValue() == 0, "jcmd GC.run: " + said);
        HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode());
        long used = metrics.body().lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertTrue(used > 0, metrics.body());
        return used;
    }

    private static HttpRequest validRequest(Function<String, HttpRequest.Builder> request, String topic, int i) {
        return request.apply("/topics/" + topic + "/records?key=k" + (i % 7))
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}")).build();
    }

    /** A valid request spoiled by one or two defects, each of which alone makes it a client error. */
    private static HttpRequest malformedRequest(Function<String, HttpRequest.Builder> request, String topic,
                                                Random random) {
        String method = "POST";
        String path = "/topics/" + topic + "/records";
        String query = "";
        String type = "application/json";
        byte[] body = bytes("{\"ok\":true}");
        String authorization = "Bearer " + TestGateway.ALL_TOPICS_KEY;
        String huge = null;
        for (int defects = 1 + random.nextInt(2); defects > 0; defects--) {
            switch (random.nextInt(9)) {
                case 0 -> method = new String[] {"GET", "PUT", "DELETE", "PATCH"}[random.nextInt(4)];
                case 1 -> path = new String[] {"/topics//records", path + "/extra", "/topics/" + topic,
                    "/topics/%00/records", "/topics/a%2Fb/records", "/nothing/here",
                    "/topics/" + "x".repeat(300) + "/records"}[random.nextInt(7)];
                case 2 -> query = new String[] {"?keyType=binary&key=zz", "?headers=a:0g", "?headers=,,",
                    "?key=" + "k".repeat(5000), "?keyType=other&key=a", "?headers=kafka.KEY:00",
                    "?key=%FF%FE&keyType=binary", "?key=a&key=b"}[random.nextInt(8)];
                case 3 -> type = new String[] {"application/x-www-form-urlencoded", "image/gif", null,
                    "multipart/form-data; boundary=--x", "*/*", "text/html"}[random.nextInt(6)];
                case 4 -> body = new byte[0];
                case 5 -> body = new byte[][] {bytes("{broken"), {(byte) 0xC3, (byte) 0x28, (byte) 0xFF},
                    bytes("[1,2,3] 4"), new byte[70_000]}[random.nextInt(4)];
                case 6 -> authorization = new String[] {"Bearer wrong", "Basic Og==", null,
                    "Bearer " + TestGateway.ORDERS_KEY}[random.nextInt(4)];
                case 7 -> huge = "h".repeat(20_000);
                default -> query = "?headers=" + "zz".repeat(random.nextInt(3) + 1);
            }
        }
        HttpRequest.Builder builder = request.apply(path + query)
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            builder.header("Content-Type", type);
        }
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (huge != null) {
            builder.header("X-Huge", huge);
        }
        return builder.build();
    }

    private static Outcome send(HttpClient http, URI records, String value) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(records).timeout(Duration.ofSeconds(90))
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(value, response.statusCode(), response.body(), null, millisSince(start));
        } catch (IOException | RuntimeException e) {
            return new Outcome(value, 0, null, e, millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(value, 0, null, e, millisSince(start));
        }
    }

    private static List<String> replayedIds(JsonNode replayed) {
        List<String> ids = new ArrayList<>();
        replayed.forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}

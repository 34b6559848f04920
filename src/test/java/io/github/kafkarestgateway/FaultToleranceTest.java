package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.ErrorResponsesTest.assertError;
import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway under stress: shutdown mid-load, a hard crash, and a flood of malformed requests. */
class FaultToleranceTest {

    /** A request's outcome: the status, or the connection failure that took its place. */
    private record Outcome(String value, int status, String body, Throwable failure, long millis) {
    }

    @Test
    void answersEveryRequestAndLosesNoAcknowledgedRecordWhenStoppedUnderLoad() throws Exception {
        String topic = TestKafka.createTopic("shutdown", 3, Map.of());
        TestGateway gateway = TestGateway.start(Map.of("camel.main.shutdownTimeout", "10"));
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        CountDownLatch warmedUp = new CountDownLatch(200);
        for (int c = 0; c < 8; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; sending.get(); i++) {
                    Outcome outcome = send(gateway, "/topics/" + topic + "/records", "c" + client + "-" + i);
                    outcomes.add(outcome);
                    warmedUp.countDown();
                    if (outcome.failure() instanceof ConnectException) {
                        return;
                    }
                }
            });
        }
        assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "load is running");

        gateway.close();
        sending.set(false);
        clients.shutdown();
        assertTrue(clients.awaitTermination(60, TimeUnit.SECONDS), "every client got its answer");

        int ok = 0;
        Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(topic);
        for (Outcome outcome : outcomes) {
            assertTrue(outcome.millis() < 15_000, "answered within the grace period: " + outcome);
            if (outcome.status() == 200) {
                JsonNode metadata = TestGateway.JSON.readTree(outcome.body()).get("metadata");
                ConsumerRecord<byte[], byte[]> record = inKafka.get(metadata.get("partition").asInt() + "@"
                        + metadata.get("offset").asLong());
                assertTrue(record != null, "acknowledged and in Kafka: " + outcome);
                assertArrayEquals(bytes(outcome.value()), record.value(), "acknowledged and in Kafka");
                ok++;
            } else if (outcome.failure() == null) {
                assertEquals(503, outcome.status(), "refused while shutting down: " + outcome);
            }
        }
        assertTrue(ok >= 200, ok + " acknowledged");
        assertEquals(ok, inKafka.size(), "nothing written that was not acknowledged as 200");
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
            assertEquals(20, TestGateway.json(replay).get("replayed").size());
        }
        assertEquals(20, TestKafka.recordCount(topic), "each dead letter once");
    }

    @Test
    void answersAFloodOfMalformedRequestsWithClientErrorsWhileValidOnesSucceed() throws Exception {
        String topic = TestKafka.createTopic("flood", 3, Map.of());
        TestGateway gateway = TestGateway.shared();
        Random random = new Random(42);
        int total = 3000;
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Integer> valid = Collections.synchronizedList(new ArrayList<>());
        System.gc();
        long heapBefore = usedHeap();
        for (int i = 0; i < total; i++) {
            boolean isValid = i % 5 == 0;
            HttpRequest request = isValid ? validRequest(gateway, topic, i) : malformedRequest(gateway, topic, random);
            inFlight.acquire();
            all.add(gateway.client().sendAsync(request, HttpResponse.BodyHandlers.ofString())
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
                            valid.add(200);
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
        assertEquals(total / 5, TestKafka.recordCount(topic), "every valid record once, nothing else");
        System.gc();
        long growth = usedHeap() - heapBefore;
        assertTrue(growth < 64L * 1024 * 1024, "heap grew by " + growth / 1024 / 1024 + " MB");
    }

    private static HttpRequest validRequest(TestGateway gateway, String topic, int i) {
        return gateway.request("/topics/" + topic + "/records?key=k" + (i % 7))
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}")).build();
    }

    /** A valid request spoiled by one or two defects, each of which alone makes it a client error. */
    private static HttpRequest malformedRequest(TestGateway gateway, String topic, Random random) {
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
        HttpRequest.Builder builder = gateway.request(path + query)
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

    private static Outcome send(TestGateway gateway, String path, String value) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = gateway.client().send(gateway.request(path)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(value, response.statusCode(), response.body(), null, millisSince(start));
        } catch (IOException e) {
            return new Outcome(value, 0, null, e, millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(value, 0, null, e, millisSince(start));
        }
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}

package io.github.kafkarestgateway.ops;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.deadletter.DeadLetterTest;
import io.github.kafkarestgateway.http.GatewayHttpServer;
import io.github.kafkarestgateway.testing.AccessLog;
import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request ids, the access log, the metrics and their history for the console. */
public class OperationsTest {

    private static final Path LOG = AccessLog.FILE;

    @Test
    void echoesTheRequestIdAndWritesOneAccessLogLinePerRequest() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("access");

        String requestId = "order-42." + java.util.UUID.randomUUID();
        HttpResponse<String> produced = gateway.post("/topics/" + topic + "/records?key=k", "text/plain", bytes("v"),
                "X-Request-ID", requestId);
        HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "image/png", bytes("v"));

        Landed.expect(topic, "v").key("k").in(produced);
        assertEquals(requestId, produced.headers().firstValue("X-Request-ID").orElse(null));
        String generated = refused.headers().firstValue("X-Request-ID").orElse("");
        assertFalse(generated.isEmpty(), "an id is made when the caller sends none");
        JsonNode metadata = TestGateway.json(produced).get("metadata");
        JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> accessLine(requestId), l -> l != null);
        assertEquals(200, line.get("status").asInt());
        assertEquals("POST", line.get("method").asText());
        assertEquals("/topics/" + topic + "/records", line.get("path").asText());
        assertEquals("all-topics", line.get("principal").asText());
        assertEquals("bearer", line.get("authMethod").asText());
        assertEquals(topic, line.get("topic").asText());
        assertEquals(metadata.get("partition").asInt(), line.get("partition").asInt());
        assertEquals(metadata.get("offset").asLong(), line.get("offset").asLong());
        assertTrue(line.get("bytesIn").asLong() > 0 && line.get("bytesOut").asLong() > 0, line.toString());
        assertTrue(line.has("time") && line.get("latencyMs").isNumber() && line.get("latencyMs").asDouble() > 0,
                line.toString());
        JsonNode refusedLine = await().atMost(Duration.ofSeconds(5)).until(() -> accessLine(generated), l -> l != null);
        assertEquals(415, refusedLine.get("status").asInt());
        assertEquals(TestGateway.json(refused).get("message").asText(), refusedLine.get("error").asText());
        assertFalse(line.has("error"), line.toString());
        assertFalse(Files.readString(LOG).contains(TestGateway.ALL_TOPICS_KEY), "no key in the access log");
    }

    @Test
    void copiesTheRequestIdIntoARecordHeaderThroughTheMapping() throws Exception {
        String topic = TestKafka.createTopic("request-id");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.mapping.headers", "X-Request-ID:request-id"))) {
            HttpResponse<String> given = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("a"),
                    "X-Request-ID", "given-1");
            HttpResponse<String> made = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("b"));

            Landed.expect(topic, "a").header("request-id", "given-1").in(given);
            Landed.expect(topic, "b").header("request-id", made.headers().firstValue("X-Request-ID").orElseThrow())
                    .in(made);
        }
    }

    @Test
    void countsSuccessesErrorsRateLimitsAndDeadLettersInThePrometheusMetrics() throws Exception {
        String topic = TestKafka.createTopic("metered");
        String other = TestKafka.createTopic("metered-other");
        String forbidden = TestKafka.createTopic("metered-forbidden");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1000",
                "gateway.quota.requests-per-second", "1000"))) {
            String ok = "gateway_requests_total{auth_method=\"bearer\",status=\"200\",topic=\"" + topic + "\"}";
            String unknown = "gateway_requests_total{auth_method=\"bearer\",status=\"404\",topic=\"-\"}";
            String refused = "gateway_requests_total{auth_method=\"bearer\",status=\"403\",topic=\"-\"}";
            String invalid = "gateway_requests_total{auth_method=\"bearer\",status=\"400\",topic=\"-\"}";
            Map<String, Double> before = metrics(gateway);

            Landed.expect(topic, "v").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
            assertEquals(404, gateway.post("/topics/no-such-topic-metered/records", "text/plain", bytes("v")).statusCode());
            // an existing topic the caller may not use, and names that are no topic: none becomes a label
            assertEquals(403, gateway.post("/topics/" + forbidden + "/records", "text/plain", bytes("v"),
                    "Authorization", "Bearer " + TestGateway.ORDERS_KEY).statusCode());
            assertEquals(403, gateway.post("/v2/topics/" + forbidden + "/records", "application/json",
                    bytes("{\"value\":{\"type\":\"text\",\"data\":\"v\"}}"),
                    "Authorization", "Bearer " + TestGateway.ORDERS_KEY).statusCode());
            assertEquals(400, gateway.post("/topics/bad$metered-name/records", "text/plain", bytes("v")).statusCode());
            assertEquals(400, gateway.post("/topics/" + "metered-long".repeat(25) + "/records", "text/plain",
                    bytes("v")).statusCode());
            assertEquals(401, gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "Authorization", "Bearer wrong").statusCode());
            proxy.pause();
            try {
                assertEquals(503, gateway.post("/topics/" + other + "/records", "text/plain", bytes("v")).statusCode());
            } finally {
                proxy.resume();
            }
            Map<String, Double> after = metrics(gateway);

            assertEquals(1.0, delta(before, after, ok), 0.0, ok);
            assertEquals(1.0, delta(before, after, unknown), 0.0, "unknown topics under topic -");
            assertEquals(1.0, delta(before, after, "gateway_authentication_failures_total"), 0.0);
            assertEquals(1.0, delta(before, after, "gateway_dead_letters_written_total"), 0.0);
            assertTrue(after.get("gateway_kafka_ack_duration_seconds_count") >= 1, after.toString());
            assertEquals(1.0, delta(before, after, "gateway_record_value_bytes_count{topic=\"" + topic + "\"}"), 0.0);
            assertTrue(after.containsKey("gateway_requests_in_flight"));
            assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes")));
            assertTrue(after.keySet().stream().anyMatch(k -> k.startsWith("gateway_request_duration_seconds_bucket")));
            assertEquals(2.0, delta(before, after, refused), 0.0, "403s under topic -");
            assertEquals(2.0, delta(before, after, invalid), 0.0, "invalid names under topic -");
            for (String name : List.of("no-such-topic", forbidden, "bad$metered", "metered-longmetered-long")) {
                assertFalse(after.keySet().stream().anyMatch(k -> k.contains(name)), "labels stay bounded: " + name);
            }

            DeadLetterTest.replay(gateway, TestGateway.OPERATOR_KEY);
            assertEquals(1.0, delta(before, metrics(gateway), "gateway_dead_letters_replayed_total"), 0.0);
        }
        try (TestGateway limited = TestGateway.start(Map.of("gateway.quota.requests-per-second", "1"))) {
            List<HttpResponse<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(limited.post("/topics/" + topic + "/records", "text/plain", bytes("q")));
            }
            for (HttpResponse<String> answer : answers) {
                if (answer.statusCode() == 200) {
                    Landed.expect(topic, "q").in(answer);
                } else {
                    TestGateway.assertError(answer, 429);
                }
            }
            assertTrue(metrics(limited).get("gateway_rate_limited_total{kind=\"quota\"}") >= 1);
        }
    }

    @Test
    void servesProbesAndMetricsOnTheManagementPortOnlyWhenOneIsSet() throws Exception {
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.management.port", "0"))) {
            int port = gateway.context().hasService(GatewayHttpServer.class).getManagementPort();
            assertTrue(port > 0);
            String management = "https://localhost:" + port;
            for (String path : new String[] {"/alive", "/ready", "/metrics"}) {
                assertEquals(200, gateway.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(management + path))
                        .GET().build()).statusCode(), path);
                assertEquals(404, gateway.send(gateway.request(path).GET().build()).statusCode(), path + " not on the API port");
            }
            assertEquals(404, gateway.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(management + "/topics/any/records")).POST(java.net.http.HttpRequest.BodyPublishers
                    .ofString("v")).header("Content-Type", "text/plain").build()).statusCode(), "no API on it");
            String topic = TestKafka.createTopic("api-port");
            Landed.expect(topic, "v").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
        }
    }

    @Test
    void servesNoMetricsWhenTheyAreSwitchedOff() throws Exception {
        String topic = TestKafka.createTopic("no-metrics");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.metrics.enabled", "false"))) {
            Landed.expect(topic, "v").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")));

            HttpResponse<String> metrics = gateway.send(gateway.request("/metrics").GET().build());

            TestGateway.assertError(metrics, 404);
            assertFalse(metrics.body().contains("gateway_requests_total"), metrics.body());
            assertEquals(200, gateway.send(gateway.request("/alive").GET().build()).statusCode(), "the probes stay");
        }
    }

    @Test
    void writesNoAccessLinesWhenTheAccessLogIsSwitchedOff() throws Exception {
        String topic = TestKafka.createTopic("no-access-log");
        String run = "access-switch." + java.util.UUID.randomUUID();
        // pending lines are written at the latest when the gateway stops: after close(), what is not in the log
        // was never logged (no waiting for a flush period)
        try (TestGateway on = TestGateway.start(Map.of("gateway.access-log.enabled", "true"))) {
            Landed.expect(topic, "on").in(on.post("/topics/" + topic + "/records", "text/plain", bytes("on"),
                    "X-Request-ID", run + "-on"));
        }
        try (TestGateway off = TestGateway.start(Map.of("gateway.access-log.enabled", "false"))) {
            Landed.expect(topic, "off").in(off.post("/topics/" + topic + "/records", "text/plain", bytes("off"),
                    "X-Request-ID", run + "-off"));
            TestGateway.assertError(off.post("/topics/" + topic + "/records", "image/png", bytes("off"),
                    "X-Request-ID", run + "-off-refused"), 415);
        }

        assertTrue(accessLine(run + "-on") != null, "the switch on writes the line (the control)");
        assertEquals(null, accessLine(run + "-off"), "no line for a success");
        assertEquals(null, accessLine(run + "-off-refused"), "nor for an error");
        assertFalse(Files.readString(LOG).contains(run + "-off"), "the request id is nowhere in the log");
    }

    @Test
    void keepsTheHistoryOfItsOwnMetersForTheConsoleInTheMeterHistoryBean() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("history");
        MeterHistory history = gateway.context().getRegistry().lookupByNameAndType("meterHistory", MeterHistory.class);
        assertTrue(history != null, "bound as meterHistory");
        history.sample();
        Instant start = history.samples().get(history.samples().size() - 1).time();

        for (int i = 0; i < 3; i++) {
            Landed.expect(topic, "h" + i).in(gateway.post("/topics/" + topic + "/records", "text/plain",
                    bytes("h" + i)));
        }
        TestGateway.assertError(gateway.post("/topics/" + topic + "/records", "image/png", bytes("h")), 415);
        history.sample();

        JsonNode snapshot = history.snapshot();
        assertFalse(snapshot.get("instance").asText().isBlank(), snapshot.toString());
        assertEquals(5000, snapshot.get("sampleMs").asLong(), "gateway.console.sample-ms");
        // the samples since the first (the scheduler's own may have split the interval)
        List<JsonNode> since = new ArrayList<>();
        snapshot.get("samples").forEach(sample -> {
            if (Instant.parse(sample.get("time").asText()).isAfter(start)) {
                since.add(sample);
            }
        });
        assertTrue(since.stream().anyMatch(s -> s.get("requestsPerSecond").asDouble() > 0), since.toString());
        assertTrue(since.stream().anyMatch(s -> s.get("errors4xxPerSecond").asDouble() > 0), "the 415: " + since);
        assertTrue(since.stream().anyMatch(s -> s.get("p99Ms").asDouble() > 0), since.toString());
        ObjectNode newest = since.get(since.size() - 1).deepCopy();
        newest.remove("time");
        assertEquals(newest, snapshot.get("now"), "now is the newest sample");
        assertTrue(newest.get("registryReady").isNull(), "no registry configured: " + newest);
        // Kafka's check answers within the sampler's wait, or by a later sample
        JsonNode ready = await().atMost(Duration.ofSeconds(10)).until(() -> {
            history.sample();
            return history.snapshot().get("now");
        }, now -> now.get("kafkaReady").asBoolean());
        long pending = DeadLetterJournal.read(gateway.journal()).stream()
                .filter(entry -> entry.replayed() == null).count();
        assertEquals(pending, ready.get("deadLettersPending").asLong(), ready.toString());
    }

    @Test
    void samplesEverySampleMsFromTheContextsStartToItsStop() throws Exception {
        long before = historyThreads();
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.console.sample-ms", "50",
                "gateway.console.history-samples", "3"))) {
            MeterHistory history = gateway.context().getRegistry().lookupByNameAndType("meterHistory",
                    MeterHistory.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> history.samples().size() == 3);
            assertEquals(before + 1, historyThreads(), "a thread of its own while the context runs");
            assertEquals(50, history.snapshot().get("sampleMs").asLong());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> historyThreads() == before);
    }

    private static long historyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().endsWith("console-history"))
                .count();
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
        return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
    }

    /** The scraped samples, by metric name with labels. */
    public static Map<String, Double> metrics(TestGateway gateway) {
        HttpResponse<String> response = gateway.send(gateway.request("/metrics").GET().build());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        Map<String, Double> samples = new java.util.HashMap<>();
        for (String line : response.body().split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                int space = line.lastIndexOf(' ');
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return samples;
    }

    @Test
    void theShippedLogConfigurationWritesAccessLinesWhileTheGatewayRuns() throws Exception {
        int port = GatewayProcess.freePort();
        try (GatewayProcess child = GatewayProcess.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.http.port", String.valueOf(port)), true)) {
            String topic = TestKafka.createTopic("shipped-log");
            String run = "shipped-log." + java.util.UUID.randomUUID();
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(TestGateway.trustingTestCa()).build();
            // several requests within one flush period: their lines are written as one block
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> response = client.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create("https://localhost:" + port + "/topics/" + topic + "/records"))
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "text/plain")
                        .header("X-Request-ID", run + "-" + i)
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("v")).build(),
                        HttpResponse.BodyHandlers.ofString());
                Landed.expect(topic, "v").in(response);
            }

            // handed to the logger in blocks by a thread of their own, on stdout within moments, one JSON line each
            List<String> lines = await().atMost(Duration.ofSeconds(10)).until(() -> {
                synchronized (child.output()) {
                    return child.output().stream().filter(l -> l.contains(run)).toList();
                }
            }, l -> l.size() == 20);
            for (int i = 0; i < 20; i++) {
                String id = run + "-" + i;
                String line = lines.stream().filter(l -> l.contains("\"" + id + "\"")).findFirst().orElseThrow();
                assertTrue(line.startsWith("{\"time\":"), line);
                JsonNode json = TestGateway.JSON.readTree(line);
                assertEquals(id, json.get("requestId").asText());
                assertEquals(200, json.get("status").asInt());
                assertEquals(topic, json.get("topic").asText());
            }
        }
    }

    /** The latest access-log line of this request id (the log file is kept across test runs). */
    private static JsonNode accessLine(String requestId) throws Exception {
        return AccessLog.line(requestId);
    }
}

package io.github.kafkarestgateway.admission;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.ops.OperationsTest;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rate quotas (429: the default, and a service ID's own {@code rateLimit}), the global load bounds on requests and
 * bytes in flight (503 at once, with Retry-After), and the counters of what they refused.
 */
class LoadLimitsTest {

    @Test
    void refusesRequestsOverTheServiceIdsRateWith429() throws Exception {
        String topic = TestKafka.createTopic("quota");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.quota.requests-per-second", "5"))) {
            List<HttpResponse<String>> passed = new ArrayList<>();
            HttpResponse<String> limited = null;
            for (int i = 0; i < 30 && limited == null; i++) {
                HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("q" + i));
                if (response.statusCode() == 200) {
                    passed.add(response);
                } else {
                    limited = response;
                }
            }
            assertTrue(limited != null, "30 requests in a row exceed 5 per second");
            // read back only now: reading between the requests would slow them below the rate
            for (int i = 0; i < passed.size(); i++) {
                Landed.expect(topic, "q" + i).in(passed.get(i));
            }
            int ok = passed.size();
            assertError(limited, 429);
            assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElse("0")) >= 1);
            assertTrue(ok >= 5, ok + " passed before the quota");
            assertEquals(ok, TestKafka.recordCount(topic), "a refused request writes nothing");
            assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "and is not a dead letter");
            assertTrue(OperationsTest.metrics(gateway).get("gateway_rate_limited_total{kind=\"quota\"}") >= 1);
        }
    }

    @Test
    void aServiceIdsRateLimitInTheKeyFileReplacesTheDefaultQuota() throws Exception {
        String topic = TestKafka.createTopic("rate-limit");
        String fastKey = ApiKeyStore.newKey();
        String slowKey = ApiKeyStore.newKey();
        Path keys = Files.createTempDirectory("gateway-test-rate-limit").resolve("api-keys.json");
        TestGateway.writeKey(keys, "fast", fastKey, "writer", "*");
        TestGateway.writeKey(keys, "slow", slowKey, "writer", "*");
        setRateLimit(keys, "fast", 1000);
        setRateLimit(keys, "slow", 0.5);
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.auth.keys-file", keys.toString(),
                "gateway.quota.requests-per-second", "1"))) {
            // 1000 per second for "fast": ten in a row pass, where the default (1 per second) would refuse the
            // second unless a whole second passed between each of them
            List<HttpResponse<String>> fast = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                fast.add(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("fast" + i),
                        "Authorization", "Bearer " + fastKey));
            }
            for (int i = 0; i < 10; i++) {
                Landed.expect(topic, "fast" + i).in(fast.get(i));
            }

            // 0.5 per second for "slow": one now, the next one only two seconds later (the default would say 1)
            Landed.expect(topic, "slow").in(gateway.post("/topics/" + topic + "/records", "text/plain",
                    bytes("slow"), "Authorization", "Bearer " + slowKey));
            HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("slow"),
                    "Authorization", "Bearer " + slowKey);
            assertError(refused, 429);
            assertEquals("2", refused.headers().firstValue("Retry-After").orElse(null), refused.body());
            // and once those seconds passed it may send again (a refused request takes no token); 15 s is only the
            // bound of the wait, far beyond the 2 s of the rate
            HttpResponse<String> again = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> gateway.post("/topics/" + topic + "/records", "text/plain", bytes("slow again"),
                            "Authorization", "Bearer " + slowKey), r -> r.statusCode() != 429);
            Landed.expect(topic, "slow again").in(again);
            assertEquals(12, TestKafka.recordCount(topic), "refused requests wrote nothing");
        }
    }

    @Test
    void refusesRequestsOverTheInFlightBoundWith503AtOnce() throws Exception {
        String topic = TestKafka.createTopic("bound");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.max-in-flight", "2"))) {
            Landed.expect(topic, "warm").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("warm")));
            double loadBefore = OperationsTest.metrics(gateway).getOrDefault("gateway_rate_limited_total{kind=\"load\"}", 0.0);
            proxy.pause();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    waiting.add(sendAsync(gateway, topic, "held" + i));
                }
                Backpressure bound = backpressure(gateway);
                await().atMost(Duration.ofSeconds(20)).until(() -> bound.inFlight() == 2);

                HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("over"));

                // at once: answered while the requests holding the bound still wait for Kafka, not queued behind them
                assertFalse(waiting.stream().anyMatch(CompletableFuture::isDone), "the held requests still wait");
                assertError(refused, 503);
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
                assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "not a dead letter");
            } finally {
                proxy.resume();
            }
            for (int i = 0; i < 2; i++) {
                Landed.expect(topic, "held" + i).in(waiting.get(i).get(30, TimeUnit.SECONDS));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> backpressure(gateway).inFlight() == 0);
            assertEquals(1.0, OperationsTest.metrics(gateway).get("gateway_rate_limited_total{kind=\"load\"}")
                    - loadBefore, 0.0, "counted as refused for load");
        }
    }

    @Test
    void refusesRequestsOverTheInFlightBytesBoundWith503AtOnce() throws Exception {
        String topic = TestKafka.createTopic("bytes-bound");
        PausableProxy proxy = TestKafka.proxy();
        String sixty = "b".repeat(60);
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.max-in-flight-bytes", "100"))) {
            Landed.expect(topic, "warm").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("warm")));
            // a body larger than the bound alone never fits
            assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("x".repeat(101))), 503);
            Backpressure bound = backpressure(gateway);
            CompletableFuture<HttpResponse<String>> held;
            proxy.pause();
            try {
                held = sendAsync(gateway, topic, sixty);
                await().atMost(Duration.ofSeconds(20)).until(() -> bound.bytesInFlight() == 60);

                // 60 + 60 bytes are over 100: refused while the first still waits for Kafka
                HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "text/plain", bytes(sixty));

                assertFalse(held.isDone(), "the held request still waits");
                JsonNode body = assertError(refused, 503);
                assertTrue(body.get("message").asText().contains("bytes"), refused.body());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            } finally {
                proxy.resume();
            }
            Landed.expect(topic, sixty).in(held.get(30, TimeUnit.SECONDS));
            await().atMost(Duration.ofSeconds(20)).until(() -> bound.bytesInFlight() == 0);
            // the bytes are given back once answered: the same request now fits
            Landed.expect(topic, sixty).in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes(sixty)));
            assertEquals(3, TestKafka.recordCount(topic), "warm, held and the last; nothing of the refused ones");
            assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "refused requests are not dead letters");
            assertEquals(2.0, OperationsTest.metrics(gateway).get("gateway_rate_limited_total{kind=\"load\"}"), 0.0);
        }
    }

    @Test
    void countsWrongCredentialsFromABlockedSourceAsBlocked() throws Exception {
        String topic = TestKafka.createTopic("blocked");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.auth.max-failures", "2"))) {
            assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "Authorization", "Bearer wrong-1"), 401);
            assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "Authorization", "Bearer wrong-2"), 401);

            HttpResponse<String> blocked = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "Authorization", "Bearer wrong-3");

            assertError(blocked, 429);
            assertTrue(blocked.headers().firstValue("Retry-After").isPresent(), blocked.body());
            Map<String, Double> metrics = OperationsTest.metrics(gateway);
            assertEquals(1.0, metrics.get("gateway_rate_limited_total{kind=\"blocked\"}"), 0.0, metrics.toString());
            assertEquals(null, metrics.get("gateway_rate_limited_total{kind=\"quota\"}"), "not a quota");
            // valid credentials from the same address are never refused
            Landed.expect(topic, "valid").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("valid")));
        }
    }

    private static Backpressure backpressure(TestGateway gateway) {
        return gateway.context().getRegistry().lookupByNameAndType("checkLoad", Backpressure.class);
    }

    private static CompletableFuture<HttpResponse<String>> sendAsync(TestGateway gateway, String topic, String value) {
        return gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Gives a service ID of the key file its own request rate ({@code rateLimit}, requests per second). */
    private static void setRateLimit(Path keys, String name, double perSecond) throws Exception {
        JsonNode root = TestGateway.JSON.readTree(keys.toFile());
        for (JsonNode entry : root.get("keys")) {
            if (name.equals(entry.get("name").asText())) {
                ((ObjectNode) entry).put("rateLimit", perSecond);
            }
        }
        TestGateway.JSON.writeValue(keys.toFile(), root);
    }
}

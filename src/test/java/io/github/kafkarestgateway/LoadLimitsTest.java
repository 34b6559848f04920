package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ErrorResponsesTest.assertError;
import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate quotas (429) and the global load bound (503) answer at once, with Retry-After. */
class LoadLimitsTest {

    @Test
    void refusesRequestsOverTheServiceIdsRateWith429() throws Exception {
        String topic = TestKafka.createTopic("quota");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.quota.requests-per-second", "5"))) {
            int ok = 0;
            HttpResponse<String> limited = null;
            for (int i = 0; i < 30 && limited == null; i++) {
                HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("q" + i));
                if (response.statusCode() == 200) {
                    ok++;
                } else {
                    limited = response;
                }
            }
            assertTrue(limited != null, "30 requests in a row exceed 5 per second");
            assertError(limited, 429);
            assertTrue(Integer.parseInt(limited.headers().firstValue("Retry-After").orElse("0")) >= 1);
            assertTrue(ok >= 5, ok + " passed before the quota");
            assertEquals(ok, TestKafka.recordCount(topic), "a refused request writes nothing");
            assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "and is not a dead letter");
        }
    }

    @Test
    void refusesRequestsOverTheInFlightBoundWith503AtOnce() throws Exception {
        String topic = TestKafka.createTopic("bound");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.max-in-flight", "2"))) {
            assertEquals(200, gateway.post("/topics/" + topic + "/records", "text/plain", bytes("warm")).statusCode());
            proxy.pause();
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    waiting.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("held")).build(), HttpResponse.BodyHandlers.ofString()));
                }
                Backpressure bound = gateway.context().getRegistry().lookupByNameAndType("backpressure", Backpressure.class);
                await().until(() -> bound.inFlight() == 2);
                long start = System.nanoTime();

                HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("over"));

                assertError(refused, 503);
                assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000, "at once");
                assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
                assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "not a dead letter");
            } finally {
                proxy.resume();
            }
            for (CompletableFuture<HttpResponse<String>> held : waiting) {
                assertEquals(200, held.get(30, TimeUnit.SECONDS).statusCode(), "held requests complete");
            }
            await().until(() -> gateway.context().getRegistry()
                    .lookupByNameAndType("backpressure", Backpressure.class).inFlight() == 0);
        }
    }
}

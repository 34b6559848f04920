package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.component.kafka.KafkaComponent;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ErrorResponsesTest.assertError;
import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the client gets when Kafka cannot take the record: 503 for unreachable brokers, 408 for a produce timeout. */
class KafkaFailuresTest {

    @Test
    void answersUnreachableBrokersWith503WithinTheConfiguredBound() throws Exception {
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", "localhost:" + closedPort(),
                "gateway.kafka.check-timeout-ms", "2000",
                "gateway.kafka.unavailable-backoff-ms", "30000"))) {
            long start = System.nanoTime();

            HttpResponse<String> response = gateway.post("/topics/any-topic/records", "text/plain", bytes("v"));

            long millis = (System.nanoTime() - start) / 1_000_000;
            JsonNode error = assertError(response, 503).get("error");
            assertTrue(millis < 4_000, "answered after " + millis + " ms");
            assertTrue(error.hasNonNull("incident"), response.body());
            assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));

            // within the back-off, the next requests do not wait the whole bound again
            long again = System.nanoTime();
            assertError(gateway.post("/topics/any-topic/records", "text/plain", bytes("v")), 503);
            assertTrue((System.nanoTime() - again) / 1_000_000 < 1_000);
        }
    }

    @Test
    void answersAProduceThatTimesOutWith408AndThenTheUnreachableClusterWith503() throws Exception {
        String topic = TestKafka.createTopic("timeout");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = behindPausableProxy()) {
            assertEquals(200, gateway.post("/topics/" + topic + "/records", "text/plain", bytes("before")).statusCode());
            proxy.pause();
            try {
                long start = System.nanoTime();

                HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"));

                long millis = (System.nanoTime() - start) / 1_000_000;
                JsonNode error = assertError(response, 408).get("error");
                assertTrue(millis >= 2_500 && millis < 6_000, "answered after " + millis + " ms");
                assertEquals(topic, error.get("topic").asText());
                assertEquals(7, error.get("kafka_error_code").asInt(), "REQUEST_TIMED_OUT");
                assertTrue(error.hasNonNull("incident"), response.body());

                // the timeout made the gateway check the cluster again: it does not answer, so 503
                assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("w")), 503);
            } finally {
                proxy.resume();
            }
        }
    }

    @Test
    void requestsWaitingForKafkaHoldNoThread() throws Exception {
        String topic = TestKafka.createTopic("waiting");
        PausableProxy proxy = TestKafka.proxy();
        int requests = 60;
        try (TestGateway gateway = behindPausableProxy()) {
            assertEquals(200, gateway.post("/topics/" + topic + "/records", "text/plain", bytes("before")).statusCode());
            proxy.pause();
            try {
                long start = System.nanoTime();
                List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    pending.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("r" + i)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> response : pending) {
                    assertError(response.get(30, TimeUnit.SECONDS), 408);
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                // three times the Vert.x worker pool (20) waits together: one delivery timeout, not three in turn
                assertTrue(millis < 7_000, requests + " waiting requests answered after " + millis + " ms");
            } finally {
                proxy.resume();
            }
        }
    }

    @Test
    void sendsThatWaitForMetadataNeverHoldUpTheEventLoops() throws Exception {
        String warm = TestKafka.createTopic("warm");
        String cold = TestKafka.createTopic("cold");
        try (TestGateway gateway = producerBehindPausableProxy(Map.of())) {
            assertEquals(200, gateway.post("/topics/" + warm + "/records", "text/plain", bytes("v")).statusCode());
            // the producer knows no partition of the cold topic and cannot learn any: each send waits 8 s
            assertEventLoopsServeWhileSendsWait(gateway, cold, 8, bytes("c"));
        }
    }

    @Test
    void sendsThatWaitForBufferSpaceNeverHoldUpTheEventLoops() throws Exception {
        String topic = TestKafka.createTopic("buffer");
        try (TestGateway gateway = producerBehindPausableProxy(Map.of(
                "camel.component.kafka.bufferMemorySize", "262144"))) {
            assertEquals(200, gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")).statusCode());
            // four 60 KB records fill the producer's 256 KB buffer: each further send waits 8 s for space
            assertEventLoopsServeWhileSendsWait(gateway, topic, 12, new byte[60_000]);
        }
    }

    @Test
    void afterTheDeliveryRouteIsReloadedTheSendGateWatchesOnlyTheNewProducer() throws Exception {
        String before = TestKafka.createTopic("before-reload");
        String after = TestKafka.createTopic("after-reload");
        try (TestGateway gateway = TestGateway.start(Map.of())) {
            KafkaSendGate gate = (KafkaSendGate) gateway.context().getComponent("kafka", KafkaComponent.class)
                    .getKafkaClientFactory();
            assertEquals(200, gateway.post("/topics/" + before + "/records", "text/plain", bytes("v")).statusCode());
            assertTrue(gate.sendsAtOnce(before, 1));

            // what `camel run --dev` does when a route file changes: the route, and its producer, start anew
            gateway.context().getRouteController().stopRoute("deliver-record");
            gateway.context().getRouteController().startRoute("deliver-record");
            assertEquals(200, gateway.post("/topics/" + after + "/records", "text/plain", bytes("v")).statusCode());

            // the closed producer knows nothing of the new topic: were it still asked, no request would run on the
            // event loop again
            assertTrue(gate.sendsAtOnce(after, 1));
            assertEquals(1, gate.watched());
        }
    }

    @Test
    void requestsThatWaitedForOneTopicCheckSendSideBySide() throws Exception {
        String warm = TestKafka.createTopic("warm");
        String topic = TestKafka.createTopic("shared-check");
        int requests = 8;
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "kafka.interceptor.classes", HoldingInterceptor.class.getName(),
                "gateway.kafka.check-timeout-ms", "20000"))) {
            assertEquals(200, gateway.post("/topics/" + warm + "/records", "text/plain", bytes("v")).statusCode());
            HoldingInterceptor.gate = new CountDownLatch(1);
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            proxy.pause();
            try {
                // the topic check cannot be answered while the proxy is paused: every request waits for the same one
                for (int i = 0; i < requests; i++) {
                    pending.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("hold")).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> gateway.context().getInflightRepository().size() >= requests);
            } finally {
                proxy.resume();
            }
            try {
                // the check answers all of them at once; then each send is held (as a send waits for metadata or
                // buffer space): they must all be held together, not one after the other
                await().atMost(Duration.ofSeconds(10)).until(() -> HoldingInterceptor.held.get() == requests);
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            for (CompletableFuture<HttpResponse<String>> response : pending) {
                assertEquals(200, response.get(30, TimeUnit.SECONDS).statusCode());
            }
        }
    }

    /**
     * A gateway whose producer reaches the shared broker through the pausable proxy (sends wait at most 8 s), while
     * the topic check reaches it directly.
     */
    private static TestGateway producerBehindPausableProxy(Map<String, String> more) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "camel.component.kafka.brokers", TestKafka.proxiedBootstrapServers(),
                "camel.component.kafka.maxBlockMs", "8000",
                "camel.component.kafka.requestTimeoutMs", "2000",
                "camel.component.kafka.deliveryTimeoutMs", "4000"));
        settings.putAll(more);
        return TestGateway.start(settings);
    }

    /**
     * With the proxy paused, sends these records on as many connections (more than the gateway has event loops),
     * then proves that every event loop still answers other requests at once, and that the waiting sends fail.
     */
    private static void assertEventLoopsServeWhileSendsWait(TestGateway gateway, String topic, int requests,
                                                            byte[] value) throws Exception {
        PausableProxy proxy = TestKafka.proxy();
        proxy.pause();
        try {
            List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                waiting.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(value)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> gateway.context().getInflightRepository().size() >= requests);

            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                HttpResponse<String> alive = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build()
                        .send(gateway.request("/alive").GET().build(), HttpResponse.BodyHandlers.ofString());
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(200, alive.statusCode());
                assertTrue(millis < 2_500, "/alive answered after " + millis + " ms");
            }
            for (CompletableFuture<HttpResponse<String>> response : waiting) {
                int status = response.get(30, TimeUnit.SECONDS).statusCode();
                assertTrue(status == 408 || status == 503, "status " + status);
            }
        } finally {
            proxy.resume();
        }
    }

    /** A gateway that reaches the shared broker through the pausable proxy, with a 3 s delivery timeout. */
    private static TestGateway behindPausableProxy() throws Exception {
        return TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "2000",
                "camel.component.kafka.deliveryTimeoutMs", "3000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0"));
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

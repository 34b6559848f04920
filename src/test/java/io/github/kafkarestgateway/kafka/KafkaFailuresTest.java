package io.github.kafkarestgateway.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.HoldingInterceptor;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.RecordingInterceptor;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.camel.component.kafka.KafkaComponent;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
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
            // the bound is the behaviour (gateway.kafka.check-timeout-ms, 2 s): not the producer's max.block.ms (5 s
            // here, 60 s by Kafka's default) nor the client's timeout; generous for a slow machine
            assertTrue(millis < 2_000 + 3_000, "answered after " + millis + " ms");
            assertTrue(error.hasNonNull("incident"), response.body());
            assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));

            // within the back-off, the next requests do not wait the whole bound again (the bound is the
            // behaviour: they are answered at once, so well within the 2 s of a new check)
            long again = System.nanoTime();
            assertError(gateway.post("/topics/any-topic/records", "text/plain", bytes("v")), 503);
            long againMillis = (System.nanoTime() - again) / 1_000_000;
            assertTrue(againMillis < 1_500, "answered after " + againMillis + " ms");
        }
    }

    @Test
    void answersAProduceThatTimesOutWith408AndThenTheUnreachableClusterWith503() throws Exception {
        String topic = TestKafka.createTopic("timeout");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = behindPausableProxy()) {
            Landed.expect(topic, "before").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("before")));
            proxy.pause();
            try {
                long start = System.nanoTime();

                HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"));

                long millis = (System.nanoTime() - start) / 1_000_000;
                JsonNode error = assertError(response, 408).get("error");
                // the bound is the behaviour: not before the delivery timeout (3 s), and not much after it (generous
                // for a slow machine, well below the client's 30 s)
                assertTrue(millis >= 2_500 && millis < 3_000 + 9_000, "answered after " + millis + " ms");
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
        // the broker's acknowledgements wait for the test (no delivery timeout before it resumes the proxy)
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "kafka.interceptor.classes", RecordingInterceptor.class.getName(),
                "camel.component.kafka.deliveryTimeoutMs", "90000",
                "camel.component.kafka.requestTimeoutMs", "60000",
                "camel.component.kafka.lingerMs", "0"))) {
            Landed.expect(topic, "before").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("before")));
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            proxy.pause();
            try {
                for (int i = 0; i < requests; i++) {
                    pending.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("r" + i)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                // every request was handed to the producer while none is acknowledged: three times the Vert.x
                // worker pool (20) wait together, none of them holding a thread
                await().atMost(Duration.ofSeconds(30)).until(() -> RecordingInterceptor.TOPICS.stream()
                        .filter(topic::equals).count() == requests + 1);
                assertTrue(pending.stream().noneMatch(CompletableFuture::isDone), "answered before Kafka acknowledged");
            } finally {
                proxy.resume();
            }
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (CompletableFuture<HttpResponse<String>> response : pending) {
                answers.add(response.get(60, TimeUnit.SECONDS));
            }
            // each read-back opens a consumer: eight at a time, or reading sixty takes most of a minute
            java.util.concurrent.ExecutorService readers = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<?>> checks = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    int n = i;
                    checks.add(readers.submit(() -> Landed.expect(topic, "r" + n).in(answers.get(n))));
                }
                for (java.util.concurrent.Future<?> check : checks) {
                    try {
                        check.get(60, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof AssertionError failed) {
                            throw failed;
                        }
                        throw e;
                    }
                }
            } finally {
                readers.shutdownNow();
            }
        }
    }

    @Test
    void sendsThatWaitForMetadataNeverHoldUpTheEventLoops() throws Exception {
        String warm = TestKafka.createTopic("warm");
        String cold = TestKafka.createTopic("cold");
        try (TestGateway gateway = producerBehindPausableProxy(Map.of())) {
            Landed.expect(warm, "v").in(gateway.post("/topics/" + warm + "/records", "text/plain", bytes("v")));
            // the producer knows no partition of the cold topic and cannot learn any: each send waits for metadata
            assertEventLoopsServeWhileSendsWait(gateway, cold, 8, bytes("c"));
        }
    }

    @Test
    void sendsThatWaitForBufferSpaceNeverHoldUpTheEventLoops() throws Exception {
        String topic = TestKafka.createTopic("buffer");
        try (TestGateway gateway = producerBehindPausableProxy(Map.of(
                "camel.component.kafka.bufferMemorySize", "262144"))) {
            Landed.expect(topic, "v").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
            // four 60 KB records fill the producer's 256 KB buffer: each further send waits for space
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
            Landed.expect(before, "v").in(gateway.post("/topics/" + before + "/records", "text/plain", bytes("v")));
            assertTrue(gate.sendsAtOnce(before, 1));

            // what `camel run --dev` does when a route file changes: the route, and its producer, start anew
            gateway.context().getRouteController().stopRoute("deliver-record");
            gateway.context().getRouteController().startRoute("deliver-record");
            Landed.expect(after, "v").in(gateway.post("/topics/" + after + "/records", "text/plain", bytes("v")));

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
            Landed.expect(warm, "v").in(gateway.post("/topics/" + warm + "/records", "text/plain", bytes("v")));
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
                Landed.expect(topic, "hold").in(response.get(30, TimeUnit.SECONDS));
            }
        }
    }

    /**
     * A gateway whose producer reaches the shared broker through the pausable proxy, while the topic check reaches it
     * directly. Sends that wait for metadata or buffer space, and records waiting for the broker, wait for the test
     * to resume the proxy (their timeouts are far beyond the test's).
     */
    private static TestGateway producerBehindPausableProxy(Map<String, String> more) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "camel.component.kafka.brokers", TestKafka.proxiedBootstrapServers(),
                "camel.component.kafka.maxBlockMs", "90000",
                "camel.component.kafka.requestTimeoutMs", "60000",
                "camel.component.kafka.deliveryTimeoutMs", "90000"));
        settings.putAll(more);
        return TestGateway.start(settings);
    }

    /**
     * With the proxy paused, sends these records on as many connections (more than the gateway has event loops),
     * then proves that event loops still answer other requests (new connections, spread over the loops) while every
     * one of those sends waits, and that the waiting sends are written once the proxy resumes.
     */
    private static void assertEventLoopsServeWhileSendsWait(TestGateway gateway, String topic, int requests,
                                                            byte[] value) throws Exception {
        PausableProxy proxy = TestKafka.proxy();
        proxy.pause();
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < requests; i++) {
                waiting.add(gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "text/plain")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(value)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> gateway.context().getInflightRepository().size() >= requests);

            for (int i = 0; i < 8; i++) {
                // a send holding an event loop would hold this answer until the proxy resumes (never, here)
                HttpResponse<String> alive = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build()
                        .send(gateway.request("/alive").GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, alive.statusCode());
                assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone),
                        "/alive must be answered while the sends wait, not after one of them ended");
            }
        } finally {
            proxy.resume();
        }
        for (CompletableFuture<HttpResponse<String>> response : waiting) {
            Landed.expect(topic, value).in(response.get(60, TimeUnit.SECONDS));
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

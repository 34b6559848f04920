package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ErrorResponsesTest.assertError;
import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Key across two gateway instances that share one broker: one record, the same answer. */
class IdempotencyTest {

    private static TestGateway first;
    private static TestGateway second;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        first = TestGateway.start(Map.of());
        second = TestGateway.start(Map.of());
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void aRetryOnAnotherInstanceGetsTheFirstAnswerAndWritesNothing() {
        String topic = TestKafka.createTopic("idempotent");
        String key = UUID.randomUUID().toString();

        HttpResponse<String> original = post(first, topic, key, "order 42");
        HttpResponse<String> retry = post(second, topic, key, "order 42");

        assertEquals(200, original.statusCode(), original.body());
        assertEquals(200, retry.statusCode(), retry.body());
        JsonNode metadata = TestGateway.json(original).get("metadata");
        assertEquals(metadata, TestGateway.json(retry).get("metadata"), "the same partition and offset");
        assertEquals(1, TestKafka.recordCount(topic), "exactly one record");

        assertError(post(second, topic, key, "another order"), 422);
        assertEquals(1, TestKafka.recordCount(topic));
        assertEquals(200, post(second, topic, UUID.randomUUID().toString(), "order 43").statusCode(), "another key");
        assertEquals(2, TestKafka.recordCount(topic));
    }

    @Test
    void aRepeatWhileTheFirstIsInFlightGets409AndOnceItIsDoneTheFirstAnswer() throws Exception {
        String topic = TestKafka.createTopic("idempotent-409");
        String key = UUID.randomUUID().toString();
        // this instance holds the record "hold" in its producer until the test lets it go
        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()))) {
            assertEquals(200, slow.post("/topics/" + topic + "/records", "text/plain", bytes("warm")).statusCode());
            long claims = TestKafka.recordCount("rest-gateway-idempotency");
            HoldingInterceptor.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = postAsync(slow, topic, key, "hold");
            try {
                // its claim is on the idempotency topic: the log orders it before any other claim of the key
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> TestKafka.recordCount("rest-gateway-idempotency") > claims);

                assertError(post(second, topic, key, "hold"), 409);
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode(), answer.body());
            HttpResponse<String> repeat = post(second, topic, key, "hold");
            assertEquals(200, repeat.statusCode(), repeat.body());
            assertEquals(TestGateway.json(answer).get("metadata"), TestGateway.json(repeat).get("metadata"));
            assertEquals(2, TestKafka.recordCount(topic), "warm, and once");
        }
    }

    @Test
    void aRepeatIsNeverAnsweredFromAnInstancesOutdatedView() throws Exception {
        String topic = TestKafka.createTopic("idempotent-lag");
        String key = UUID.randomUUID().toString();
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()));
             TestGateway lagging = TestGateway.start(Map.of(
                     "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers()))) {
            assertEquals(200, slow.post("/topics/" + topic + "/records", "text/plain", bytes("warm")).statusCode());
            HoldingInterceptor.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = postAsync(slow, topic, key, "hold");
            HttpResponse<String> answer;
            try {
                // the lagging instance has seen the first request's claim: in flight
                assertError(post(lagging, topic, key, "hold"), 409);
                // then it hears nothing more from Kafka while the first request is answered
                proxy.pause();
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            try {
                answer = held.get(30, TimeUnit.SECONDS);
                assertEquals(200, answer.statusCode(), answer.body());

                // its view still says "in flight": the repeat waits for the log instead of answering 409 from it
                CompletableFuture<HttpResponse<String>> repeat = postAsync(lagging, topic, key, "hold");
                await().atMost(Duration.ofSeconds(10)).until(
                        () -> repeat.isDone() || lagging.context().getInflightRepository().size() > 0);
                assertEquals(false, repeat.isDone(), () -> "answered from an outdated view: " + repeat.join().body());
                proxy.resume();
                HttpResponse<String> repeated = repeat.get(30, TimeUnit.SECONDS);
                assertEquals(200, repeated.statusCode(), repeated.body());
                assertEquals(TestGateway.json(answer).get("metadata"), TestGateway.json(repeated).get("metadata"));
            } finally {
                proxy.resume();
            }
            assertEquals(2, TestKafka.recordCount(topic), "warm, and once");
        }
    }

    @Test
    void worksOnTheV2ApiToo() {
        String topic = TestKafka.createTopic("idempotent-v2");
        String key = UUID.randomUUID().toString();
        String body = "[{\"value\":{\"type\":\"text\",\"data\":\"a\"}},{\"value\":{\"type\":\"text\",\"data\":\"b\"}}]";

        HttpResponse<String> original = first.post("/v2/topics/" + topic + "/records", "application/json", bytes(body),
                "Idempotency-Key", key);
        HttpResponse<String> retry = second.post("/v2/topics/" + topic + "/records", "application/json", bytes(body),
                "Idempotency-Key", key);

        assertEquals(200, original.statusCode(), original.body());
        assertEquals(original.body(), retry.body());
        assertEquals(2, TestKafka.recordCount(topic));
    }

    @Test
    void anInstanceForgetsKeysWhoseWindowIsOverAndTheTopicDeletesOldRecords() throws Exception {
        String topic = TestKafka.createTopic("forgotten");
        String keysTopic = "idempotency-" + UUID.randomUUID();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.idempotency.topic", keysTopic,
                "gateway.idempotency.window-ms", "1000",
                "gateway.idempotency.in-flight-timeout-ms", "1000"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             KafkaProducer<String, String> ticker = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", TestKafka.bootstrapServers(),
                     "key.serializer", StringSerializer.class.getName(),
                     "value.serializer", StringSerializer.class.getName()))) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, post(gateway, topic, "k-" + i, "v" + i).statusCode());
            }
            assertEquals(5.0, OperationsTest.metrics(gateway).get("gateway_idempotency_keys"));

            // the log's time moves on with any record: once it is past the window (and a margin), the keys go
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300)).until(() -> {
                ticker.send(new ProducerRecord<>(keysTopic, "tick", "{\"t\":\"tick\"}")).get();
                return OperationsTest.metrics(gateway).get("gateway_idempotency_keys") == 0.0;
            });
            // a key whose window is over is a new request
            HttpResponse<String> again = post(gateway, topic, "k-0", "v0");
            assertEquals(200, again.statusCode());
            assertTrue(again.headers().firstValue("Idempotent-Replayed").isEmpty());
            assertEquals(6, TestKafka.recordCount(topic));

            // and the topic keeps a key's records no longer than the window (plus an hour), not for ever
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, keysTopic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertEquals("compact,delete", config.get("cleanup.policy").value());
            assertEquals(String.valueOf(1000 + 3_600_000), config.get("retention.ms").value());
            assertEquals("LogAppendTime", config.get("message.timestamp.type").value());
        }
    }

    @Test
    void aKeysTopicThatKeepsKeysForEverIsLeftAsItIsWithAWarning() throws Exception {
        String topic = TestKafka.createTopic("old-keys-topic");
        // as the gateway made it before it bounded the topic's retention
        String keysTopic = TestKafka.createTopic("idempotency-compacted-" + UUID.randomUUID(), 1,
                Map.of("cleanup.policy", "compact"));
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.idempotency.topic", keysTopic))) {
            assertEquals(200, post(gateway, topic, UUID.randomUUID().toString(), "v").statusCode());
            String warning = "The idempotency topic " + keysTopic + " keeps every key for ever (cleanup.policy=compact)";
            await().atMost(Duration.ofSeconds(5)).until(() -> java.nio.file.Files
                    .readString(java.nio.file.Path.of("target/test-gateway.log")).contains(warning));
        }
    }

    private static HttpResponse<String> post(TestGateway gateway, String topic, String key, String value) {
        return gateway.post("/topics/" + topic + "/records", "text/plain", bytes(value), "Idempotency-Key", key);
    }

    private static CompletableFuture<HttpResponse<String>> postAsync(TestGateway gateway, String topic, String key,
                                                                     String value) {
        return gateway.client().sendAsync(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                .header("Content-Type", "text/plain").header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

package io.github.kafkarestgateway.idempotency;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.ops.OperationsTest;
import io.github.kafkarestgateway.testing.HoldingInterceptor;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.PoisonPartitioner;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Idempotency-Key across two gateway instances that share one broker: one record, the same answer. */
class IdempotencyTest {

    /** The idempotency topic of the shipped properties, which the two shared instances use. */
    private static final String KEYS_TOPIC = "rest-gateway-idempotency";
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

        Landed.expect(topic, "order 42").in(original);
        assertTrue(original.headers().firstValue("Idempotent-Replayed").isEmpty(), "the first answer is no replay");
        assertEquals(200, retry.statusCode(), retry.body());
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null), "a repeat says so");
        JsonNode metadata = TestGateway.json(original).get("metadata");
        assertEquals(metadata, TestGateway.json(retry).get("metadata"), "the same partition and offset");
        assertEquals(1, TestKafka.recordCount(topic), "exactly one record");

        assertError(post(second, topic, key, "another order"), 422);
        assertEquals(1, TestKafka.recordCount(topic));
        HttpResponse<String> anotherKey = post(second, topic, UUID.randomUUID().toString(), "order 43");
        Landed.expect(topic, "order 43").in(anotherKey);
        assertTrue(anotherKey.headers().firstValue("Idempotent-Replayed").isEmpty());
        assertEquals(2, TestKafka.recordCount(topic));
    }

    @Test
    void aRepeatWhileTheFirstIsInFlightGets409AndOnceItIsDoneTheFirstAnswer() throws Exception {
        String topic = TestKafka.createTopic("idempotent-409");
        String key = UUID.randomUUID().toString();
        // this instance holds the record "hold" in its producer until the test lets it go
        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()))) {
            Landed.expect(topic, "warm").in(slow.post("/topics/" + topic + "/records", "text/plain", bytes("warm")));
            HoldingInterceptor.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = postAsync(slow, topic, key, "hold");
            try {
                // its claim is on the idempotency topic: the log orders it before any other claim of the key
                awaitInLog(KEYS_TOPIC, topic, key, "claim");
                await().atMost(Duration.ofSeconds(10)).until(() -> HoldingInterceptor.held.get() == 1);

                assertError(post(second, topic, key, "hold"), 409);
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            HttpResponse<String> answer = held.get(30, TimeUnit.SECONDS);
            Landed.expect(topic, "hold").in(answer);
            HttpResponse<String> repeat = post(second, topic, key, "hold");
            assertEquals(200, repeat.statusCode(), repeat.body());
            assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElse(null));
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
            Landed.expect(topic, "warm").in(slow.post("/topics/" + topic + "/records", "text/plain", bytes("warm")));
            HoldingInterceptor.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = postAsync(slow, topic, key, "hold");
            HttpResponse<String> answer;
            try {
                // once the first request's claim is in the log, any later claim of the key loses to it: the lagging
                // instance reads the log up to its own claim and finds the first one in flight
                awaitInLog(KEYS_TOPIC, topic, key, "claim");
                assertError(post(lagging, topic, key, "hold"), 409);
                // then it hears nothing more from Kafka while the first request is answered
                proxy.pause();
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            try {
                answer = held.get(30, TimeUnit.SECONDS);
                Landed.expect(topic, "hold").in(answer);

                // its view still says "in flight": the repeat waits for the log instead of answering 409 from it
                CompletableFuture<HttpResponse<String>> repeat = postAsync(lagging, topic, key, "hold");
                await().atMost(Duration.ofSeconds(10)).until(
                        () -> repeat.isDone() || lagging.context().getInflightRepository().size() > 0);
                assertEquals(false, repeat.isDone(), () -> "answered from an outdated view: " + repeat.join().body());
                proxy.resume();
                HttpResponse<String> repeated = repeat.get(30, TimeUnit.SECONDS);
                assertEquals(200, repeated.statusCode(), repeated.body());
                assertEquals("true", repeated.headers().firstValue("Idempotent-Replayed").orElse(null));
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
        JsonNode results = TestGateway.json(original).get("results");
        Landed.expect(topic, "a").at(results.get(0).get("metadata"));
        Landed.expect(topic, "b").at(results.get(1).get("metadata"));
        assertEquals(original.body(), retry.body());
        assertEquals("true", retry.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals(2, TestKafka.recordCount(topic));
    }

    @Test
    void anInstanceForgetsKeysWhoseWindowIsOverAndTheTopicDeletesOldRecords() throws Exception {
        String topic = TestKafka.createTopic("forgotten");
        String keysTopic = "idempotency-" + UUID.randomUUID();
        // a window long enough for five requests and a look at the metric on a slow machine (a key is forgotten
        // once the log's time is the window and a margin, here the window again, past it: 10 s), short enough to wait
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.idempotency.topic", keysTopic,
                "gateway.idempotency.window-ms", "5000",
                "gateway.idempotency.in-flight-timeout-ms", "5000"));
             Admin admin = Admin.create(Map.of("bootstrap.servers", TestKafka.bootstrapServers()));
             KafkaProducer<String, String> ticker = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", TestKafka.bootstrapServers(),
                     "key.serializer", StringSerializer.class.getName(),
                     "value.serializer", StringSerializer.class.getName()))) {
            List<HttpResponse<String>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                answers.add(post(gateway, topic, "k-" + i, "v" + i));
            }
            assertEquals(5.0, OperationsTest.metrics(gateway).get("gateway_idempotency_keys"));
            for (int i = 0; i < 5; i++) {
                Landed.expect(topic, "v" + i).in(answers.get(i));
            }

            // the log's time moves on with any record: once it is past the window (and a margin), the keys go
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                ticker.send(new ProducerRecord<>(keysTopic, "tick", "{\"t\":\"tick\"}")).get();
                return OperationsTest.metrics(gateway).get("gateway_idempotency_keys") == 0.0;
            });
            // a key whose window is over is a new request
            HttpResponse<String> again = post(gateway, topic, "k-0", "v0");
            Landed.expect(topic, "v0").in(again);
            assertTrue(again.headers().firstValue("Idempotent-Replayed").isEmpty());
            assertEquals(6, TestKafka.recordCount(topic));

            // and the topic keeps a key's records no longer than the window (plus an hour), not for ever
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, keysTopic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertEquals("compact,delete", config.get("cleanup.policy").value());
            assertEquals(String.valueOf(5000 + 3_600_000), config.get("retention.ms").value());
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
            Landed.expect(topic, "v").in(post(gateway, topic, UUID.randomUUID().toString(), "v"));
            String warning = "The idempotency topic " + keysTopic + " keeps every key for ever (cleanup.policy=compact)";
            await().atMost(Duration.ofSeconds(5)).until(() -> java.nio.file.Files
                    .readString(java.nio.file.Path.of("target/test-gateway.log")).contains(warning));
        }
    }

    @Test
    void aKeyHasOneTo255Characters() {
        String topic = TestKafka.createTopic("idempotent-length");

        for (String refused : List.of("", "k".repeat(256))) {
            JsonNode error = assertError(post(first, topic, refused, "refused"), 400);
            assertEquals("Idempotency-Key has 1 to 255 characters", error.get("message").asText());
        }
        assertEquals(0, TestKafka.recordCount(topic), "a refused key writes nothing");

        Landed.expect(topic, "one").in(post(first, topic, "k", "one"));
        Landed.expect(topic, "max").in(post(first, topic, "k".repeat(255), "max"));
        // and they are keys: a repeat is answered from the first time
        assertEquals("true", post(second, topic, "k", "one").headers().firstValue("Idempotent-Replayed").orElse(null));
        assertEquals("true", post(second, topic, "k".repeat(255), "max").headers().firstValue("Idempotent-Replayed")
                .orElse(null));
        assertEquals(2, TestKafka.recordCount(topic));
    }

    @Test
    void aKeyIsScopedByServiceIdAndByTopic() {
        // both keys of TestGateway may write to topics starting with "orders."
        String topic = TestKafka.createTopic("orders.idempotent");
        String otherTopic = TestKafka.createTopic("orders.idempotent-other");
        String key = UUID.randomUUID().toString();

        HttpResponse<String> byAllTopics = post(first, topic, key, "same body");
        HttpResponse<String> byOrdersWriter = first.post("/topics/" + topic + "/records", "text/plain",
                bytes("same body"), "Idempotency-Key", key, "Authorization", "Bearer " + TestGateway.ORDERS_KEY);
        HttpResponse<String> toOtherTopic = post(second, otherTopic, key, "same body");

        Landed.expect(topic, "same body").in(byAllTopics);
        Landed.expect(topic, "same body").in(byOrdersWriter);
        Landed.expect(otherTopic, "same body").in(toOtherTopic);
        for (HttpResponse<String> response : List.of(byAllTopics, byOrdersWriter, toOtherTopic)) {
            assertTrue(response.headers().firstValue("Idempotent-Replayed").isEmpty(), response.body());
        }
        assertNotEquals(TestGateway.json(byAllTopics).get("metadata"), TestGateway.json(byOrdersWriter).get("metadata"),
                "another service ID's key is another request");
        assertEquals(2, TestKafka.recordCount(topic));
        assertEquals(1, TestKafka.recordCount(otherTopic));
    }

    @Test
    void aFailedRequestFreesItsKeySoThatTheRetryIsWritten() throws Exception {
        String topic = TestKafka.createTopic("idempotent-retry");
        String key = UUID.randomUUID().toString();
        String records = "/topics/" + topic + "/records?key=fail-once";
        try (TestGateway failing = TestGateway.start(Map.of(
                "kafka.partitioner.class", PoisonPartitioner.class.getName()))) {
            PoisonPartitioner.FAIL_ONCE.set(true);
            HttpResponse<String> failed = failing.post(records, "text/plain", bytes("retried"), "Idempotency-Key", key);
            assertError(failed, 500);
            assertEquals(false, PoisonPartitioner.FAIL_ONCE.get(), "the first attempt reached the producer and failed");
            // the failure freed the key (a release on the log): the retry, on another instance, is written
            awaitInLog(KEYS_TOPIC, topic, key, "release");

            HttpResponse<String> retry = second.post(records, "text/plain", bytes("retried"), "Idempotency-Key", key);
            Landed.expect(topic, "retried").key("fail-once").in(retry);
            assertTrue(retry.headers().firstValue("Idempotent-Replayed").isEmpty(), "written, not replayed");
            assertEquals(1, TestKafka.recordCount(topic));
        } finally {
            PoisonPartitioner.FAIL_ONCE.set(false);
        }
    }

    @Test
    void aClaimThatIsNeverFinishedStopsBlockingItsKeyAfterTheInFlightTimeout() throws Exception {
        String topic = TestKafka.createTopic("idempotent-dead-claim");
        String keysTopic = "idempotency-dead-claim-" + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        Map<String, String> settings = Map.of(
                "gateway.idempotency.topic", keysTopic,
                "gateway.idempotency.in-flight-timeout-ms", "3000");
        Map<String, String> stuckSettings = new java.util.HashMap<>(settings);
        stuckSettings.put("kafka.interceptor.classes", HoldingInterceptor.class.getName());
        // "stuck" claims the key and never finishes (its send is held), as an instance that died after its claim
        try (TestGateway stuck = TestGateway.start(stuckSettings);
             TestGateway other = TestGateway.start(settings)) {
            HoldingInterceptor.gate = new CountDownLatch(1);
            try {
                CompletableFuture<HttpResponse<String>> neverFinished = postAsync(stuck, topic, key, "hold");
                awaitInLog(keysTopic, topic, key, "claim");
                await().atMost(Duration.ofSeconds(10)).until(() -> HoldingInterceptor.held.get() == 1);
                HttpResponse<String> blocked = post(other, topic, key, "hold");
                List<ConsumerRecord<byte[], byte[]>> claims = loggedRecords(keysTopic, topic, key);
                long blockedAfter = claims.get(1).timestamp() - claims.get(0).timestamp();
                // the log's timestamps decide; within the timeout the first claim blocks the key (on a very slow
                // machine the second claim may already be later than that: then it is written below instead)
                if (blockedAfter <= 3000) {
                    assertError(blocked, 409);
                }

                // after the timeout the claim no longer blocks: the retry is written. The bound of the wait is
                // generous (the documented timeout is 3 s); the retries poll every 500 ms
                HttpResponse<String> written = blocked.statusCode() != 409 ? blocked : await()
                        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(() -> post(other, topic, key, "hold"), response -> response.statusCode() != 409);
                List<ConsumerRecord<byte[], byte[]>> log = loggedRecords(keysTopic, topic, key);
                ConsumerRecord<byte[], byte[]> winning = log.get(log.size() - 2);
                assertEquals("claim", type(winning), "the written request's claim, then its answer");
                assertEquals("done", type(log.get(log.size() - 1)));
                assertTrue(winning.timestamp() - log.get(0).timestamp() > 3000, "not before the timeout");
                Landed.expect(topic, "hold").in(written);
                assertTrue(written.headers().firstValue("Idempotent-Replayed").isEmpty(), "written, not replayed");
                assertEquals(false, neverFinished.isDone(), "the first claim's request is still held");
            } finally {
                HoldingInterceptor.gate.countDown();
            }
        }
    }

    @Test
    void twoInstancesClaimingOneKeyAtOnceWriteItOnce() throws Exception {
        String topic = TestKafka.createTopic("idempotent-race");
        for (int round = 0; round < 5; round++) {
            String key = UUID.randomUUID().toString();
            String value = "race " + round;
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> onFirst = CompletableFuture.supplyAsync(() -> {
                awaitQuietly(go);
                return post(first, topic, key, value);
            });
            CompletableFuture<HttpResponse<String>> onSecond = CompletableFuture.supplyAsync(() -> {
                awaitQuietly(go);
                return post(second, topic, key, value);
            });
            go.countDown();
            HttpResponse<String> a = onFirst.get(30, TimeUnit.SECONDS);
            HttpResponse<String> b = onSecond.get(30, TimeUnit.SECONDS);

            // one of them wrote: a 200 that is no replay, whose record is in Kafka
            List<HttpResponse<String>> writers = List.of(a, b).stream().filter(r -> r.statusCode() == 200
                    && r.headers().firstValue("Idempotent-Replayed").isEmpty()).toList();
            assertEquals(1, writers.size(), a.statusCode() + " " + a.body() + " / " + b.statusCode() + " " + b.body());
            Landed.expect(topic, value).in(writers.get(0));
            // the other got 409 (the first was in flight) or the first answer
            HttpResponse<String> loser = writers.get(0) == a ? b : a;
            if (loser.statusCode() == 409) {
                assertError(loser, 409);
            } else {
                assertEquals(200, loser.statusCode(), loser.body());
                assertEquals("true", loser.headers().firstValue("Idempotent-Replayed").orElse(null));
                assertEquals(TestGateway.json(writers.get(0)).get("metadata"), TestGateway.json(loser).get("metadata"));
            }
            assertEquals(round + 1, TestKafka.recordCount(topic), "one record per key");
        }
    }

    /** Waits until the idempotency topic holds a record of this type ("claim", "done", "release") for the key. */
    private static void awaitInLog(String keysTopic, String topic, String key, String type) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> logged(keysTopic, topic, key).contains(type));
    }

    /**
     * The types of the idempotency topic's records for this key, as the gateway scopes it (the service ID of
     * {@code ALL_TOPICS_KEY}, the topic, the key), in log order.
     */
    private static List<String> logged(String keysTopic, String topic, String key) {
        return loggedRecords(keysTopic, topic, key).stream().map(IdempotencyTest::type).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> loggedRecords(String keysTopic, String topic, String key) {
        String scoped = ApiKeyStore.sha256Hex("all-topics\n" + topic + "\n" + key);
        return TestKafka.allRecords(keysTopic).values().stream()
                .filter(r -> r.key() != null && scoped.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .sorted(Comparator.comparingLong(ConsumerRecord::offset)).toList();
    }

    private static String type(ConsumerRecord<byte[], byte[]> record) {
        try {
            return TestGateway.JSON.readTree(record.value()).path("t").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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

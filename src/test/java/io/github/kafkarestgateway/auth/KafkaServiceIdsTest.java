package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service IDs on a Kafka topic, against the test broker: the topic it makes, every change, what the topic holds
 * (hashes only), races between two stores decided alike by both, a lost race written over, and a cluster that does
 * not answer.
 */
class KafkaServiceIdsTest {

    private static String topicName() {
        return "service-ids-" + UUID.randomUUID();
    }

    private static KafkaServiceIds open(String topic) {
        return new KafkaServiceIds(topic, Map.of("bootstrap.servers", TestKafka.bootstrapServers()), 10_000).open();
    }

    @Test
    void makesACompactedTopicThatNeverDeletesAndChangesServiceIdsLikeTheKeyFile() throws Exception {
        String topic = topicName();
        try (KafkaServiceIds ids = open(topic)) {
            assertEquals("Kafka topic " + topic, ids.location());
            assertTrue(ids.writable());
            assertEquals(List.of(), ids.list());

            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = TestKafka.admin().describeConfigs(List.of(resource)).all().get().get(resource);
            assertEquals("compact", config.get("cleanup.policy").value());
            assertEquals("-1", config.get("retention.ms").value());
            assertEquals("1", config.get("min.insync.replicas").value(), "min(2, brokers) of one broker");
            TopicDescription description = TestKafka.admin().describeTopics(List.of(topic)).allTopicNames().get()
                    .get(topic);
            assertEquals(1, description.partitions().size());
            assertEquals(1, description.partitions().get(0).replicas().size(), "min(3, brokers)");

            String key = ids.create("orders-app", "editor", List.of("orders.*"), null, true);
            assertEquals("orders-app", ids.store().authenticate(key).orElseThrow().name());
            assertEquals("writer", ids.store().authenticate(key).orElseThrow().role());
            assertNull(ids.create("by-certificate", "reader", List.of("audit"), null, false));
            assertEquals("by-certificate", ids.store().byName("by-certificate").orElseThrow().name());
            IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                    () -> ids.create("orders-app", "writer", List.of("*"), null, true));
            assertEquals("A service ID named 'orders-app' exists already", exists.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ids.create("x", "root", List.of("*"), null, true));

            String rotated = ids.rotate("orders-app");
            assertTrue(ids.store().authenticate(key).isEmpty());
            assertEquals("orders-app", ids.store().authenticate(rotated).orElseThrow().name());
            ids.expire("orders-app", Instant.now().minusSeconds(1));
            assertTrue(ids.store().authenticate(rotated).isEmpty());
            ids.expire("orders-app", null);
            assertTrue(ids.store().authenticate(rotated).isPresent());
            ids.revoke("orders-app");
            assertTrue(ids.store().authenticate(rotated).isEmpty());
            for (String unknown : List.of("rotate", "revoke", "expire")) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                    switch (unknown) {
                        case "rotate" -> ids.rotate("nobody");
                        case "revoke" -> ids.revoke("nobody");
                        default -> ids.expire("nobody", null);
                    }
                });
                assertEquals("No service ID named 'nobody'", e.getMessage());
            }

            List<ObjectNode> listed = ids.list();
            assertEquals(List.of("orders-app", "by-certificate"), listed.stream().map(e -> e.get("name").asText()).toList());
            assertTrue(listed.get(0).get("revoked").asBoolean());
            assertEquals("set", listed.get(0).get("key").asText());
            assertFalse(listed.get(0).has("hash"));
            assertEquals("none (client certificate only)", listed.get(1).get("key").asText());

            // the topic: records keyed by name, the entries as the key file holds them, hashes and never keys
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(TestKafka.allRecords(topic).values());
            assertFalse(records.isEmpty());
            for (ConsumerRecord<byte[], byte[]> record : records) {
                String value = new String(record.value(), StandardCharsets.UTF_8);
                assertFalse(value.contains(key) || value.contains(rotated), value);
                assertEquals(new String(record.key(), StandardCharsets.UTF_8),
                        json(value).get("name").asText());
            }
            assertTrue(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .anyMatch(v -> v.contains("\"hash\":\"sha256:" + ApiKeyStore.sha256Hex(rotated) + "\"")));
        }
    }

    @Test
    void twoStoresRacingToCreateOneNameAgreeOnTheOneThatWonAndAReopenedStoreSeesTheSame() throws Exception {
        String topic = topicName();
        int rounds = 5;
        try (KafkaServiceIds a = open(topic); KafkaServiceIds b = open(topic)) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < rounds; round++) {
                    String name = "racer-" + round;
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<String>> results = new ArrayList<>();
                    for (KafkaServiceIds ids : List.of(a, b, a, b)) {
                        Callable<String> create = () -> {
                            go.await();
                            try {
                                return ids.create(name, "writer", List.of("*"), null, true);
                            } catch (IllegalArgumentException lost) {
                                assertEquals("A service ID named '" + name + "' exists already", lost.getMessage());
                                return null;
                            }
                        };
                        results.add(pool.submit(create));
                    }
                    go.countDown();
                    List<String> keys = new ArrayList<>();
                    for (Future<String> result : results) {
                        String key = result.get();
                        if (key != null) {
                            keys.add(key);
                        }
                    }
                    assertEquals(1, keys.size(), "exactly one create of " + name + " wins");
                    String winner = keys.get(0);
                    await().atMost(Duration.ofSeconds(10)).until(() -> b.store().authenticate(winner).isPresent()
                            && a.store().authenticate(winner).isPresent());
                }
            } finally {
                pool.shutdownNow();
            }
            // the newest record of every name is the one in effect: what a compacted log keeps is what all decided
            try (KafkaServiceIds reopened = open(topic)) {
                for (int round = 0; round < rounds; round++) {
                    String name = "racer-" + round;
                    assertEquals(a.list().get(round), reopened.list().get(round));
                    assertEquals(lastRecordOf(topic, name), hashOf(a, name));
                }
            }
        }
    }

    @Test
    void aLostChangeLeftNewestByAWriterThatDiedIsWrittenOverWithTheEntryInEffect() throws Exception {
        String topic = topicName();
        Map<String, Object> client = Map.of("bootstrap.servers", TestKafka.bootstrapServers());
        try (KafkaServiceIds ids = new KafkaServiceIds(topic, client, 10_000, 200).open()) {
            ids.create("kept", "writer", List.of("*"), null, true);
            String inEffect = hashOf(ids, "kept");
            // a stale change (based on no record: a racing create) whose writer never wrote the entry again
            Properties props = new Properties();
            props.put("bootstrap.servers", TestKafka.bootstrapServers());
            props.put("key.serializer", StringSerializer.class.getName());
            props.put("value.serializer", StringSerializer.class.getName());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                ProducerRecord<String, String> stale = new ProducerRecord<>(topic, 0, "kept",
                        "{\"name\":\"kept\",\"hash\":\"sha256:00\",\"role\":\"operator\",\"topics\":[\"*\"]}");
                stale.headers().add(ServiceIdLog.BASED_ON, "-1".getBytes(StandardCharsets.UTF_8));
                producer.send(stale).get();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> inEffect.equals(lastRecordOf(topic, "kept")));
            assertEquals(inEffect, hashOf(ids, "kept"));
            assertEquals("writer", ids.store().byName("kept").orElseThrow().role());
        }
    }

    @Test
    void aClusterThatDoesNotAnswerFailsTheOpeningWithinTheTimeoutSayingSo() {
        long start = System.nanoTime();
        KafkaServiceIds ids = new KafkaServiceIds(topicName(), Map.of("bootstrap.servers", "localhost:19599"), 2000);
        IllegalStateException e = assertThrows(IllegalStateException.class, ids::open);
        long ms = (System.nanoTime() - start) / 1_000_000;
        ids.close();
        assertTrue(e.getMessage().contains("did not answer within 2000 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("localhost:19599"), e.getMessage());
        assertTrue(ms < 6000, ms + " ms");
    }

    private static String hashOf(KafkaServiceIds ids, String name) {
        ServiceIdLog.Version version = ids.log().version(name);
        assertNotNull(version, name);
        return version.entry().get("hash").asText();
    }

    /** The hash in the newest record of the name on the topic. */
    private static String lastRecordOf(String topic, String name) {
        ConsumerRecord<byte[], byte[]> last = null;
        for (ConsumerRecord<byte[], byte[]> record : TestKafka.allRecords(topic).values()) {
            if (name.equals(new String(record.key(), StandardCharsets.UTF_8))
                    && (last == null || record.offset() > last.offset())) {
                last = record;
            }
        }
        assertNotNull(last, name);
        return json(new String(last.value(), StandardCharsets.UTF_8)).get("hash").asText();
    }

    private static JsonNode json(String text) {
        try {
            return TestGateway.JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(text, e);
        }
    }
}

package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.deadletter.DeadLetterTest;
import io.github.kafkarestgateway.kafka.EmbeddedKafka;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.LoadClients.Outcome;
import io.github.kafkarestgateway.testing.LoadClients;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker outage under load, on a broker of this test's own (the shared one must stay up): every request is answered
 * within the bound (none lost to a client timeout or a reset), every 200 is in Kafka as sent, every failure is one
 * dead letter, and after replay every acknowledged and every failed value is in Kafka once, in order per key.
 */
class BrokerOutageTest {


    @Test
    void keepsEveryRequestThroughABrokerOutage(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        Map<String, String> brokerConfig = Map.of("auto.create.topics.enable", "false");
        EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka"), "localhost", port, controllerPort, brokerConfig)
                .start();
        String topic = "outage";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1500",
                "gateway.kafka.unavailable-backoff-ms", "500",
                "gateway.kafka.topic-cache-ms", "2000",
                "camel.component.kafka.deliveryTimeoutMs", "3000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.maxBlockMs", "2000",
                "camel.component.kafka.lingerMs", "0"))) {
            LoadClients load = LoadClients.start(gateway, topic, LoadClients.Keys.CLIENT, 100);

            broker.close();
            int failuresBefore = load.count(BrokerOutageTest::failed);
            long outage = System.nanoTime();
            load.await("20 failed deliveries during the outage", Duration.ofSeconds(60),
                    all -> all.stream().filter(BrokerOutageTest::failed).count() >= failuresBefore + 20);
            // the outage lasts at least 5 s while clients keep sending: nothing to wait for but time
            long left = 5_000 - (System.nanoTime() - outage) / 1_000_000;
            if (left > 0) {
                Thread.sleep(left);
            }
            broker = new EmbeddedKafka(dir.resolve("kafka"), "localhost", port, controllerPort, brokerConfig).start();
            int acceptedBefore = load.count(o -> o.status() == 200);
            load.await("requests succeed again after the outage", Duration.ofSeconds(60),
                    all -> all.stream().filter(o -> o.status() == 200).count() >= acceptedBefore + 100);
            load.stop();
            List<Outcome> outcomes = load.snapshot();
            // the bound: a failed delivery is answered within the producer's delivery timeout (3 s) plus its
            // max.block.ms (2 s) and the dead letter's write; generous for a shared machine
            load.assertEveryRequestAnswered(8_000);

            Map<String, DeadLetterJournal.Entry> byId = new HashMap<>();
            DeadLetterJournal.read(gateway.journal()).forEach(e -> byId.put(e.id(), e));
            Map<String, ConsumerRecord<byte[], byte[]>> inKafka = records(broker.bootstrapServers(), topic);
            Map<String, Outcome> failedById = new HashMap<>();
            int acknowledged = 0;
            for (Outcome outcome : outcomes) {
                JsonNode body = TestGateway.JSON.readTree(outcome.body());
                if (outcome.status() == 200) {
                    Landed.expect(topic, outcome.value()).key(outcome.key()).within(inKafka).at(body.get("metadata"));
                    acknowledged++;
                } else {
                    assertTrue(failed(outcome), "a failed delivery: " + outcome);
                    String incident = body.get("error").get("incident").asText();
                    DeadLetterJournal.Entry entry = byId.remove(incident);
                    assertNotNull(entry, "one dead letter per failure: " + outcome);
                    assertArrayEquals(outcome.value().getBytes(StandardCharsets.UTF_8), entry.value());
                    assertArrayEquals(outcome.key().getBytes(StandardCharsets.UTF_8), entry.key());
                    failedById.put(incident, outcome);
                }
            }
            assertEquals(Map.of(), byId, "no dead letter without a failed request");
            assertTrue(failedById.size() >= 20, failedById.size() + " failures during the outage");

            HttpResponse<String> replay = DeadLetterTest.replay(gateway, TestGateway.OPERATOR_KEY);
            assertEquals(200, replay.statusCode(), replay.body());
            JsonNode result = TestGateway.json(replay);
            assertEquals(0, result.get("pending").asInt(), replay.body());
            Map<String, ConsumerRecord<byte[], byte[]>> after = records(broker.bootstrapServers(), topic);
            Set<String> resent = new HashSet<>();
            for (JsonNode replayed : result.get("replayed")) {
                Outcome outcome = failedById.remove(replayed.get("id").asText());
                assertNotNull(outcome, "a dead letter of this run: " + replayed);
                Landed landed = Landed.expect(topic, outcome.value()).key(outcome.key()).within(after);
                if (replayed.get("resent").asBoolean()) {
                    landed.header(GatewayNames.DEAD_LETTER_ID_HEADER, replayed.get("id").asText());
                    resent.add(outcome.value());
                }
                landed.at(replayed);
            }
            assertEquals(Map.of(), failedById, "every dead letter replayed");

            // exactly once: each acknowledged and each dead-lettered value is in the topic once, nothing else is
            Map<String, Integer> copies = new HashMap<>();
            after.values().forEach(r -> copies.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
            for (Outcome outcome : outcomes) {
                assertEquals(1, copies.getOrDefault(outcome.value(), 0), "in Kafka once after replay: " + outcome);
            }
            assertEquals(outcomes.size(), after.size(), "nothing in the topic that was not sent");
            // per key (one per client) the original order: of what was written when sent (200s, and failures the
            // broker took after all), and of what replay re-sent
            assertInOrderPerKey(after, v -> !resent.contains(v), "written when sent");
            assertInOrderPerKey(after, resent::contains, "re-sent by replay");
        } finally {
            broker.close();
        }
    }

    @Test
    void reportsNotReadyWhileTheBrokerIsAwayAndReadyWhenItIsBack(@TempDir Path dir) throws Exception {
        int port = freePort();
        int controllerPort = freePort();
        EmbeddedKafka broker = new EmbeddedKafka(dir.resolve("kafka"), "localhost", port, controllerPort, Map.of()).start();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", broker.bootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1000"))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> ready(gateway).statusCode() == 200);

            broker.close();
            await().atMost(Duration.ofSeconds(20)).until(() -> ready(gateway).statusCode() == 503);
            JsonNode down = TestGateway.JSON.readTree(ready(gateway).body());
            assertEquals("DOWN", down.get("checks").get("kafka").get("status").asText(), down.toString());
            assertEquals("UP", down.get("checks").get("deadLetterStore").get("status").asText());

            broker = new EmbeddedKafka(dir.resolve("kafka"), "localhost", port, controllerPort, Map.of()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> ready(gateway).statusCode() == 200);
        } finally {
            broker.close();
        }
    }

    private static HttpResponse<String> ready(TestGateway gateway) {
        return gateway.send(gateway.request("/ready").GET().build());
    }

    private static boolean failed(Outcome outcome) {
        return outcome.status() == 503 || outcome.status() == 408 || outcome.status() == 500;
    }

    /**
     * Asserts that, per record key, the values ({@code c<client>-<n>}) the filter selects are in the topic in the
     * order the client sent them (n ascending, by offset within the key's partition).
     */
    static void assertInOrderPerKey(Map<String, ConsumerRecord<byte[], byte[]>> records,
                                    java.util.function.Predicate<String> which, String what) {
        List<ConsumerRecord<byte[], byte[]>> sorted = new ArrayList<>(records.values());
        sorted.sort(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        Map<String, Integer> last = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : sorted) {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            if (!which.test(value)) {
                continue;
            }
            String key = new String(record.key(), StandardCharsets.UTF_8);
            int n = Integer.parseInt(value.substring(value.indexOf('-') + 1));
            Integer previous = last.put(key, n);
            assertTrue(previous == null || previous < n, what + ": key " + key + " has " + value + " at "
                    + record.partition() + "@" + record.offset() + " after n=" + previous);
        }
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> records(String bootstrap, String topic) {
        return TestKafka.allRecords(bootstrap, topic);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

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
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.LoadClients.Outcome;
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
 * within the bound, every 200 is in Kafka, every failure is one dead letter, and after replay each is in Kafka once.
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
            LoadClients load = LoadClients.start(gateway, topic, false, 100);
            List<Outcome> outcomes = load.outcomes();

            broker.close();
            int failuresBefore = failures(outcomes);
            long outage = System.currentTimeMillis();
            while (failures(outcomes) < failuresBefore + 20 || System.currentTimeMillis() - outage < 5_000) {
                Thread.sleep(100); // the outage lasts while clients keep sending; nothing to wait for but time
            }
            broker = new EmbeddedKafka(dir.resolve("kafka"), "localhost", port, controllerPort, brokerConfig).start();
            int acceptedBefore = accepted(outcomes);
            long recovery = System.currentTimeMillis();
            while (accepted(outcomes) < acceptedBefore + 100) {
                assertTrue(System.currentTimeMillis() - recovery < 60_000, "requests succeed again after the outage");
                Thread.sleep(100);
            }
            load.stop();

            List<DeadLetterJournal.Entry> deadLetters = DeadLetterJournal.read(gateway.journal());
            Map<String, DeadLetterJournal.Entry> byId = new HashMap<>();
            deadLetters.forEach(e -> byId.put(e.id(), e));
            Map<String, ConsumerRecord<byte[], byte[]>> inKafka = records(broker.bootstrapServers(), topic);
            List<String> failedValues = new ArrayList<>();
            for (Outcome outcome : outcomes) {
                assertTrue(outcome.millis() < 8_000, "answered within the bound: " + outcome);
                JsonNode body = TestGateway.JSON.readTree(outcome.body());
                if (outcome.status() == 200) {
                    ConsumerRecord<byte[], byte[]> record = inKafka.get(body.get("metadata").get("partition").asInt()
                            + "@" + body.get("metadata").get("offset").asLong());
                    assertNotNull(record, "acknowledged and in Kafka: " + outcome);
                    assertArrayEquals(outcome.value().getBytes(StandardCharsets.UTF_8), record.value());
                } else {
                    assertTrue(outcome.status() == 503 || outcome.status() == 408 || outcome.status() == 500,
                            "a failed delivery: " + outcome);
                    DeadLetterJournal.Entry entry = byId.remove(body.get("error").get("incident").asText());
                    assertNotNull(entry, "one dead letter per failure: " + outcome);
                    assertArrayEquals(outcome.value().getBytes(StandardCharsets.UTF_8), entry.value());
                    failedValues.add(outcome.value());
                }
            }
            assertEquals(Map.of(), byId, "no dead letter without a failed request");
            assertTrue(failedValues.size() >= 20, failedValues.size() + " failures during the outage");

            HttpResponse<String> replay = DeadLetterTest.replay(gateway, TestGateway.OPERATOR_KEY);
            assertEquals(200, replay.statusCode(), replay.body());
            Map<String, Integer> copies = new HashMap<>();
            records(broker.bootstrapServers(), topic).values()
                    .forEach(r -> copies.merge(new String(r.value(), StandardCharsets.UTF_8), 1, Integer::sum));
            for (String value : failedValues) {
                assertEquals(1, copies.getOrDefault(value, 0), "dead letter " + value + " in Kafka once after replay");
            }
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

    private static int failures(List<Outcome> outcomes) {
        synchronized (outcomes) {
            return (int) outcomes.stream().filter(o -> o.status() != 200).count();
        }
    }

    private static int accepted(List<Outcome> outcomes) {
        synchronized (outcomes) {
            return (int) outcomes.stream().filter(o -> o.status() == 200).count();
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

package io.github.kafkarestgateway;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.LoadClients.Outcome;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One broker of a three-broker cluster (replication factor 3, min.insync.replicas 2, a separate controller) goes away
 * under load: no request fails, each is answered within the producer's delivery timeout, and every 200 is in Kafka.
 */
class BrokerFailoverTest {


    @Test
    void losesNothingAndFailsNothingWhenOneBrokerOfThreeStops() throws Exception {
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(false)
                .setNumControllerNodes(1).setNumBrokerNodes(3).build();
        try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("min.insync.replicas", "2")
                .setConfigProp("offsets.topic.replication.factor", "3")
                .build()) {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            String topic = "replicated";
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 3)
                        .configs(Map.of("min.insync.replicas", "2")))).all().get();
            }
            List<Outcome> outcomes;
            try (TestGateway gateway = TestGateway.start(Map.of("kafka.bootstrap.servers", cluster.bootstrapServers()))) {
                LoadClients load = LoadClients.start(gateway, topic, true, 150);
                outcomes = load.outcomes();

                int sentBefore = outcomes.size();
                cluster.brokers().get(1).shutdown();
                long stopped = System.currentTimeMillis();
                while (outcomes.size() < sentBefore + 300 || System.currentTimeMillis() - stopped < 3_000) {
                    assertTrue(System.currentTimeMillis() - stopped < 60_000, "requests keep being answered");
                    Thread.sleep(100); // the load runs on while one broker is away; nothing to wait for but time
                }
                load.stop();
            }

            Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(cluster.bootstrapServers(), topic);
            for (Outcome outcome : outcomes) {
                assertEquals(200, outcome.status(), "no failed request: " + outcome);
                assertTrue(outcome.millis() < 10_000, "within the delivery timeout: " + outcome);
                JsonNode metadata = TestGateway.JSON.readTree(outcome.body()).get("metadata");
                ConsumerRecord<byte[], byte[]> record = inKafka.get(metadata.get("partition").asInt() + "@"
                        + metadata.get("offset").asLong());
                assertNotNull(record, "acknowledged and in Kafka: " + outcome);
                assertArrayEquals(outcome.value().getBytes(StandardCharsets.UTF_8), record.value());
            }
            assertEquals(outcomes.size(), inKafka.size(), "every record once");
        }
    }
}

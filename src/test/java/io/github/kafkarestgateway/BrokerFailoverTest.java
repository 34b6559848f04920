package io.github.kafkarestgateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.LoadClients.Outcome;
import io.github.kafkarestgateway.testing.LoadClients;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One broker of a three-broker cluster (replication factor 3, min.insync.replicas 2, a separate controller) goes away
 * under load: no request fails or goes unanswered, each is answered within the producer's delivery timeout, and every
 * 200 is in Kafka as sent, once, in order per key.
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
                        .configs(Map.of("min.insync.replicas", "2")),
                        new NewTopic("idempotent", 1, (short) 3))).all().get();
            }
            List<Outcome> outcomes;
            try (TestGateway gateway = TestGateway.start(Map.of("kafka.bootstrap.servers", cluster.bootstrapServers()))) {
                // on three brokers, the Idempotency-Key topic the gateway creates is replicated 3 times, 2 in sync
                Landed.expect("idempotent", "once").from(cluster.bootstrapServers()).in(gateway.post(
                        "/topics/idempotent/records", "text/plain",
                        "once".getBytes(java.nio.charset.StandardCharsets.UTF_8), "Idempotency-Key", "failover-1"));
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
                    String keys = "rest-gateway-idempotency";
                    org.apache.kafka.common.config.ConfigResource resource = new org.apache.kafka.common.config
                            .ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, keys);
                    assertEquals("2", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                            .get("min.insync.replicas").value());
                    assertEquals(3, admin.describeTopics(List.of(keys)).allTopicNames().get().get(keys).partitions()
                            .get(0).replicas().size());
                }
                LoadClients load = LoadClients.start(gateway, topic, LoadClients.Keys.CLIENT, 150);

                int sentBefore = load.snapshot().size();
                cluster.brokers().get(1).shutdown();
                long stopped = System.nanoTime();
                load.await("300 more requests answered with one broker away", Duration.ofSeconds(60),
                        all -> all.size() >= sentBefore + 300);
                // the load runs on for at least 3 s while one broker is away: nothing to wait for but time
                long left = 3_000 - (System.nanoTime() - stopped) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
                load.stop();
                outcomes = load.snapshot();
                // the bound is the producer's delivery timeout (10 s): a record is acknowledged or failed by then
                load.assertEveryRequestAnswered(10_000);
            }

            Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(cluster.bootstrapServers(), topic);
            for (Outcome outcome : outcomes) {
                assertEquals(200, outcome.status(), "no failed request: " + outcome);
                JsonNode metadata = TestGateway.JSON.readTree(outcome.body()).get("metadata");
                Landed.expect(topic, outcome.value()).key(outcome.key()).within(inKafka).at(metadata);
            }
            BrokerOutageTest.assertInOrderPerKey(inKafka, v -> true, "acknowledged");
            assertEquals(outcomes.size(), inKafka.size(), "every record once");
        }
    }
}

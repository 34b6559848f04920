package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
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

    private record Outcome(String value, int status, String body, long millis) {
    }

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
            List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
            try (TestGateway gateway = TestGateway.start(Map.of("kafka.bootstrap.servers", cluster.bootstrapServers()))) {
                AtomicBoolean sending = new AtomicBoolean(true);
                ExecutorService clients = Executors.newFixedThreadPool(6);
                CountDownLatch warmedUp = new CountDownLatch(150);
                CountDownLatch afterFailure = new CountDownLatch(1);
                for (int c = 0; c < 6; c++) {
                    int client = c;
                    clients.submit(() -> {
                        for (int i = 0; sending.get(); i++) {
                            String value = "c" + client + "-" + i;
                            long start = System.nanoTime();
                            HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records?key=" + value)
                                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                                    .header("Content-Type", "text/plain")
                                    .POST(HttpRequest.BodyPublishers.ofString(value)).build());
                            outcomes.add(new Outcome(value, response.statusCode(), response.body(),
                                    (System.nanoTime() - start) / 1_000_000));
                            warmedUp.countDown();
                        }
                    });
                }
                assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "load is running");

                int sentBefore = outcomes.size();
                cluster.brokers().get(1).shutdown();
                long stopped = System.currentTimeMillis();
                while (outcomes.size() < sentBefore + 300 || System.currentTimeMillis() - stopped < 3_000) {
                    assertTrue(System.currentTimeMillis() - stopped < 60_000, "requests keep being answered");
                    Thread.sleep(100); // the load runs on while one broker is away; nothing to wait for but time
                }
                sending.set(false);
                clients.shutdown();
                assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
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

package io.github.kafkarestgateway.console;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code GET /console/api/topics}: the cluster's topics as {@code cloudctl es topics} lists them, each with its
 * partitions, replication factor and records (the sum of its partitions' end offsets), by name. Asked of the cluster
 * with the gateway's Admin client, within the Kafka check timeout (a console request runs on a worker thread).
 */
public class ListTopics implements Processor {

    private final Admin admin;
    private final int timeoutMs;

    public ListTopics(Admin admin, int timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        var names = admin.listTopics(new ListTopicsOptions().timeoutMs(timeoutMs)).names()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<String, TopicDescription> topics = new TreeMap<>(admin.describeTopics(names).allTopicNames()
                .get(timeoutMs, TimeUnit.MILLISECONDS));
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        topics.values().forEach(topic -> topic.partitions().forEach(p ->
                partitions.put(new TopicPartition(topic.name(), p.partition()), OffsetSpec.latest())));
        Map<String, Long> records = new HashMap<>();
        admin.listOffsets(partitions, new ListOffsetsOptions().timeoutMs(timeoutMs)).all()
                .get(timeoutMs, TimeUnit.MILLISECONDS)
                .forEach((partition, offset) -> records.merge(partition.topic(), offset.offset(), Long::sum));
        ObjectNode body = ConsoleAnswer.object();
        ArrayNode list = body.putArray("topics");
        topics.values().forEach(topic -> list.addObject()
                .put("name", topic.name())
                .put("partitions", topic.partitions().size())
                .put("replicationFactor", topic.partitions().isEmpty() ? 0 : topic.partitions().get(0).replicas().size())
                .put("records", records.getOrDefault(topic.name(), 0L)));
        ConsoleAnswer.json(exchange.getMessage(), 200, body);
    }
}

package io.github.kafkarestgateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/** A partitioner that fails on the key {@code poison}: an unexpected failure specific to one record. */
public class PoisonPartitioner implements Partitioner {

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (Arrays.equals(keyBytes, "poison".getBytes(StandardCharsets.UTF_8))) {
            throw new IllegalStateException("this record cannot be partitioned");
        }
        return 0;
    }

    @Override
    public void close() {
        // nothing to release
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // no settings
    }
}

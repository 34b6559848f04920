package io.github.kafkarestgateway;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/** A partitioner that fails the next record with the key {@code fail-once} once armed: a failure a retry overcomes. */
public class FailOncePartitioner implements Partitioner {

    static final AtomicBoolean ARMED = new AtomicBoolean();

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (Arrays.equals(keyBytes, "fail-once".getBytes(StandardCharsets.UTF_8)) && ARMED.getAndSet(false)) {
            throw new IllegalStateException("this record cannot be partitioned this time");
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

package io.github.kafkarestgateway.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * A partitioner that fails records on purpose: always the key {@code poison} (an unexpected failure specific to one
 * record), and the key {@code fail-once} once {@link #FAIL_ONCE} is armed (a failure a retry overcomes).
 */
public class PoisonPartitioner implements Partitioner {

    public static final AtomicBoolean FAIL_ONCE = new AtomicBoolean();
    private static final byte[] POISON = "poison".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ONCE = "fail-once".getBytes(StandardCharsets.UTF_8);

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (Arrays.equals(keyBytes, POISON)) {
            throw new IllegalStateException("this record cannot be partitioned");
        }
        if (Arrays.equals(keyBytes, ONCE) && FAIL_ONCE.getAndSet(false)) {
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

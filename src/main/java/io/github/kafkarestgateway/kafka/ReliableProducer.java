package io.github.kafkarestgateway.kafka;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The client properties of the gateway's own producers (beside the kafka component's) that must not lose a record. */
public final class ReliableProducer {

    private ReliableProducer() {
    }

    /**
     * Properties of a producer that waits for each record (acks=all, idempotent, no linger) and gives up within
     * {@code timeoutMs}. It keeps the gateway's partitioner, so that a replayed key lands where it would have.
     */
    public static Map<String, Object> properties(Map<String, Object> kafkaClient, String clientId, long timeoutMs) {
        Map<String, Object> props = new HashMap<>(kafkaClient);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("max.block.ms", String.valueOf(timeoutMs));
        props.put("request.timeout.ms", String.valueOf(Math.max(1000, timeoutMs / 2)));
        props.put("delivery.timeout.ms", String.valueOf(timeoutMs));
        props.put("linger.ms", "0");
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("client.id", clientId);
        return props;
    }
}

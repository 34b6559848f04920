package io.github.kafkarestgateway.kafka;

import java.util.List;
import java.util.Map;

/**
 * One record the gateway is to send, before it has a topic: what a v2 envelope holds (the variable {@code records}),
 * and what a dead letter of a v2 request keeps. Key, partition and timestamp may be null. A record of a batch that
 * was refused before delivery (its Avro data does not match its schema) carries the {@code refusal}, which delivery
 * answers for it instead of sending it.
 */
public record OutgoingRecord(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers, Integer partition,
                             Long timestamp, RuntimeException refusal) {

    public OutgoingRecord(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers, Integer partition,
                          Long timestamp) {
        this(key, value, headers, partition, timestamp, null);
    }

    /** The same record with another key and value (encoded with their schemas). */
    public OutgoingRecord withKeyAndValue(byte[] newKey, byte[] newValue) {
        return new OutgoingRecord(newKey, newValue, headers, partition, timestamp, refusal);
    }

    /** The same record, refused: delivery answers the failure for it and does not send it. */
    public OutgoingRecord refused(RuntimeException failure) {
        return new OutgoingRecord(key, value, headers, partition, timestamp, failure);
    }
}

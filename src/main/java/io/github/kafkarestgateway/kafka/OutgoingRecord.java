package io.github.kafkarestgateway.kafka;

import java.util.List;
import java.util.Map;

/**
 * One record the gateway is to send, before it has a topic: what a v2 envelope holds (the variable {@code records}),
 * and what a dead letter of a v2 request keeps. Key, partition and timestamp may be null.
 */
public record OutgoingRecord(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers, Integer partition,
                             Long timestamp) {
}

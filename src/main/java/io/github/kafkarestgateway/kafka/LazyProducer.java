package io.github.kafkarestgateway.kafka;

import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;

/** A Kafka producer made on first use (most are never needed: replay, dead-letter topic, v2) and closed with its owner. */
public final class LazyProducer implements AutoCloseable {

    private final Map<String, Object> properties;
    private KafkaProducer<byte[], byte[]> producer;

    public LazyProducer(Map<String, Object> properties) {
        this.properties = properties;
    }

    public synchronized KafkaProducer<byte[], byte[]> get() {
        if (producer == null) {
            producer = new KafkaProducer<>(properties);
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}

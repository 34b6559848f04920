package io.github.kafkarestgateway.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** A producer interceptor that remembers the topics it saw: proof that a {@code kafka.*} property reached the producer. */
public class RecordingInterceptor implements ProducerInterceptor<byte[], byte[]> {

    public static final List<String> TOPICS = new CopyOnWriteArrayList<>();

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        TOPICS.add(record.topic());
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        // nothing to record
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

package io.github.kafkarestgateway.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/** A producer interceptor that holds a record whose value is {@code hold} until the test lets it go: a slow send. */
public class HoldingInterceptor implements ProducerInterceptor<byte[], byte[]> {

    public static volatile CountDownLatch gate = new CountDownLatch(0);
    /** How many sends are being held right now. */
    public static final AtomicInteger held = new AtomicInteger();

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (Arrays.equals(record.value(), "hold".getBytes(StandardCharsets.UTF_8))) {
            held.incrementAndGet();
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        // nothing to do
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

package io.github.kafkarestgateway.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.kafka.LazyProducer;
import io.github.kafkarestgateway.kafka.ReliableProducer;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a request whose failure is specific to its record (not to the cluster) on a Kafka dead-letter topic: the
 * original key, value and record headers, plus {@code gateway-dead-letter-*} headers with the id, original topic,
 * status, reason, principal and content type. Waits for the acknowledgement before the client is answered, and sets
 * {@code deadLetterId}. A failure here is thrown, so the route can fall back to the journal.
 */
public class KafkaDeadLetterWriter implements Processor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDeadLetterWriter.class);

    private final String topic;
    private final LazyProducer producer;
    private final long timeoutMs;

    public KafkaDeadLetterWriter(String topic, Map<String, Object> kafkaClient, long timeoutMs) {
        this.topic = topic;
        this.timeoutMs = timeoutMs;
        Map<String, Object> props = ReliableProducer.properties(kafkaClient, "rest-gateway-dead-letter-topic",
                timeoutMs);
        // the dead-letter topic is partitioned its own way, without the gateway's partitioner or interceptors
        props.remove("partitioner.class");
        props.remove("interceptor.classes");
        this.producer = new LazyProducer(props);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) throws Exception {
        GatewayException failure = exchange.getVariable(GatewayNames.FAILURE, GatewayException.class);
        Object body = exchange.getMessage().getBody();
        byte[] value = body instanceof byte[] bytes ? bytes : body instanceof Buffer buffer ? buffer.getBytes() : null;
        String id = "dl-" + UUID.randomUUID();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                exchange.getVariable(GatewayNames.RECORD_KEY, byte[].class), value);
        Map<String, byte[]> headers = DeadLetterWriter.recordHeaders(exchange,
                exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class));
        if (headers != null) {
            headers.forEach((name, bytes) -> record.headers().add(name, bytes));
        }
        header(record, GatewayNames.DEAD_LETTER_ID_HEADER, id);
        header(record, "gateway-dead-letter-topic", exchange.getVariable(GatewayNames.TOPIC, String.class));
        header(record, "gateway-dead-letter-status", String.valueOf(failure.status()));
        header(record, "gateway-dead-letter-reason", failure.getMessage()
                + (failure.getCause() != null ? ": " + failure.getCause() : ""));
        header(record, "gateway-dead-letter-principal", exchange.getVariable(GatewayNames.PRINCIPAL, String.class));
        header(record, "gateway-dead-letter-content-type",
                exchange.getVariable(GatewayNames.CONTENT_TYPE, String.class));
        producer.get().send(record).get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
        exchange.setVariable(GatewayNames.DEAD_LETTER_ID, id);
        LOG.info("Kept failed request {} on dead-letter topic {} as {}", GatewayNames.requestId(exchange), topic, id);
    }

    private static void header(ProducerRecord<byte[], byte[]> record, String name, String value) {
        if (value != null) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}

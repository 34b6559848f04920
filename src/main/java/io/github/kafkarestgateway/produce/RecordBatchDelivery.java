package io.github.kafkarestgateway.produce;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.error.ErrorBody;
import io.github.kafkarestgateway.error.ErrorResponse;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.kafka.CallerProducers;
import io.github.kafkarestgateway.kafka.LazyProducer;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.tracing.RequestTrace;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the records of a v2 request: all are handed to the producer at once (they are batched on the way to the
 * broker, in request order per partition) and the answer comes when the last is acknowledged, without a thread
 * waiting. Each record's outcome is its metadata or its error; a failed delivery (408, 5xx) is kept in the
 * dead-letter journal first, and its error's trace is the dead letter's id. A record refused before (its
 * {@code refusal}: Avro data that does not match its schema) is not sent; its outcome is that error. A batch is answered 200 when every record
 * landed, else 207, with one result per record in order; a single envelope is answered like v1 (200 with metadata),
 * or fails the exchange with its error.
 * <p>
 * With tracing, each record of a traced request is sent in a producer span of its own, whose context is the record's
 * {@code traceparent} header (a header of that name in the envelope is replaced).
 */
public class RecordBatchDelivery extends AsyncProcessorSupport implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RecordBatchDelivery.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final LazyProducer producer;
    private volatile CallerProducers callers;
    private volatile boolean traced;
    private final DeadLetterJournal journal;
    private final Executor continuation;

    public RecordBatchDelivery(Map<String, Object> producerProperties, DeadLetterJournal journal, Executor continuation) {
        this.producer = new LazyProducer(producerProperties);
        this.journal = journal;
        this.continuation = continuation;
    }

    /** With {@code gateway.auth.kafka-identity}: a caller's records go by that caller's own producer. */
    public void produceAsCallers(CallerProducers callers) {
        this.callers = callers;
    }

    /** With {@code gateway.tracing.enabled}: a traced request's records carry its trace. */
    public void trace(boolean traced) {
        this.traced = traced;
    }

    private Producer<byte[], byte[]> producerFor(Exchange exchange) {
        String handle = exchange.getVariable(GatewayNames.KAFKA_CALLER, String.class);
        if (handle == null || callers == null) {
            return producer.get();
        }
        Producer<byte[], byte[]> caller = callers.producer(handle);
        if (caller == null) {
            throw new IllegalStateException("The caller's producer is closed");
        }
        return caller;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        List<OutgoingRecord> records = exchange.getVariable(GatewayNames.RECORDS, List.class);
        Object[] outcomes = new Object[records.size()];
        // as sent, trace context included: what a dead letter keeps
        ProducerRecord<?, ?>[] sent = new ProducerRecord<?, ?>[records.size()];
        AtomicInteger pending = new AtomicInteger(records.size());
        Runnable finish = () -> continuation.execute(() -> {
            try {
                answer(exchange, topic, records, sent, outcomes);
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(false);
        });
        Producer<byte[], byte[]> kafka = producerFor(exchange);
        RequestTrace trace = traced ? exchange.getVariable(GatewayNames.TRACE, RequestTrace.class) : null;
        // a partition the topic does not have is the caller's mistake: the producer would wait for it to appear
        int partitions = records.stream().anyMatch(r -> r.partition() != null) ? kafka.partitionsFor(topic).size()
                : Integer.MAX_VALUE;
        for (int i = 0; i < records.size(); i++) {
            OutgoingRecord record = records.get(i);
            if (record.refusal() != null || record.partition() != null && record.partition() >= partitions) {
                outcomes[i] = record.refusal() != null ? record.refusal() : GatewayException.v2(400,
                        "invalid_partition", "Topic '" + topic + "' has " + partitions + " partition(s); there is no"
                                + " partition " + record.partition(), "partition");
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
                continue;
            }
            ProducerRecord<byte[], byte[]> producerRecord = new ProducerRecord<>(topic, record.partition(),
                    record.timestamp(), record.key(), record.value());
            record.headers().forEach(h -> producerRecord.headers().add(new RecordHeader(h.getKey(), h.getValue())));
            RequestTrace.Send send = trace == null ? null : trace.startSend(topic, (name, value) ->
                    producerRecord.headers().remove(name).add(name, value));
            sent[i] = producerRecord;
            int index = i;
            try {
                kafka.send(producerRecord, (metadata, failure) -> {
                    if (send != null) {
                        RequestTrace.sent(send, metadata, failure);
                    }
                    outcomes[index] = failure == null ? metadata : failure;
                    if (pending.decrementAndGet() == 0) {
                        finish.run();
                    }
                });
            } catch (RuntimeException refused) {
                if (send != null) {
                    RequestTrace.sent(send, null, refused);
                }
                outcomes[index] = refused;
                if (pending.decrementAndGet() == 0) {
                    finish.run();
                }
            }
        }
        return false;
    }

    private void answer(Exchange exchange, String topic, List<OutgoingRecord> records, ProducerRecord<?, ?>[] sent,
                        Object[] outcomes) {
        boolean batch = Boolean.TRUE.equals(exchange.getVariable(GatewayNames.BATCH));
        ArrayNode results = MAPPER.createArrayNode();
        boolean allOk = true;
        for (int i = 0; i < outcomes.length; i++) {
            if (outcomes[i] instanceof RecordMetadata metadata) {
                results.addObject().set("metadata", metadata(metadata));
                continue;
            }
            allOk = false;
            Throwable failure = (Throwable) outcomes[i];
            GatewayException error = ErrorResponse.toGatewayException(ErrorResponse.unwrap(failure));
            String incident = error.serverSide() ? keep(exchange, topic, records.get(i), sent[i], error) : null;
            if (!batch) {
                if (incident != null) {
                    exchange.setVariable(GatewayNames.DEAD_LETTER_ID, incident);
                }
                throw error;
            }
            ObjectNode result = ErrorBody.v2Node(error.status(), error.code(), error.getMessage(),
                    error.target() == null ? null : "[" + i + "]." + error.target(),
                    incident != null ? incident : GatewayNames.requestId(exchange));
            result.put("status", error.status());
            results.add(result);
        }
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (batch) {
            ObjectNode body = MAPPER.createObjectNode();
            body.set("results", results);
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, allOk ? 200 : 207);
            message.setBody(body.toString());
        } else {
            RecordMetadata metadata = (RecordMetadata) outcomes[0];
            RequestFacts.of(exchange).acknowledged(metadata.partition(), metadata.offset());
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            message.setBody(results.get(0).toString());
        }
    }

    /**
     * Keeps one failed record as a dead letter, with the headers it was sent with (its trace context too); returns
     * its id, or null if it could not be kept (logged).
     */
    private String keep(Exchange exchange, String topic, OutgoingRecord record, ProducerRecord<?, ?> sent,
                        GatewayException error) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        if (sent != null) {
            sent.headers().forEach(h -> headers.put(h.key(), h.value()));
        } else {
            record.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
        }
        try {
            return journal.append(topic, record.key(), headers, record.value(), "application/json (v2 envelope)",
                    exchange.getVariable(GatewayNames.PRINCIPAL, String.class),
                    GatewayNames.requestId(exchange), error.status(),
                    error.getMessage() + (error.getCause() != null ? ": " + error.getCause() : ""));
        } catch (Exception e) {
            LOG.error("LOST: could not keep a failed v2 record of request {} to topic {} in the dead-letter store: {}",
                    GatewayNames.requestId(exchange), topic, e.getMessage());
            return null;
        }
    }

    private static ObjectNode metadata(RecordMetadata metadata) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("topic", metadata.topic());
        node.put("partition", metadata.partition());
        node.put("offset", metadata.offset());
        node.put("timestamp", String.valueOf(metadata.timestamp()));
        return node;
    }

    @Override
    public void close() {
        producer.close();
    }
}

package io.github.kafkarestgateway.deadletter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.tracing.RequestTrace;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a request whose delivery failed in the dead-letter journal, forced to disk before the client is answered, and
 * sets the variable {@code deadLetterId} (the {@code incident} of the answer). Stores what the request carried as far
 * as it was read: topic, key, record headers, value, content type, principal, request id, status and reason.
 */
public class DeadLetterWriter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final DeadLetterJournal journal;

    public DeadLetterWriter(DeadLetterJournal journal) {
        this.journal = journal;
    }

    /**
     * The headers a dead letter of this request keeps: its record's, with the trace context of a traced request
     * ({@link RequestTrace#deadLetterHeaders}).
     */
    static Map<String, byte[]> recordHeaders(Exchange exchange, Map<String, byte[]> headers) {
        RequestTrace trace = exchange.getVariable(GatewayNames.TRACE, RequestTrace.class);
        return trace == null ? headers : trace.deadLetterHeaders(headers);
    }

    /** A v2 request: each of its records is a dead letter of its own; the answer names the first. */
    private void keepRecords(Exchange exchange, String topic, List<OutgoingRecord> records,
                             GatewayException failure, String reason) {
        String first = null;
        for (OutgoingRecord record : records) {
            if (record.refusal() != null) {
                continue;
            }
            Map<String, byte[]> headers = new LinkedHashMap<>();
            record.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
            try {
                String id = journal.append(topic, record.key(), recordHeaders(exchange, headers), record.value(),
                        "application/json (v2 envelope)", exchange.getVariable(GatewayNames.PRINCIPAL, String.class),
                        GatewayNames.requestId(exchange), failure.status(), reason);
                first = first == null ? id : first;
            } catch (IOException e) {
                LOG.error("LOST: could not keep a record of the failed request {} to topic {} in the dead-letter store: {}",
                        GatewayNames.requestId(exchange), topic, e.getMessage());
            }
        }
        if (first != null) {
            exchange.setVariable(GatewayNames.DEAD_LETTER_ID, first);
        }
    }


    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        GatewayException failure = exchange.getVariable(GatewayNames.FAILURE, GatewayException.class);
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        Object body = exchange.getMessage().getBody();
        byte[] value = body instanceof byte[] bytes ? bytes : body instanceof Buffer buffer ? buffer.getBytes() : null;
        String reason = failure.getMessage() + (failure.getCause() != null ? ": " + failure.getCause() : "");
        List<OutgoingRecord> records = exchange.getVariable(GatewayNames.RECORDS, List.class);
        if (records != null) {
            keepRecords(exchange, topic, records, failure, reason);
            return;
        }
        try {
            String id = journal.append(topic, exchange.getVariable(GatewayNames.RECORD_KEY, byte[].class),
                    recordHeaders(exchange, exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class)), value,
                    exchange.getVariable(GatewayNames.CONTENT_TYPE, String.class),
                    exchange.getVariable(GatewayNames.PRINCIPAL, String.class),
                    GatewayNames.requestId(exchange), failure.status(), reason);
            exchange.setVariable(GatewayNames.DEAD_LETTER_ID, id);
        } catch (IOException e) {
            // nothing more can be done than to say so loudly; the client still gets its error
            LOG.error("LOST: could not keep the failed request {} to topic {} ({} bytes) in the dead-letter store: {}",
                    exchange.getExchangeId(), topic, value == null ? 0 : value.length, e.getMessage());
        }
    }
}

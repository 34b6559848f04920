package io.github.kafkarestgateway;

import java.io.IOException;
import java.util.Map;

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

    public static final String DEAD_LETTER_ID = "deadLetterId";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final DeadLetterJournal journal;

    public DeadLetterWriter(DeadLetterJournal journal) {
        this.journal = journal;
    }

    static String requestId(Exchange exchange) {
        String id = exchange.getVariable(RequestObserver.REQUEST_ID, String.class);
        return id != null ? id : exchange.getExchangeId();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        GatewayException failure = exchange.getVariable(FailureClassifier.FAILURE, GatewayException.class);
        String topic = exchange.getVariable(RequestValidator.TOPIC, String.class);
        Object body = exchange.getMessage().getBody();
        byte[] value = body instanceof byte[] bytes ? bytes : body instanceof Buffer buffer ? buffer.getBytes() : null;
        String reason = failure.getMessage() + (failure.getCause() != null ? ": " + failure.getCause() : "");
        try {
            String id = journal.append(topic, exchange.getVariable(RecordMapper.RECORD_KEY, byte[].class),
                    exchange.getVariable(RecordMapper.RECORD_HEADERS, Map.class), value,
                    exchange.getVariable(RequestValidator.CONTENT_TYPE, String.class),
                    exchange.getVariable(ApiKeyAuthenticator.PRINCIPAL, String.class),
                    requestId(exchange), failure.status(), reason);
            exchange.setVariable(DEAD_LETTER_ID, id);
        } catch (IOException e) {
            // nothing more can be done than to say so loudly; the client still gets its error
            LOG.error("LOST: could not keep the failed request {} to topic {} ({} bytes) in the dead-letter store: {}",
                    exchange.getExchangeId(), topic, value == null ? 0 : value.length, e.getMessage());
        }
    }
}

package io.github.kafkarestgateway.idempotency;

import java.util.concurrent.Executor;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * With an {@code Idempotency-Key}, stores the answer of the request that owns the key (on the idempotency topic)
 * before it is sent, so that a repeat gets the same answer. Without a claim it does nothing.
 */
public class RememberAnswer extends AsyncProcessorSupport {
    private final IdempotencyStore store;
    private final Executor continuation;

    public RememberAnswer(IdempotencyStore store, Executor continuation) {
        this.store = store;
        this.continuation = continuation;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String claim = exchange.getVariable(GatewayNames.IDEMPOTENCY_CLAIM, String.class);
        if (claim == null) {
            callback.done(true);
            return true;
        }
        Message message = exchange.getMessage();
        store.done(exchange.getVariable(GatewayNames.IDEMPOTENCY_KEY, String.class), claim,
                exchange.getVariable(GatewayNames.IDEMPOTENCY_FINGERPRINT, String.class),
                message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class),
                message.getHeader(Exchange.CONTENT_TYPE, "application/json", String.class),
                message.getBody(String.class)).whenCompleteAsync((ok, failure) -> {
                    // the record is in Kafka either way; a failure here only means a retry may write it again
                    exchange.removeVariable(GatewayNames.IDEMPOTENCY_CLAIM);
                    callback.done(false);
                }, continuation);
        return false;
    }
}

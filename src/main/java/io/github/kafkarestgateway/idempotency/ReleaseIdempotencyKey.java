package io.github.kafkarestgateway.idempotency;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After a failure, frees the request's {@code Idempotency-Key}, so that the client's retry can produce. Without a
 * claim it does nothing.
 */
public class ReleaseIdempotencyKey implements Processor {
    private final IdempotencyStore store;

    public ReleaseIdempotencyKey(IdempotencyStore store) {
        this.store = store;
    }

    @Override
    public void process(Exchange exchange) {
        String claim = exchange.getVariable(GatewayNames.IDEMPOTENCY_CLAIM, String.class);
        if (claim != null) {
            store.release(exchange.getVariable(GatewayNames.IDEMPOTENCY_KEY, String.class), claim);
        }
    }
}

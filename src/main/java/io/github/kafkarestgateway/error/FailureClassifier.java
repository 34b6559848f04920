package io.github.kafkarestgateway.error;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Decides what a failure means before it is answered: the variable {@code failure} holds its status and message
 * (mapped in {@link ErrorResponse#toGatewayException}), {@code failureStatus} the status alone, {@code serverFailure}
 * whether it is the gateway's or the cluster's (408, 5xx) rather than the request's, and
 * {@code deadLetter} is true when the request must be kept
 * in the dead-letter store: a delivery that failed (408, 5xx) of a request the gateway accepted. Client errors (4xx)
 * are answered directly, and requests refused before acceptance (the store cannot keep anything, the gateway is at
 * its load bound) are not kept either, nor what a step kept already (v2 records keep themselves, one by one).
 */
public class FailureClassifier implements Processor {


    @Override
    public void process(Exchange exchange) {
        Throwable caught = ErrorResponse.unwrap(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class));
        GatewayException failure = ErrorResponse.toGatewayException(caught);
        exchange.setVariable(GatewayNames.FAILURE, failure);
        exchange.setVariable(GatewayNames.FAILURE_STATUS, failure.status());
        boolean serverSide = failure.serverSide();
        exchange.setVariable(GatewayNames.SERVER_FAILURE, serverSide);
        exchange.setVariable(GatewayNames.DEAD_LETTER, serverSide && !failure.beforeAcceptance()
                && exchange.getVariable(GatewayNames.DEAD_LETTER_ID) == null);
    }
}

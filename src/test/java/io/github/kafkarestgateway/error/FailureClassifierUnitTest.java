package io.github.kafkarestgateway.error;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import io.github.kafkarestgateway.admission.Backpressure;
import io.github.kafkarestgateway.deadletter.DeadLetterStoreCheck;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Which failures are kept as dead letters: accepted requests whose delivery failed (408, 5xx), nothing else. */
class FailureClassifierUnitTest {

    private static Exchange classified(Throwable caught) {
        Exchange exchange = FakeHttpRequest.post("/topics/orders/records", "body");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, caught);
        new FailureClassifier().process(exchange);
        return exchange;
    }

    private static void assertClassified(int status, boolean deadLetter, Exchange exchange) {
        assertEquals(status, exchange.getVariable(GatewayNames.FAILURE, GatewayException.class).status());
        assertEquals(status, exchange.getVariable(GatewayNames.FAILURE_STATUS));
        assertEquals(deadLetter, exchange.getVariable(GatewayNames.DEAD_LETTER));
    }

    @Test
    void failedDeliveriesAreKept() {
        assertClassified(408, true, classified(new CompletionException(new TimeoutException("expired"))));
        assertClassified(503, true, classified(new TimeoutException("Topic t not present in metadata after 1 ms")));
        assertClassified(500, true, classified(new IOException("x")));
        assertClassified(500, true, classified(new GatewayException(500, "m")));
        assertClassified(599, true, classified(new GatewayException(599, "m")));
    }

    @Test
    void clientErrorsAreNotKept() {
        for (int status : new int[] {400, 401, 403, 407, 409, 411, 415, 422, 429, 499}) {
            assertClassified(status, false, classified(new GatewayException(status, "m")));
        }
        assertClassified(404, false, classified(new UnknownTopicOrPartitionException("x")));
    }

    @Test
    void refusalsBeforeAcceptanceAreNotKept() {
        assertClassified(503, false, classified(new DeadLetterStoreCheck.StoreUnavailable("disk full")));
        assertClassified(503, false, classified(new CompletionException(new Backpressure.Rejected("busy"))));
    }

    @Test
    void whatAStepKeptAlreadyIsNotKeptAgain() {
        Exchange exchange = FakeHttpRequest.post("/topics/orders/records", "body");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new GatewayException(500, "m"));
        exchange.setVariable(GatewayNames.DEAD_LETTER_ID, "dl-1");
        new FailureClassifier().process(exchange);
        assertClassified(500, false, exchange);
    }

    @Test
    void theFailureIsTheMappedException() {
        GatewayException given = new GatewayException(408, "late");
        Exchange exchange = classified(new CompletionException(given));
        assertEquals(given, exchange.getVariable(GatewayNames.FAILURE));
    }
}

package io.github.kafkarestgateway.produce;

import java.util.Map;

import io.github.kafkarestgateway.error.FailureClassifier;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The error route forgets the topic (forget-topic) when the failure is the gateway's or the cluster's only. */
class ForgetTopicUnitTest {

    private static Exchange classified(GatewayException failure) {
        Exchange exchange = FakeHttpRequest.post("/topics/orders/records", "body");
        exchange.setVariable(GatewayNames.TOPIC, "orders");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, failure);
        new FailureClassifier().process(exchange);
        return exchange;
    }

    @Test
    @SuppressWarnings("unchecked")
    void aServerSideFailureMakesTheTopicCheckAskTheClusterAgainAClientErrorDoesNot() throws Exception {
        TopicCheck topicCheck = new TopicCheck(null, Runnable::run, 1000, 60_000, 1000);
        java.lang.reflect.Field field = TopicCheck.class.getDeclaredField("knownUntil");
        field.setAccessible(true);
        Map<String, Long> known = (Map<String, Long>) field.get(topicCheck);
        known.put("orders", Long.MAX_VALUE);
        ForgetTopic forget = new ForgetTopic(topicCheck);

        Exchange clientError = classified(new GatewayException(400, "m"));
        assertEquals(false, clientError.getVariable(GatewayNames.SERVER_FAILURE));
        assertEquals(Map.of("orders", Long.MAX_VALUE), known);

        Exchange serverError = classified(new GatewayException(503, "m"));
        assertEquals(true, serverError.getVariable(GatewayNames.SERVER_FAILURE));
        assertEquals(true, classified(new GatewayException(408, "m")).getVariable(GatewayNames.SERVER_FAILURE));
        forget.process(serverError);
        assertEquals(Map.of(), known);
    }
}

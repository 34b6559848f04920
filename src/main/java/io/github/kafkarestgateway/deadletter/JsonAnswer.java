package io.github.kafkarestgateway.deadletter;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** The JSON answer of the operator endpoints. */
final class JsonAnswer {

    private JsonAnswer() {
    }

    static void set(Message message, int status, String json) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }
}

package io.github.kafkarestgateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The console's JSON: what a request sends (one small JSON object) and what it is answered. Every answer starts from
 * an empty set of headers, so no request parameter is echoed back as a response header. The security headers of
 * every console answer (Content-Security-Policy and friends) are set by the HTTP server ({@code http.ConsolePaths}).
 */
final class ConsoleAnswer {

    static final ObjectMapper MAPPER = new ObjectMapper();
    /** Bodies the console sends are small (a CSR is the largest, a few KB). */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private ConsoleAnswer() {
    }

    static void json(Message message, int status, JsonNode body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body.toString());
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** The request's JSON object; 400 in words when it is not one. */
    static ObjectNode request(Exchange exchange) {
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            return MAPPER.createObjectNode();
        }
        if (body.length > MAX_REQUEST_BYTES) {
            throw new GatewayException(413, "The request is larger than " + MAX_REQUEST_BYTES + " bytes");
        }
        String type = HttpRequests.mediaType(HttpRequests.of(exchange).getHeader("Content-Type"));
        if (!type.equals("application/json")) {
            throw new GatewayException(415, "Send the request as application/json");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (java.io.IOException e) {
            // answered below
        }
        throw new GatewayException(400, "The request is not a JSON object");
    }

    /** A text field of the request, trimmed; 400 naming it when required and missing. */
    static String text(ObjectNode request, String field, boolean required) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
            if (required) {
                throw new GatewayException(400, "'" + field + "' is required");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new GatewayException(400, "'" + field + "' must be text");
        }
        return value.asText().trim();
    }
}

package io.github.kafkarestgateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The Event Streams REST producer v1.1.0 error body:
 * {@code {"error_code":N,"message":"…","error":{"error_code":N,"message":"…","kafka_error_code":N,"topic":"…","incident":"…"}}}.
 */
public final class ErrorBody {

    public static final String CONTENT_TYPE = "application/json";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorBody() {
    }

    /** The body; kafkaErrorCode, topic and incident are left out when null. */
    public static String json(int status, String message, Integer kafkaErrorCode, String topic, String incident) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("error_code", status);
        root.put("message", message);
        ObjectNode error = root.putObject("error");
        error.put("error_code", status);
        error.put("message", message);
        if (kafkaErrorCode != null) {
            error.put("kafka_error_code", kafkaErrorCode);
        }
        if (topic != null) {
            error.put("topic", topic);
        }
        if (incident != null) {
            error.put("incident", incident);
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String json(int status, String message) {
        return json(status, message, null, null, null);
    }
}

package io.github.kafkarestgateway.error;

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
        return json(status, message, kafkaErrorCode, topic, incident, null);
    }

    /** The body; kafkaErrorCode, topic, incident and schema are left out when null. */
    public static String json(int status, String message, Integer kafkaErrorCode, String topic, String incident,
                              String schema) {
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
        if (schema != null) {
            error.put("schema", schema);
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

    /**
     * The IBM Cloud v2 error body: {@code {"trace":"…","error":{"code":"…","message":"…","more_info":"…",
     * "target":{"type":"field","name":"…"}}}}; the code follows from the status unless given.
     */
    public static String v2Json(int status, String code, String message, String target, String trace) {
        return v2Node(status, code, message, target, trace).toString();
    }

    public static ObjectNode v2Node(int status, String code, String message, String target, String trace) {
        ObjectNode root = MAPPER.createObjectNode();
        if (trace != null) {
            root.put("trace", trace);
        }
        ObjectNode error = root.putObject("error");
        error.put("code", code != null ? code : v2Code(status));
        error.put("message", message);
        error.put("more_info", "/openapi.yaml");
        if (target != null) {
            error.putObject("target").put("type", "field").put("name", target);
        }
        return root;
    }

    static String v2Code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 411 -> "length_required";
            case 415 -> "unsupported_media_type";
            case 422 -> "unprocessable_entity";
            case 429 -> "too_many_requests";
            case 431 -> "headers_too_large";
            case 503 -> "service_unavailable";
            default -> "internal_error";
        };
    }
}

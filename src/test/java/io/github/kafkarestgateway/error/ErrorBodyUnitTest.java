package io.github.kafkarestgateway.error;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The error bodies, byte for byte: Event Streams v1.1.0 and the IBM Cloud v2 shape. */
class ErrorBodyUnitTest {

    @Test
    void theV1BodyRepeatsStatusAndMessageInsideError() {
        assertEquals("{\"error_code\":415,\"message\":\"Unsupported content type 'image/png'\",\"error\":"
                        + "{\"error_code\":415,\"message\":\"Unsupported content type 'image/png'\"}}",
                ErrorBody.json(415, "Unsupported content type 'image/png'"));
        assertEquals("application/json", ErrorBody.CONTENT_TYPE);
    }

    @Test
    void theV1BodyHasKafkaErrorCodeTopicAndIncidentWhenGiven() {
        assertEquals("{\"error_code\":408,\"message\":\"m\",\"error\":{\"error_code\":408,\"message\":\"m\","
                        + "\"kafka_error_code\":7,\"topic\":\"orders\",\"incident\":\"dl-1\"}}",
                ErrorBody.json(408, "m", 7, "orders", "dl-1"));
        assertEquals("{\"error_code\":404,\"message\":\"m\",\"error\":{\"error_code\":404,\"message\":\"m\","
                + "\"topic\":\"t\"}}", ErrorBody.json(404, "m", null, "t", null));
        assertEquals("{\"error_code\":500,\"message\":\"m\",\"error\":{\"error_code\":500,\"message\":\"m\","
                + "\"incident\":\"i\"}}", ErrorBody.json(500, "m", null, null, "i"));
        assertEquals("{\"error_code\":500,\"message\":\"m\",\"error\":{\"error_code\":500,\"message\":\"m\","
                + "\"kafka_error_code\":0}}", ErrorBody.json(500, "m", 0, null, null));
    }

    @Test
    void messagesAreJsonEscaped() {
        assertEquals("{\"error_code\":400,\"message\":\"a \\\"q\\\" \\\\ \\n\",\"error\":{\"error_code\":400,"
                + "\"message\":\"a \\\"q\\\" \\\\ \\n\"}}", ErrorBody.json(400, "a \"q\" \\ \n"));
    }

    @Test
    void theV2BodyHasTraceCodeMessageMoreInfoAndTarget() {
        assertEquals("{\"trace\":\"req-1\",\"error\":{\"code\":\"invalid_partition\",\"message\":\"'partition' is a"
                        + " number from 0\",\"more_info\":\"/openapi.yaml\",\"target\":{\"type\":\"field\",\"name\":"
                        + "\"[1].partition\"}}}",
                ErrorBody.v2Json(400, "invalid_partition", "'partition' is a number from 0", "[1].partition", "req-1"));
        assertEquals("{\"error\":{\"code\":\"service_unavailable\",\"message\":\"m\",\"more_info\":\"/openapi.yaml\"}}",
                ErrorBody.v2Json(503, null, "m", null, null));
    }

    @Test
    void theV2CodeFollowsFromTheStatus() {
        int[] statuses = {400, 401, 403, 404, 405, 408, 411, 415, 429, 431, 503, 500, 409, 422, 502};
        String[] codes = {"bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed",
                "request_timeout", "length_required", "unsupported_media_type", "too_many_requests",
                "headers_too_large", "service_unavailable", "internal_error", "conflict", "unprocessable_entity",
                "internal_error"};
        for (int i = 0; i < statuses.length; i++) {
            assertEquals(codes[i], ErrorBody.v2Code(statuses[i]), String.valueOf(statuses[i]));
            assertEquals(codes[i], ErrorBody.v2Node(statuses[i], null, "m", null, null).path("error").path("code").asText());
        }
    }
}

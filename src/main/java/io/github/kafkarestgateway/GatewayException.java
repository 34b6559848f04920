package io.github.kafkarestgateway;

import java.util.Map;

/**
 * A failure that answers the client with a given HTTP status and message in the Event Streams error shape.
 * Thrown by the processors; turned into the response in one place, {@link ErrorResponse}.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final Integer kafkaErrorCode;
    private final Map<String, String> responseHeaders;

    public GatewayException(int status, String message) {
        this(status, message, null, Map.of(), null);
    }

    public GatewayException(int status, String message, Integer kafkaErrorCode, Map<String, String> responseHeaders,
                            Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.kafkaErrorCode = kafkaErrorCode;
        this.responseHeaders = Map.copyOf(responseHeaders);
    }

    public int status() {
        return status;
    }

    public Integer kafkaErrorCode() {
        return kafkaErrorCode;
    }

    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }
}

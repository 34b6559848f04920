package io.github.kafkarestgateway.error;

import java.util.Map;

/**
 * A failure that answers the client with a given HTTP status and message in the Event Streams error shape.
 * Thrown by the processors; turned into the response in one place, {@link ErrorResponse}.
 */
public class GatewayException extends RuntimeException {

    private final int status;
    private final Integer kafkaErrorCode;
    private final Map<String, String> responseHeaders;
    private final String refusal;
    private final boolean beforeAcceptance;
    private String code;
    private String target;
    private String schema;

    public GatewayException(int status, String message) {
        this(status, message, null, Map.of(), null);
    }

    public GatewayException(int status, String message, Integer kafkaErrorCode, Map<String, String> responseHeaders,
                            Throwable cause) {
        this(status, message, kafkaErrorCode, responseHeaders, cause, null, false);
    }

    /**
     * @param refusal          the kind of refusal counted by {@code gateway_rate_limited_total} ({@code quota},
     *                         {@code load}, {@code blocked}), or null
     * @param beforeAcceptance whether the request was refused before the gateway accepted it: such a failure is
     *                         never kept as a dead letter, as nothing was taken on
     */
    protected GatewayException(int status, String message, Integer kafkaErrorCode, Map<String, String> responseHeaders,
                               Throwable cause, String refusal, boolean beforeAcceptance) {
        super(message, cause, false, false);
        this.status = status;
        this.kafkaErrorCode = kafkaErrorCode;
        this.responseHeaders = Map.copyOf(responseHeaders);
        this.refusal = refusal;
        this.beforeAcceptance = beforeAcceptance;
    }

    /** The kind of refusal for {@code gateway_rate_limited_total{kind}}, or null when the request was not refused so. */
    public String refusal() {
        return refusal;
    }

    /** Whether the failure is the gateway's or the cluster's (408, 5xx) rather than the request's. */
    public boolean serverSide() {
        return status >= 500 || status == 408;
    }

    /** Whether the request was refused before it was accepted (never kept as a dead letter). */
    public boolean beforeAcceptance() {
        return beforeAcceptance;
    }

    /** A v2 error: its code (such as {@code invalid_type}) and the field it is about. */
    public static GatewayException v2(int status, String code, String message, String target) {
        return new GatewayException(status, message).inV2(code, target);
    }

    /** The same failure, answered on v2 with this code (null: the one of the status) and about this field (or null). */
    public GatewayException inV2(String code, String target) {
        this.code = code;
        this.target = target;
        return this;
    }

    /** The same failure, about a schema: the answer's {@code error.schema} names it ({@code subject/version}). */
    public GatewayException aboutSchema(String schema) {
        this.schema = schema;
        return this;
    }

    /** The schema the failure is about, or null. */
    public String schema() {
        return schema;
    }

    /** The v2 error code, or null for the one that follows from the status. */
    public String code() {
        return code;
    }

    /** The request field a v2 error is about, or null. */
    public String target() {
        return target;
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

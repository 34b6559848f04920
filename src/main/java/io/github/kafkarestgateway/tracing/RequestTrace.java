package io.github.kafkarestgateway.tracing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The trace of one request: its server span, and the producer span of each record it sends. Made by
 * {@link Tracing#startRequest} for a traced request only, and ended once its answer is complete.
 */
public final class RequestTrace {

    /** A record's send: its producer span, ended by {@link #sent}. */
    public static final class Send {
        private final Span span;

        private Send(Span span) {
            this.span = span;
        }
    }

    private final Tracing tracing;
    private final Span span;
    /** The send of a v1 request, ended with the request (at its acknowledgement's time). */
    private volatile Span send;
    private volatile long sendStart;

    RequestTrace(Tracing tracing, Span span) {
        this.tracing = tracing;
        this.span = span;
    }

    /** The trace id (32 hex digits), for the access log. */
    public String traceId() {
        return span.getSpanContext().getTraceId();
    }

    /**
     * v2: a record's send begins; its producer span's context is written into the record by {@code recordHeaders}
     * (which replaces a header of that name). End it with {@link #sent}.
     */
    public Send startSend(String topic, BiConsumer<String, byte[]> recordHeaders) {
        return new Send(tracing.startSend(span, topic, tracing.now(), recordHeaders));
    }

    /** v2: the record was acknowledged ({@code metadata}) or failed ({@code failure}). */
    public static void sent(Send send, RecordMetadata metadata, Throwable failure) {
        if (failure == null && metadata != null) {
            landed(send.span, metadata.partition(), metadata.offset());
        } else {
            failed(send.span, failure == null ? "not sent" : failure.toString(), failure);
        }
        send.span.end();
    }

    /**
     * v1: the request's one record is about to be sent; its producer span's context is written into the record by
     * {@code recordHeaders}. The span ends with the request ({@link #end}), at the time of the acknowledgement.
     */
    public void startRecordSend(String topic, BiConsumer<String, byte[]> recordHeaders) {
        long start = tracing.now();
        sendStart = start;
        send = tracing.startSend(span, topic, start, recordHeaders);
    }

    /**
     * The headers of a record kept as a dead letter: those of a v1 record that was sent already carry its send's
     * context ({@link #startRecordSend}); a record kept before it was sent gets the request span's context (replacing
     * headers of those names), so that its replay, or a consumer of the dead-letter topic, joins the caller's trace.
     *
     * @param headers the record's headers, or null
     */
    public Map<String, byte[]> deadLetterHeaders(Map<String, byte[]> headers) {
        if (send != null) {
            return headers;
        }
        Map<String, byte[]> kept = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
        Tracing.inject(span, (name, value) -> {
            kept.keySet().removeIf(name::equalsIgnoreCase);
            kept.put(name, value);
        });
        return kept;
    }

    /**
     * The answer is complete: the v1 send ends (landed at {@code partition} and {@code offset} after
     * {@code ackNanos}, or failed), then the request's span, with its status.
     *
     * Of {@code topic}, {@code partition}, {@code offset}, {@code ackNanos} and {@code error}, any may be null.
     */
    public void end(int status, String topic, Integer partition, Long offset, Long ackNanos, String error) {
        Span record = send;
        if (record != null) {
            if (partition != null && offset != null) {
                landed(record, partition, offset);
            } else {
                failed(record, error != null ? error : "no acknowledgement", null);
            }
            if (ackNanos != null) {
                record.end(sendStart + ackNanos, TimeUnit.NANOSECONDS);
            } else {
                record.end();
            }
        }
        if (topic != null) {
            span.setAttribute(Tracing.DESTINATION, topic);
        }
        span.setAttribute(Tracing.HTTP_STATUS, (long) status);
        if (status >= 500) {
            span.setAttribute(Tracing.ERROR_TYPE, String.valueOf(status));
            span.setStatus(StatusCode.ERROR, error == null ? "" : error);
        }
        span.end();
    }

    private static void landed(Span span, int partition, long offset) {
        span.setAttribute(Tracing.PARTITION, String.valueOf(partition));
        span.setAttribute(Tracing.OFFSET, offset);
    }

    private static void failed(Span span, String message, Throwable failure) {
        span.setAttribute(Tracing.ERROR_TYPE, failure == null ? "gateway_error" : failure.getClass().getName());
        span.setStatus(StatusCode.ERROR, message);
    }
}

package io.github.kafkarestgateway.tracing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The gateway's tracing, by the OpenTelemetry SDK: a request's W3C {@code traceparent} and {@code tracestate} are
 * read by OpenTelemetry's {@link W3CTraceContextPropagator} (a malformed one is ignored, as if absent), the request
 * becomes a server span of the caller's trace (or of a new one, for {@code gateway.tracing.sampler-ratio} of the
 * requests that come without one), each record's send a producer span under it, whose context goes into the record's
 * {@code traceparent} header as OpenTelemetry's Kafka instrumentation reads it: a consumer's trace joins the caller's.
 * Sampled spans are exported by OTLP/HTTP (the JDK's HTTP client) when an endpoint is set; without one they are
 * dropped when they end, and only the trace context travels.
 * <p>
 * Made only when {@code gateway.tracing.enabled}: with tracing off there is no instance, and the request path checks
 * one field for null, nothing else. A request that is not traced costs a header lookup.
 */
public final class Tracing implements AutoCloseable {

    /** The W3C trace context header of requests and records. */
    public static final String TRACEPARENT = "traceparent";

    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("gateway.request_id");
    static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("messaging.operation.name");
    static final AttributeKey<String> OPERATION_TYPE = AttributeKey.stringKey("messaging.operation.type");
    static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    static final AttributeKey<String> PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");

    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Function<String, String>> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, String> carrier) {
            return List.of();
        }

        @Override
        public String get(Function<String, String> carrier, String key) {
            return carrier == null ? null : carrier.apply(key);
        }
    };

    /** Keeps nothing: the spans' ids are made, the spans dropped when they end. */
    private static final SpanProcessor NOT_EXPORTED = new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {
        }

        @Override
        public boolean isStartRequired() {
            return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {
        }

        @Override
        public boolean isEndRequired() {
            return false;
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final boolean startsTraces;
    private final Clock clock = Clock.getDefault();

    private Tracing(SdkTracerProvider provider, boolean startsTraces) {
        this.provider = provider;
        this.tracer = provider.get("io.github.kafkarestgateway");
        this.startsTraces = startsTraces;
    }

    /** The tracing of these settings, without export headers or a CA file of its own; null when it is off. */
    public static Tracing of(boolean enabled, double samplerRatio, String otlpEndpoint, String serviceName) {
        return of(enabled, samplerRatio, otlpEndpoint, "", "", serviceName);
    }

    /**
     * The tracing of these settings, or null when it is off.
     *
     * @param samplerRatio share of requests without a (valid) traceparent that start a sampled trace, 0 to 1
     * @param otlpEndpoint the OTLP/HTTP traces URL, or blank for no export
     * @param otlpHeaders headers of every export, {@code name=value} pairs separated by commas, or blank
     * @param otlpCaFile PEM file of the CAs an https endpoint is checked against, or blank for the JVM's
     */
    public static Tracing of(boolean enabled, double samplerRatio, String otlpEndpoint, String otlpHeaders,
                             String otlpCaFile, String serviceName) {
        if (!enabled) {
            return null;
        }
        if (!(samplerRatio >= 0 && samplerRatio <= 1)) {
            throw new IllegalStateException(TracingSettings.SAMPLER_RATIO.key() + " is a number from 0 to 1, not "
                    + samplerRatio);
        }
        SdkTracerProviderBuilder builder = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, serviceName))))
                // a caller's trace keeps the caller's decision; a new one is sampled at the ratio
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(samplerRatio)));
        if (!otlpEndpoint.isBlank()) {
            builder.addSpanProcessor(BatchSpanProcessor.builder(exporter(otlpEndpoint.trim(), otlpHeaders,
                    otlpCaFile)).build());
        } else {
            // a provider without a processor hands out a no-op tracer, which would pass the caller's span on as the
            // record's parent and start no trace: the gateway's spans must exist (their ids), even if not exported
            builder.addSpanProcessor(NOT_EXPORTED);
        }
        return new Tracing(builder.build(), samplerRatio > 0);
    }

    private static OtlpHttpSpanExporter exporter(String endpoint, String headers, String caFile) {
        OtlpHttpSpanExporterBuilder exporter = OtlpHttpSpanExporter.builder();
        try {
            exporter.setEndpoint(endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(TracingSettings.OTLP_ENDPOINT.key() + ": " + e.getMessage(), e);
        }
        exportHeaders(headers).forEach(exporter::addHeader);
        if (!caFile.isBlank()) {
            if (!endpoint.regionMatches(true, 0, "https:", 0, 6)) {
                throw new IllegalStateException(TracingSettings.OTLP_CA_FILE.key() + " is set, but "
                        + TracingSettings.OTLP_ENDPOINT.key() + " is not an https URL");
            }
            byte[] pem;
            try {
                pem = Files.readAllBytes(Path.of(caFile.trim()));
            } catch (IOException e) {
                throw new IllegalStateException(TracingSettings.OTLP_CA_FILE.key() + ": cannot read " + caFile.trim()
                        + " (" + e + ")", e);
            }
            try {
                // the SDK reads the PEM when it builds the exporter
                return exporter.setTrustedCertificates(pem).build();
            } catch (RuntimeException e) {
                throw new IllegalStateException(TracingSettings.OTLP_CA_FILE.key() + ": " + caFile.trim()
                        + " holds no PEM certificate the exporter can use (" + e.getMessage() + ")", e);
            }
        }
        return exporter.build();
    }

    /**
     * The headers of {@code gateway.tracing.otlp-headers}: {@code name=value} pairs separated by commas, blanks
     * around them ignored. A malformed pair fails the start, named by its position only: values may be secrets.
     */
    static Map<String, String> exportHeaders(String setting) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (setting == null || setting.isBlank()) {
            return headers;
        }
        String[] pairs = setting.split(",");
        for (int i = 0; i < pairs.length; i++) {
            int equals = pairs[i].indexOf('=');
            String name = equals < 0 ? "" : pairs[i].substring(0, equals).trim();
            String value = equals < 0 ? "" : pairs[i].substring(equals + 1).trim();
            if (name.isEmpty() || !name.chars().allMatch(Tracing::tokenChar) || value.isEmpty()
                    || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalStateException(TracingSettings.OTLP_HEADERS.key() + ": pair " + (i + 1) + " of "
                        + pairs.length + " is not name=value (an HTTP header name, a value without control"
                        + " characters)");
            }
            headers.put(name, value);
        }
        return headers;
    }

    /** A character of an HTTP header name (RFC 9110 token). */
    private static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /**
     * Starts the span of a request, or returns null when the request is not traced: it came without a valid
     * traceparent and was not chosen to start a trace.
     *
     * @param headers the request's header by name
     */
    public RequestTrace startRequest(String method, String path, String requestId, Function<String, String> headers) {
        Context parent = Context.root();
        if (headers.apply(TRACEPARENT) != null) {
            parent = W3C.extract(parent, headers, HEADERS);
        }
        boolean continued = Span.fromContext(parent).getSpanContext().isValid();
        if (!continued && !startsTraces) {
            return null;
        }
        String route = route(path);
        Span span = tracer.spanBuilder(route == null ? method : method + " " + route)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(HTTP_METHOD, method)
                .setAttribute(URL_PATH, path)
                .setAttribute(REQUEST_ID, requestId)
                .startSpan();
        if (route != null) {
            span.setAttribute(HTTP_ROUTE, route);
        }
        if (!continued && !span.getSpanContext().isSampled()) {
            // a new trace the ratio did not choose: nothing recorded, nothing to pass on
            return null;
        }
        return new RequestTrace(this, span);
    }

    /** The API route of a path ({@code /topics/{topic}/records}, its v2 twin), or null for another path. */
    static String route(String path) {
        if (path.startsWith("/v2/topics/") && path.endsWith("/records")) {
            return "/v2/topics/{topic}/records";
        }
        if (path.startsWith("/topics/") && path.endsWith("/records")) {
            return "/topics/{topic}/records";
        }
        return null;
    }

    /** Starts a producer span under {@code parent}, at this moment, and writes its context into the record's headers. */
    Span startSend(Span parent, String topic, long startNanos, BiConsumer<String, byte[]> recordHeaders) {
        Span send = tracer.spanBuilder("send " + topic)
                .setParent(Context.root().with(parent))
                .setSpanKind(SpanKind.PRODUCER)
                .setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(OPERATION_NAME, "send")
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(DESTINATION, topic)
                .startSpan();
        inject(send, recordHeaders);
        return send;
    }

    /** Writes the context of {@code span} into a record's headers. */
    static void inject(Span span, BiConsumer<String, byte[]> recordHeaders) {
        W3C.inject(Context.root().with(span), recordHeaders,
                (headers, name, value) -> headers.accept(name, value.getBytes(StandardCharsets.UTF_8)));
    }

    /** Now, in the spans' clock (epoch nanoseconds). */
    long now() {
        return clock.now();
    }

    /** Exports the spans not exported yet, and stops. */
    @Override
    public void close() {
        provider.shutdown().join(10, TimeUnit.SECONDS);
    }
}

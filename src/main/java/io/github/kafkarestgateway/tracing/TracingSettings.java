package io.github.kafkarestgateway.tracing;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of tracing (OpenTelemetry, W3C trace context): {@code gateway.tracing.*}. */
public final class TracingSettings {

    public static final Setting ENABLED = Setting.of("gateway.tracing.enabled", "true",
            "Continue a request's W3C traceparent (and tracestate) into its records' traceparent header and the"
                    + " access log, with the gateway's spans; false: no tracing work at all.");
    public static final Setting SAMPLER_RATIO = Setting.of("gateway.tracing.sampler-ratio", "0",
            "Share of requests without a traceparent (or with a malformed one) for which the gateway starts a"
                    + " sampled trace of its own (0 to 1); the others are not traced and their records get no"
                    + " traceparent. A caller's trace keeps the caller's sampling decision.");
    public static final Setting OTLP_ENDPOINT = Setting.of("gateway.tracing.otlp-endpoint", "",
            "OTLP/HTTP traces URL the gateway's sampled spans (the request, each Kafka send) are exported to, e.g."
                    + " http://collector:4318/v1/traces; empty: none are exported.");
    public static final Setting OTLP_HEADERS = Setting.of("gateway.tracing.otlp-headers", "",
            "Headers sent with every export, as name=value pairs separated by commas (the form of"
                    + " OTEL_EXPORTER_OTLP_HEADERS), e.g. Authorization=Bearer {{env:OTLP_TOKEN}}; values are never"
                    + " logged. Empty: none.");
    public static final Setting OTLP_CA_FILE = Setting.of("gateway.tracing.otlp-ca-file", "",
            "PEM file of the CA certificate(s) an https OTLP endpoint's certificate is checked against; empty: the"
                    + " JVM's trust store.");
    public static final Setting SERVICE_NAME = Setting.of("gateway.tracing.service-name", "kafka-rest-gateway",
            "service.name of the exported spans.");

    public static final List<Setting> ALL = List.of(ENABLED, SAMPLER_RATIO, OTLP_ENDPOINT, OTLP_HEADERS, OTLP_CA_FILE,
            SERVICE_NAME);

    private TracingSettings() {
    }
}

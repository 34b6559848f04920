package io.github.kafkarestgateway.ops;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of operations: {@code gateway.metrics.*}, and {@code gateway.console.*} for the console's history. */
public final class OpsSettings {

    public static final Setting METRICS_ENABLED = Setting.of("gateway.metrics.enabled", "true",
            "Serve /metrics.");
    public static final Setting CONSOLE_SAMPLE_MS = Setting.of("gateway.console.sample-ms", "5000",
            "Every this many ms the operator console's history samples the gateway's own meters (request and error"
                    + " rates, p99 latency, in flight, dead letters pending, Kafka and registry readiness).");
    public static final Setting CONSOLE_HISTORY_SAMPLES = Setting.of("gateway.console.history-samples", "120",
            "How many samples that history keeps, the oldest dropped (120 of 5000 ms: the last 10 minutes).");

    public static final List<Setting> ALL = List.of(METRICS_ENABLED, CONSOLE_SAMPLE_MS, CONSOLE_HISTORY_SAMPLES);

    private OpsSettings() {
    }
}

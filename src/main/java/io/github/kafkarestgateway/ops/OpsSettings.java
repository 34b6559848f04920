package io.github.kafkarestgateway.ops;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of operations: {@code gateway.metrics.*}. */
public final class OpsSettings {

    public static final Setting METRICS_ENABLED = Setting.of("gateway.metrics.enabled", "true",
            "Serve /metrics.");

    public static final List<Setting> ALL = List.of(METRICS_ENABLED);

    private OpsSettings() {
    }
}

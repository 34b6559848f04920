package io.github.kafkarestgateway.idempotency;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of {@code Idempotency-Key}: {@code gateway.idempotency.*}. */
public final class IdempotencySettings {

    public static final Setting TOPIC = Setting.of("gateway.idempotency.topic", "rest-gateway-idempotency",
            "Compacted topic holding the state of Idempotency-Keys (created when first needed, records older than the"
                    + " window + 1 h deleted).");
    public static final Setting WINDOW_MS = Setting.of("gateway.idempotency.window-ms", "86400000",
            "How long in ms a key's first answer is returned to repeats.");
    public static final Setting IN_FLIGHT_TIMEOUT_MS = Setting.of("gateway.idempotency.in-flight-timeout-ms", "60000",
            "After this many ms, an unfinished claim (a crashed instance) no longer blocks its key.");

    public static final List<Setting> ALL = List.of(TOPIC, WINDOW_MS, IN_FLIGHT_TIMEOUT_MS);

    private IdempotencySettings() {
    }
}

package io.github.kafkarestgateway.console;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the operator console: {@code gateway.console.*}. */
public final class ConsoleSettings {

    public static final Setting ENABLED = Setting.of("gateway.console.enabled", "true",
            "Serve the operator console at /console (operator keys only); off in application-prod.properties.");
    public static final Setting SESSION_IDLE_MS = Setting.of("gateway.console.session-idle-ms", "900000",
            "A console session unused this many ms ends.");
    public static final Setting SESSION_MAX_MS = Setting.of("gateway.console.session-max-ms", "28800000",
            "A console session ends this many ms after sign-in, however used.");
    public static final Setting MAX_SESSIONS = Setting.of("gateway.console.max-sessions", "100",
            "Most console sessions at once; the oldest ends first.");

    public static final List<Setting> ALL = List.of(ENABLED, SESSION_IDLE_MS, SESSION_MAX_MS, MAX_SESSIONS);

    private ConsoleSettings() {
    }
}

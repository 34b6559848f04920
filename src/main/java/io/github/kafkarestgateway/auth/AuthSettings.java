package io.github.kafkarestgateway.auth;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the API keys and of failed authentications: {@code gateway.auth.*}. */
public final class AuthSettings {

    public static final Setting KEYS_FILE = Setting.of("gateway.auth.keys-file", "data/api-keys.json",
            "JSON file of hashed API keys and their topics (*, orders.*, exact names).");
    public static final Setting CREATE_DEV_KEY = Setting.of("gateway.auth.create-dev-key", "true",
            "When the key file is absent, create one development key (operator, all topics) and print it once.");
    public static final Setting RELOAD_INTERVAL_MS = Setting.of("gateway.auth.reload-interval-ms", "1000",
            "How often in ms the key file and the TLS files are checked for changes.");
    public static final Setting MAX_FAILURES = Setting.of("gateway.auth.max-failures", "10",
            "Wrong credentials from one address, or for one Basic user name, after which further wrong ones from that"
                    + " source get 429 (valid ones never; 0: never).");
    public static final Setting FAILURE_WINDOW_MS = Setting.of("gateway.auth.failure-window-ms", "60000",
            "The window in ms those failures are counted in.");
    public static final Setting BLOCK_MS = Setting.of("gateway.auth.block-ms", "60000",
            "How long in ms such a source's wrong credentials get 429.");

    public static final List<Setting> ALL = List.of(KEYS_FILE, CREATE_DEV_KEY, RELOAD_INTERVAL_MS, MAX_FAILURES,
            FAILURE_WINDOW_MS, BLOCK_MS);

    private AuthSettings() {
    }
}

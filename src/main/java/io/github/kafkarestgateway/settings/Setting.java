package io.github.kafkarestgateway.settings;

import java.util.Objects;


/**
 * One setting of the gateway: its key in {@code routes/application.properties}, its default value as written there, what
 * it means, and whether its value is a secret. Each capability package lists its settings as constants of one class
 * (e.g. {@code http.HttpSettings}); {@code GatewaySettings.ALL} lists them all, and a test holds
 * {@code application.properties} and the README's configuration table to that list.
 *
 * @param key          the property key, e.g. {@code gateway.http.port}
 * @param defaultValue the default as the string written in {@code application.properties}; empty for none
 * @param description  what the setting means, as the README's configuration table says it
 * @param secret       whether the value is a secret (a password): never logged, set in the environment
 */
public record Setting(String key, String defaultValue, String description, boolean secret) {

    public Setting {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (key.isBlank() || !key.equals(key.trim())) {
            throw new IllegalArgumentException("A setting's key must be non-blank, without surrounding blanks: '" + key + "'");
        }
        if (!defaultValue.equals(defaultValue.trim())) {
            throw new IllegalArgumentException("The default of " + key + " has surrounding blanks: '" + defaultValue
                    + "'");
        }
    }

    /** A setting whose value is not a secret. */
    public static Setting of(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, description, false);
    }

    /** A setting whose value is a secret (a password). */
    public static Setting secret(String key, String defaultValue, String description) {
        return new Setting(key, defaultValue, description, true);
    }

    @Override
    public String toString() {
        return key;
    }
}

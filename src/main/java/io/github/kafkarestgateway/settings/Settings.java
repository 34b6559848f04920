package io.github.kafkarestgateway.settings;

import java.util.Locale;
import java.util.Objects;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Reads {@link Setting}s from Camel's properties (application.properties, profiles, environment variables, system
 * properties and overrides alike). A key that is unset gives the setting's default; a number or switch set blank too,
 * while a text set blank stays blank (it means "none", as {@code gateway.tls.client-ca=} for no client certificates).
 * Values are trimmed, secrets excepted. A value
 * that does not parse as the type asked for fails with an {@link IllegalArgumentException} naming the key and the value,
 * so that a mistyped setting stops the start-up instead of being ignored.
 */
public final class Settings {

    private final PropertiesComponent properties;

    public Settings(PropertiesComponent properties) {
        this.properties = Objects.requireNonNull(properties, "properties");
    }

    /** The value (trimmed unless secret), blank when set blank; the default when the key is unset. */
    public String string(Setting setting) {
        return properties.resolveProperty(setting.key())
                .map(value -> setting.secret() ? value : value.trim())
                .orElse(setting.defaultValue());
    }

    /** The value, trimmed; the default when the key is unset or blank. */
    public String nonBlank(Setting setting) {
        return properties.resolveProperty(setting.key())
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .orElse(setting.defaultValue());
    }

    public int integer(Setting setting) {
        String value = nonBlank(setting);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "an integer");
        }
    }

    public long longValue(Setting setting) {
        String value = nonBlank(setting);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "an integer");
        }
    }

    /** {@code true} or {@code false}, in any case; anything else fails (a typo must not read as {@code false}). */
    public boolean bool(Setting setting) {
        String value = nonBlank(setting);
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(setting, value, "true or false");
        };
    }

    public double decimal(Setting setting) {
        String value = nonBlank(setting);
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(setting, value, "a number");
    }

    private static IllegalArgumentException invalid(Setting setting, String value, String expected) {
        String shown = setting.secret() ? "(a secret, not shown)" : "'" + value + "'";
        return new IllegalArgumentException("Setting " + setting.key() + " = " + shown + " is not " + expected
                + " (default: '" + setting.defaultValue() + "')");
    }
}

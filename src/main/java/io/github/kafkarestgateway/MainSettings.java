package io.github.kafkarestgateway;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** The Camel Main settings the gateway sets ({@code camel.main.*}, read by Camel Main and Camel JBang). */
public final class MainSettings {

    public static final Setting NAME = Setting.of("camel.main.name", "kafka-rest-gateway",
            "Name of the Camel context, in logs and thread names.");
    public static final Setting CONFIGURATION_CLASSES = Setting.of("camel.main.configuration-classes",
            "io.github.kafkarestgateway.GatewayConfiguration",
            "The class that builds the gateway's infrastructure from these properties.");
    public static final Setting SHUTDOWN_TIMEOUT = Setting.of("camel.main.shutdown-timeout", "30",
            "Seconds in-flight requests get on shutdown.");
    public static final Setting ROUTES_RELOAD_REMOVE_ALL_ROUTES = Setting.of(
            "camel.main.routes-reload-remove-all-routes", "false",
            "camel run --dev: on a reload, replace only the routes of the edited file (false; reloading all at once"
                    + " trips over route ids).");
    public static final Setting STREAM_CACHING_ENABLED = Setting.of("camel.main.stream-caching-enabled", "false",
            "Stream caching (bodies arrive as bytes, never as streams).");

    public static final List<Setting> ALL = List.of(NAME, CONFIGURATION_CLASSES, SHUTDOWN_TIMEOUT,
            ROUTES_RELOAD_REMOVE_ALL_ROUTES, STREAM_CACHING_ENABLED);

    private MainSettings() {
    }
}

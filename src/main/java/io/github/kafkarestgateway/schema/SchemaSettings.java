package io.github.kafkarestgateway.schema;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/**
 * Settings of the schema registry ({@code gateway.schema-registry.*}): the registry the gateway asks, reached through
 * the Confluent-compatible REST API, and the embedded Apicurio Registry the run command can start beside the embedded
 * broker.
 */
public final class SchemaSettings {

    public static final Setting URL = Setting.of("gateway.schema-registry.url", "",
            "Base URL of the schema registry's Confluent-compatible API (Apicurio: .../apis/ccompat/v7); empty: no"
                    + " schemas.");

    public static final Setting EMBEDDED = Setting.of("gateway.schema-registry.embedded", "false",
            "The run command starts an Apicurio Registry (in memory) when no URL is set; mvn -Pregistry turns it on.");
    public static final Setting EMBEDDED_DIR = Setting.of("gateway.schema-registry.embedded-dir",
            "target/apicurio-registry", "The unpacked Apicurio Registry distribution (mvn -Pregistry unpacks it there).");
    public static final Setting EMBEDDED_PORT = Setting.of("gateway.schema-registry.embedded-port", "8081",
            "The embedded registry's HTTP port.");
    public static final Setting JAVA_HOME = Setting.of("gateway.schema-registry.java-home", "",
            "Java 21+ that runs the embedded registry; empty: JAVA_HOME, this JVM, then /usr/lib/jvm, newest first.");

    public static final List<Setting> ALL = List.of(
            URL,
            EMBEDDED,
            EMBEDDED_DIR,
            EMBEDDED_PORT,
            JAVA_HOME);

    private SchemaSettings() {
    }
}

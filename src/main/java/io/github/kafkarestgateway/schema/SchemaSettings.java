package io.github.kafkarestgateway.schema;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/**
 * Settings of schemas: the registry the gateway asks (by the Confluent-compatible API), how long it remembers what it
 * found, what a record produced with a schema looks like (its headers, its framing), which topics take only records
 * that validate, and the embedded Apicurio Registry the run command can start beside the embedded broker.
 */
public final class SchemaSettings {

    public static final Setting REGISTRY_URL = Setting.of("gateway.schema-registry.url", "",
            "Confluent-compatible API of the schema registry (Apicurio: http://host:8080/apis/ccompat/v7); empty:"
                    + " schemas are off, and a request naming one is a 400.");
    public static final Setting REGISTRY_USERNAME = Setting.of("gateway.schema-registry.username", "",
            "Basic user name for the registry; empty for none.");
    public static final Setting REGISTRY_PASSWORD = Setting.secret("gateway.schema-registry.password", "",
            "Basic password for the registry.");
    public static final Setting REGISTRY_CA_CERTIFICATE = Setting.of("gateway.schema-registry.ca-certificate", "",
            "PEM file of the CA that signed an HTTPS registry's certificate; empty: the JVM's trusted CAs.");
    public static final Setting REGISTRY_TIMEOUT_MS = Setting.of("gateway.schema-registry.timeout-ms", "5000",
            "Bound in ms of each registry call: a request that needs an uncached schema gets 503 after it.");
    public static final Setting REGISTRY_UNAVAILABLE_BACKOFF_MS = Setting.of(
            "gateway.schema-registry.unavailable-backoff-ms", "1000",
            "After the registry did not answer, how long in ms uncached lookups get 503 at once.");
    public static final Setting CACHE_SIZE = Setting.of("gateway.schema-registry.cache-size", "1000",
            "How many schema lookups are remembered: subject versions, ids, v2 inline schemas (an inline schema"
                    + " counts once more per KB of its text; least recently used first out).");
    public static final Setting CACHE_REFRESH_MS = Setting.of("gateway.schema-registry.cache-refresh-ms", "60000",
            "After this many ms a remembered schema is asked again, in the background (new latest version,"
                    + " deprecation); kept while the registry does not answer.");
    public static final Setting CACHE_MISSING_MS = Setting.of("gateway.schema-registry.cache-missing-ms", "5000",
            "How long in ms an unknown subject or version is remembered as unknown.");
    public static final Setting HEADERS = Setting.of("gateway.schema.headers", "event-streams",
            "Record headers naming the schema: event-streams (com.ibm.eventstreams.schemaregistry.*), apicurio"
                    + " (apicurio.value.globalId, apicurio.value.encoding) or none.");
    public static final Setting WIRE_FORMAT = Setting.of("gateway.schema.wire-format", "headers",
            "headers: the value goes as received (Event Streams' way); confluent: magic byte 0, the 4-byte schema id,"
                    + " then the Avro binary (Avro JSON converted), as standard deserializers read it.");
    public static final Setting ENFORCE = Setting.of("gateway.schema.enforce", "",
            "Topics (names, prefix.* or *; comma-separated) whose every record must validate: against the named"
                    + " schema, else the latest version of <topic>-value; 400 otherwise.");

    public static final Setting EMBEDDED = Setting.of("gateway.schema-registry.embedded", "false",
            "The run command starts an Apicurio Registry (in memory) when no URL is set; mvn -Pregistry turns it on.");
    public static final Setting EMBEDDED_DIR = Setting.of("gateway.schema-registry.embedded-dir",
            "target/apicurio-registry", "The unpacked Apicurio Registry distribution (mvn -Pregistry unpacks it there).");
    public static final Setting EMBEDDED_PORT = Setting.of("gateway.schema-registry.embedded-port", "8081",
            "The embedded registry's HTTP port.");
    public static final Setting JAVA_HOME = Setting.of("gateway.schema-registry.java-home", "",
            "Java 21+ that runs the embedded registry; empty: JAVA_HOME, this JVM, then /usr/lib/jvm, newest first.");

    public static final List<Setting> ALL = List.of(REGISTRY_URL, REGISTRY_USERNAME, REGISTRY_PASSWORD,
            REGISTRY_CA_CERTIFICATE, REGISTRY_TIMEOUT_MS, REGISTRY_UNAVAILABLE_BACKOFF_MS, CACHE_SIZE,
            CACHE_REFRESH_MS, CACHE_MISSING_MS, HEADERS, WIRE_FORMAT, ENFORCE, EMBEDDED, EMBEDDED_DIR, EMBEDDED_PORT, JAVA_HOME);

    private SchemaSettings() {
    }
}

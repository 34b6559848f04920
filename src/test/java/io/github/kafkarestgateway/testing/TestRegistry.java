package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.schema.ApicurioRegistry;
import io.github.kafkarestgateway.schema.JavaRuntimes;
import io.github.kafkarestgateway.schema.SchemaSettings;

/**
 * The one real schema registry of the test JVM: an Apicurio Registry (in memory) from the distribution the build
 * unpacks into {@code target/apicurio-registry}, on a Java 21+ found by {@link JavaRuntimes}, started on first use on
 * a free port and stopped at the JVM's exit. Its storage is in memory: after {@link #stop()} and {@link #start()} it is
 * empty again.
 */
public final class TestRegistry {

    /** Apicurio puts the subjects of the Confluent-compatible API into this group of its own API. */
    public static final String GROUP = "default";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static ApicurioRegistry registry;

    private TestRegistry() {
    }

    /** The Confluent-compatible base URL, {@code http://localhost:<port>/apis/ccompat/v7}; starts the registry. */
    public static synchronized String url() {
        return start().url();
    }

    /** Apicurio's own API (v3), {@code http://localhost:<port>/apis/registry/v3}; starts the registry. */
    public static synchronized String apiUrl() {
        return start().apiUrl();
    }

    /** Starts the registry, or starts it again on the same port after {@link #stop()} (empty: storage is in memory). */
    public static synchronized ApicurioRegistry start() {
        if (registry == null) {
            // as the gateway would read the setting: a system property, else the environment variable
            String javaHome = System.getProperty(SchemaSettings.JAVA_HOME.key(),
                    System.getenv().getOrDefault("GATEWAY_SCHEMA_REGISTRY_JAVA_HOME", ""));
            JavaRuntimes.JavaRuntime java = new JavaRuntimes().find(ApicurioRegistry.JAVA_VERSION, javaHome);
            Path dir = Path.of(SchemaSettings.EMBEDDED_DIR.defaultValue());
            registry = new ApicurioRegistry(dir, java.java(), 0, Path.of("target", "test-apicurio-registry.log"));
        }
        return registry.start();
    }

    /** Stops the registry (a test of what keeps working without it); {@link #start()} brings it back. */
    public static synchronized void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /**
     * Registers a schema under the subject ({@code POST /subjects/{subject}/versions}) and returns its id, the one
     * readers look it up by ({@code GET /schemas/ids/{id}}; Apicurio's content id).
     *
     * @param schemaType {@code AVRO}, {@code JSON} or {@code PROTOBUF}
     */
    public static int register(String subject, String schema, String schemaType) {
        String body = write(Map.of("schema", schema, "schemaType", schemaType));
        JsonNode answer = send("POST", url() + "/subjects/" + encode(subject) + "/versions", body, 200);
        return answer.get("id").asInt();
    }

    /** Marks a version DEPRECATED through Apicurio's own API (the Confluent-compatible one cannot). */
    public static void deprecate(String subject, int version) {
        setState(subject, version, "DEPRECATED");
    }

    /**
     * Sets a version's state ({@code ENABLED}, {@code DEPRECATED}, {@code DISABLED}):
     * {@code PUT /groups/default/artifacts/{subject}/versions/{version}/state} with {@code {"state": …}}.
     */
    public static void setState(String subject, int version, String state) {
        send("PUT", versionUrl(subject, version) + "/state", write(Map.of("state", state)), 204);
    }

    /** A version's state by Apicurio's own API: {@code GET …/versions/{version}/state}. */
    public static String state(String subject, int version) {
        return send("GET", versionUrl(subject, version) + "/state", null, 200).get("state").asText();
    }

    /** A version's global id by Apicurio's own API (the Confluent-compatible id is its content id). */
    public static long globalId(String subject, int version) {
        return send("GET", versionUrl(subject, version), null, 200).get("globalId").asLong();
    }

    private static String versionUrl(String subject, int version) {
        return apiUrl() + "/groups/" + GROUP + "/artifacts/" + encode(subject) + "/versions/" + version;
    }

    /** GET of a path below the Confluent-compatible base URL: the status and the body as text. */
    public static HttpResponse<String> get(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode send(String method, String url, String body, int expectedStatus) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + " "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

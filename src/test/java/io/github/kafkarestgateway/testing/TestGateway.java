package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.GatewayMain;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.http.GatewayHttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running gateway: the real routes and properties of {@code routes/}, started by the same code as the run command,
 * with a few properties overridden for the test (its broker, a free port, the test certificates, its key file).
 * Talks to it over HTTPS with a client that trusts only the test CA.
 */
public final class TestGateway implements AutoCloseable {

    public static final Path CERTS = Path.of("target/test-certs");
    public static final ObjectMapper JSON = new ObjectMapper();
    /** A key for every topic, one for topics starting with {@code orders.} only, and an operator's key. */
    public static final String ALL_TOPICS_KEY = ApiKeyStore.newKey();
    public static final String ORDERS_KEY = ApiKeyStore.newKey();
    public static final String OPERATOR_KEY = ApiKeyStore.newKey();
    public static final Path KEYS_FILE = keysFile();
    private static TestGateway shared;

    private final Main main;
    private final Path journal;
    private final HttpClient client;
    private final URI base;

    private TestGateway(Map<String, String> overrides) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("gateway.http.port", "0");
        properties.put("gateway.http.host", "localhost");
        properties.put("gateway.tls.keystore", CERTS.resolve("server.p12").toString());
        properties.put("gateway.tls.ca-certificate", CERTS.resolve("ca.pem").toString());
        properties.put("gateway.tls.client-ca", CERTS.resolve("client-ca.pem").toString());
        properties.put("gateway.auth.keys-file", KEYS_FILE.toString());
        properties.put("gateway.auth.create-dev-key", "false");
        // every test connects from 127.0.0.1 and many fail on purpose: the limit has a test of its own
        properties.put("gateway.auth.max-failures", "0");
        properties.put("gateway.dead-letter.journal",
                Files.createTempDirectory("gateway-test-dead-letters").resolve("journal.jsonl").toString());
        properties.putAll(overrides);
        journal = Path.of(properties.get("gateway.dead-letter.journal"));
        if (!properties.containsKey("kafka.bootstrap.servers")) {
            properties.put("kafka.bootstrap.servers", TestKafka.bootstrapServers());
        }
        main = new Main();
        GatewayMain.configure(main, "routes");
        properties.forEach(main::addOverrideProperty);
        main.start();
        int port = context().hasService(GatewayHttpServer.class).getPort();
        base = URI.create("https://localhost:" + port);
        client = HttpClient.newBuilder().sslContext(trustingTestCa()).connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The gateway most tests share, started once per test JVM. */
    public static synchronized TestGateway shared() {
        if (shared == null) {
            try {
                shared = new TestGateway(Map.of());
            } catch (Exception e) {
                throw new IllegalStateException("The shared gateway did not start", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A gateway of its own, with further properties overridden; close it at the end of the test. */
    public static TestGateway start(Map<String, String> overrides) throws Exception {
        return new TestGateway(overrides);
    }

    /** This gateway's dead-letter journal. */
    public Path journal() {
        return journal;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public URI uri(String pathAndQuery) {
        return base.resolve(pathAndQuery);
    }

    public HttpClient client() {
        return client;
    }

    public HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30));
    }

    /** POST with the key as Bearer token; header pairs are name, value, name, value… */
    public HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder builder = request(pathAndQuery)
                .header("Authorization", "Bearer " + ALL_TOPICS_KEY)
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            builder.setHeader(headers[i], headers[i + 1]);
        }
        return send(builder.build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("Not JSON: " + response.body(), e);
        }
    }

    @Override
    public void close() {
        try {
            main.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trustingTestCa() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(CERTS.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }

    /** Adds a service ID with a key chosen by the test (the key tool only makes random ones). */
    public static void writeKey(Path file, String name, String key, String role, String... topics) throws IOException {
        com.fasterxml.jackson.databind.node.ObjectNode root = Files.exists(file)
                ? (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(file.toFile()) : JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ArrayNode keys = root.has("keys")
                ? (com.fasterxml.jackson.databind.node.ArrayNode) root.get("keys") : root.putArray("keys");
        com.fasterxml.jackson.databind.node.ObjectNode entry = keys.addObject().put("name", name)
                .put("hash", "sha256:" + ApiKeyStore.sha256Hex(key)).put("role", role);
        com.fasterxml.jackson.databind.node.ArrayNode topicArray = entry.putArray("topics");
        for (String topic : topics) {
            topicArray.add(topic);
        }
        JSON.writeValue(file.toFile(), root);
    }

    private static Path keysFile() {
        try {
            Path file = Files.createTempDirectory("gateway-test-keys").resolve("api-keys.json");
            writeKey(file, "all-topics", ALL_TOPICS_KEY, "writer", "*");
            writeKey(file, "orders-writer", ORDERS_KEY, "writer", "orders.*");
            writeKey(file, "operator", OPERATOR_KEY, "operator", "*");
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    public static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The Event Streams v1.1.0 error shape, with the status in both places; returns the body. */
    public static JsonNode assertError(HttpResponse<String> response, int status) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null), response.body());
        JsonNode body = TestGateway.json(response);
        assertEquals(status, body.get("error_code").asInt(), response.body());
        assertTrue(body.get("message").isTextual() && !body.get("message").asText().isEmpty(), response.body());
        assertEquals(status, body.get("error").get("error_code").asInt(), response.body());
        assertEquals(body.get("message").asText(), body.get("error").get("message").asText(), response.body());
        assertFalse(response.body().contains("Exception") || response.body().contains("\tat "), response.body());
        return body;
    }
}

package io.github.kafkarestgateway;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.RecordingInterceptor;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.camel.component.kafka.KafkaComponent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The zero-setup run: with no Kafka cluster configured the gateway starts its embedded broker, makes a development
 * key, and prints the endpoint, the certificate to trust and the key; what it prints works as documented, and the
 * records survive a restart.
 */
class RunCommandTest {

    private static final Pattern ENDPOINT = Pattern.compile("API endpoint : (https://\\S+)");
    private static final Pattern TRUST = Pattern.compile("Trust \\(PEM\\)  : (\\S+)");
    private static final Pattern KEY = Pattern.compile("API key      : (\\S+) ");

    @Test
    void theRunCommandsJvmSettingsRunTheEmbeddedBrokerAndTheGatewayTogether(@TempDir Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        int kafkaPort = GatewayProcess.freePort();
        try (GatewayProcess child = GatewayProcess.start(Map.of(
                "gateway.embedded-kafka.data-dir", dir.resolve("kafka").toString(),
                "gateway.embedded-kafka.port", String.valueOf(kafkaPort),
                "gateway.embedded-kafka.controller-port", String.valueOf(GatewayProcess.freePort()),
                "gateway.http.port", String.valueOf(port)), true, GatewayProcess.runCommandJvmOptions())) {
            HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
                    .sslContext(TestGateway.trustingTestCa()).build()
                    .send(HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port
                                    + "/topics/run-command/records"))
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("test message")).build(),
                            HttpResponse.BodyHandlers.ofString());
            // read back from the child's embedded broker while it runs
            Landed.expect("run-command", "test message").from("localhost:" + kafkaPort).in(response);
        }
    }

    @Test
    void startsTheEmbeddedBrokerPrintsWhatIsNeededAndKeepsRecordsAcrossRestarts(@TempDir Path dir) throws Exception {
        Map<String, String> embedded = new HashMap<>(Map.of(
                "kafka.bootstrap.servers", "",
                "gateway.embedded-kafka.data-dir", dir.resolve("kafka").toString(),
                "gateway.embedded-kafka.port", "0",
                "gateway.embedded-kafka.controller-port", "0",
                "gateway.auth.keys-file", dir.resolve("api-keys.json").toString(),
                "gateway.auth.create-dev-key", "true"));

        String banner;
        JsonNode first;
        String key;
        try (Captured out = new Captured(); TestGateway gateway = TestGateway.start(embedded)) {
            banner = out.text();
            key = group(KEY, banner);
            assertEquals(gateway.uri("/").toString(), group(ENDPOINT, banner) + "/");
            assertEquals(TestGateway.CERTS.resolve("ca.pem").toAbsolutePath().toString(), group(TRUST, banner));
            assertTrue(banner.contains("curl -X POST -H \"Authorization: Bearer " + key + "\""), banner);
            assertFalse(Files.readString(dir.resolve("api-keys.json")).contains(key), "only the key's hash is stored");

            HttpResponse<String> response = gateway.send(gateway.request("/topics/first-topic/records")
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "text/plain")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("test message")).build());
            // the embedded broker creates topics on first use
            Landed.expect("first-topic", "test message").from(bootstrap(gateway)).in(response);
            first = TestGateway.json(response).get("metadata");
        }

        try (Captured out = new Captured(); TestGateway restarted = TestGateway.start(embedded)) {
            assertFalse(out.text().contains(key), "the key is shown once");
            HttpResponse<String> response = restarted.send(restarted.request("/topics/first-topic/records")
                    .header("Authorization", "Bearer " + key)
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("after restart")).build());
            Landed.expect("first-topic", "after restart").from(bootstrap(restarted)).in(response);
            assertEquals(first.get("offset").asLong() + 1, TestGateway.json(response).get("metadata").get("offset").asLong());

            // the record of before the restart is still there, exactly
            Landed.expect("first-topic", "test message").from(bootstrap(restarted)).at(first);
        }
    }

    @Test
    void withTheEmbeddedRegistryOnItStartsApicurioPrintsItsUrlAndProducesWithItsSchemas() throws Exception {
        int registryPort = GatewayProcess.freePort();
        String expectedUrl = "http://localhost:" + registryPort + "/apis/ccompat/v7";
        String topic = TestKafka.createTopic("embedded-registry");
        try (Captured out = new Captured(); TestGateway gateway = TestGateway.start(Map.of(
                "gateway.schema-registry.embedded", "true",
                "gateway.schema-registry.embedded-port", String.valueOf(registryPort)))) {
            assertTrue(out.text().contains("Schemas      : " + expectedUrl + " (embedded Apicurio Registry"),
                    out.text());
            String schema = "{\"type\":\"record\",\"name\":\"Ping\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";
            HttpResponse<String> registered = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            java.net.URI.create(expectedUrl + "/subjects/ping-value/versions"))
                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                    .POST(HttpRequest.BodyPublishers.ofString(TestGateway.JSON.createObjectNode()
                            .put("schema", schema).toString())).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, registered.statusCode(), registered.body());
            Landed.expect(topic, "{\"n\":1}")
                    .header("com.ibm.eventstreams.schemaregistry.encoding", "JSON")
                    .header("com.ibm.eventstreams.schemaregistry.schema.id", "ping-value")
                    .header("com.ibm.eventstreams.schemaregistry.schema.version", "1")
                    .in(gateway.post("/topics/" + topic + "/records?schemaname=ping-value&schemavalidation=true",
                            "application/json", bytes("{\"n\":1}")));
        }
        // stopped with the gateway
        assertThrows(java.io.IOException.class, () -> new java.net.Socket("localhost", registryPort).close());
    }

    @Test
    void startsNoEmbeddedBrokerWhenAClusterIsConfigured(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("kafka");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.embedded-kafka.data-dir", data.toString()))) {
            String topic = TestKafka.createTopic("external");
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"));

            Landed.expect(topic, "v").in(response);
            assertFalse(Files.exists(data), "no embedded broker was started");
        }
    }

    @Test
    void passesKafkaPrefixedPropertiesToTheProducerAndTheAdminClient() throws Exception {
        String topic = TestKafka.createTopic("client-props");
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.interceptor.classes", RecordingInterceptor.class.getName()))) {
            Landed.expect(topic, "v").in(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
            assertTrue(RecordingInterceptor.TOPICS.contains(topic), "the producer used kafka.interceptor.classes");
        }
        // TLS to a plaintext listener cannot work: the admin client took kafka.security.protocol
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.security.protocol", "SSL",
                "gateway.kafka.check-timeout-ms", "1500"))) {
            TestGateway.assertError(
                    gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")), 503);
        }
    }

    /** The cluster a gateway produces to (here: its embedded broker). */
    private static String bootstrap(TestGateway gateway) {
        return gateway.context().getComponent("kafka", KafkaComponent.class).getConfiguration().getBrokers();
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        assertTrue(matcher.find(), pattern + " not in: " + text);
        return matcher.group(1);
    }

    /** Captures what is printed on System.out while open, and still prints it. */
    private static final class Captured implements AutoCloseable {
        private final PrintStream original = System.out;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Captured() {
            System.setOut(new PrintStream(new java.io.OutputStream() {
                @Override
                public synchronized void write(int b) {
                    bytes.write(b);
                    original.write(b);
                }

                @Override
                public synchronized void write(byte[] b, int off, int len) {
                    bytes.write(b, off, len);
                    original.write(b, off, len);
                }
            }, true, StandardCharsets.UTF_8));
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            System.setOut(original);
        }
    }
}

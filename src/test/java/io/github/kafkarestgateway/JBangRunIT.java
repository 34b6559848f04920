package io.github.kafkarestgateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same routes under Camel JBang: the documented {@code camel run} command, through the repository's launcher
 * ({@code src/jbang/camel}, the Camel CLI 4.17.0 from Maven Central, no JBang needed), against the test broker.
 */
class JBangRunIT {

    /** What README.md gives as the dependencies of the JBang run. */
    static final String DEPENDENCIES = "camel:kafka,camel:platform-http-vertx,io.micrometer:micrometer-registry-prometheus:1.16.5,"
            + "io.opentelemetry:opentelemetry-sdk:1.68.0,io.opentelemetry:opentelemetry-exporter-otlp:1.68.0";

    private static Process camel;
    private static int port;
    private static HttpClient client;

    @BeforeAll
    static void startWithCamelJBang() throws Exception {
        port = freePort();
        List<String> command = new ArrayList<>(List.of("bash", "src/jbang/camel", "run"));
        try (Stream<Path> routes = Files.list(Path.of("routes"))) {
            routes.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().forEach(f -> command.add(f.toString()));
        }
        command.add("routes/application.properties");
        try (Stream<Path> jars = Files.list(Path.of("target"))) {
            command.add(jars.filter(f -> f.getFileName().toString().matches("kafka-rest-gateway-.*\\.jar"))
                    .findFirst().orElseThrow().toString());
        }
        command.add("--dep=" + DEPENDENCIES);
        command.add("--port=" + freePort());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("KAFKA_BOOTSTRAP_SERVERS", TestKafka.bootstrapServers());
        env.put("GATEWAY_HTTP_HOST", "localhost");
        env.put("GATEWAY_HTTP_PORT", String.valueOf(port));
        env.put("GATEWAY_AUTH_KEYS_FILE", TestGateway.KEYS_FILE.toString());
        env.put("GATEWAY_AUTH_CREATE_DEV_KEY", "false");
        env.put("GATEWAY_AUTH_MAX_FAILURES", "0");
        env.put("GATEWAY_TLS_KEYSTORE", TestGateway.CERTS.resolve("server.p12").toString());
        env.put("GATEWAY_TLS_CA_CERTIFICATE", TestGateway.CERTS.resolve("ca.pem").toString());
        env.put("GATEWAY_TLS_CLIENT_CA", TestGateway.CERTS.resolve("client-ca.pem").toString());
        env.put("GATEWAY_DEAD_LETTER_JOURNAL",
                Files.createTempDirectory("jbang-dead-letters").resolve("journal.jsonl").toString());
        camel = builder.start();
        CountDownLatch ready = new CountDownLatch(1);
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(camel.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("gateway is ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        // the first run resolves the Camel CLI and the route dependencies from Maven Central
        if (!ready.await(300, TimeUnit.SECONDS)) {
            camel.destroyForcibly();
            synchronized (output) {
                throw new AssertionError("camel run did not become ready:\n" + output);
            }
        }
        client = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.destroy();
            if (!camel.waitFor(60, TimeUnit.SECONDS)) {
                camel.destroyForcibly();
            }
        }
    }

    @Test
    void producesTheDocumentedRequestOverHttpsAndTheRecordIsInKafka() throws Exception {
        String topic = TestKafka.createTopic("jbang");

        HttpResponse<String> response = post("/topics/" + topic + "/records", "Bearer " + TestGateway.ALL_TOPICS_KEY,
                "text/plain", "test message");

        Landed.expect(topic, "test message").in(response);
    }

    @Test
    void answersMissingCredentialsWith401() throws Exception {
        HttpResponse<String> response = post("/topics/any/records", null, "text/plain", "v");

        assertError(response, 401);
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    @Test
    void answersAFormPostWith415() throws Exception {
        assertError(post("/topics/any/records", "Bearer " + TestGateway.ALL_TOPICS_KEY,
                "application/x-www-form-urlencoded", "a=1"), 415);
    }

    private static HttpResponse<String> post(String path, String authorization, String contentType, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
                .header("Content-Type", contentType).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}

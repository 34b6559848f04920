package io.github.kafkarestgateway.console;

import java.io.ByteArrayInputStream;
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
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.auth.ApiKeyFile;
import io.github.kafkarestgateway.testing.ClientCertificates;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's JSON routes over HTTPS, for what a browser test shows less well: client certificates signed from an
 * uploaded CSR, the trust store, topic errors in words, the management port and switching the console off.
 */
class ConsoleApiTest {

    private static TestGateway gateway;
    private static Path keysFile;
    private static String operatorKey;
    private static Session session;

    /** A signed-in console session: its cookie and its CSRF token. */
    record Session(TestGateway gateway, String cookie, String csrf) {

        static Session signIn(TestGateway gateway, String key) throws Exception {
            HttpResponse<String> answer = gateway.send(gateway.request("/console/api/sign-in")
                    .header("Authorization", "Bearer " + key).header("Origin", origin(gateway))
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, answer.statusCode(), answer.body());
            String cookie = answer.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"),
                    cookie);
            return new Session(gateway, cookie.substring(0, cookie.indexOf(';')),
                    TestGateway.json(answer).get("csrfToken").asText());
        }

        HttpResponse<String> get(String path) {
            return gateway.send(gateway.request(path).header("Cookie", cookie).GET().build());
        }

        HttpResponse<String> post(String path, String json) {
            return gateway.send(gateway.request(path).header("Cookie", cookie).header("Origin", origin(gateway))
                    .header("X-CSRF-Token", csrf).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build());
        }
    }

    static String origin(TestGateway gateway) {
        return "https://" + gateway.uri("/").getAuthority();
    }

    @BeforeAll
    static void start() throws Exception {
        keysFile = Files.createTempDirectory("gateway-console-api").resolve("api-keys.json");
        operatorKey = new ApiKeyFile(keysFile).create("ops", "operator", List.of("*"), null, true);
        gateway = TestGateway.start(Map.of("gateway.auth.keys-file", keysFile.toString(),
                "gateway.auth.reload-interval-ms", "200"));
        session = Session.signIn(gateway, operatorKey);
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void aCertificateSignedFromAnUploadedRequestAuthenticatesItsServiceId(@TempDir Path dir) throws Exception {
        String topic = TestKafka.createTopic("console-cert");
        String name = "cert-app-" + System.nanoTime();
        assertEquals(201, session.post("/console/api/service-ids/create", "{\"name\":\"" + name
                + "\",\"topics\":[\"" + topic + "\"]}").statusCode());
        Path store = dir.resolve("client.p12");
        Path csr = dir.resolve("client.csr");
        ClientCertificates.keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit");
        ClientCertificates.keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass",
                "changeit", "-file", csr.toString());
        String request = Files.readString(csr);

        HttpResponse<String> signed = session.post("/console/api/service-ids/certificate",
                TestGateway.JSON.createObjectNode().put("name", name).put("csr", request).put("days", 30).toString());
        assertEquals(200, signed.statusCode(), signed.body());
        Path pem = Files.writeString(dir.resolve("client.pem"), TestGateway.json(signed).get("certificate").asText());
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(pem));
        assertTrue(certificate.getSubjectX500Principal().getName().contains("CN=" + name));
        ClientCertificates.keytool("-importcert", "-noprompt", "-alias", "client-ca", "-file",
                TestGateway.CERTS.resolve("client-ca.pem").toString(), "-keystore", store.toString(), "-storepass",
                "changeit");
        ClientCertificates.keytool("-importcert", "-noprompt", "-alias", "client", "-file", pem.toString(),
                "-keystore", store.toString(), "-storepass", "changeit");
        HttpClient withCertificate = ClientCertificates.withKeyStore(store);
        HttpRequest produce = HttpRequest.newBuilder(gateway.uri("/topics/" + topic + "/records"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("by certificate")).build();
        HttpResponse<String> produced = withCertificate.send(produce, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, produced.statusCode(), produced.body());
        Landed.expect(topic, "by certificate").in(produced);

        // a request naming another service ID (an operator, say) is not signed
        assertError(session.post("/console/api/service-ids/certificate", TestGateway.JSON.createObjectNode()
                .put("name", "ops").put("csr", request).toString()), 400);
        assertError(session.post("/console/api/service-ids/certificate", TestGateway.JSON.createObjectNode()
                .put("name", "nobody").put("csr", request).toString()), 404);
        assertError(session.post("/console/api/service-ids/certificate", TestGateway.JSON.createObjectNode()
                .put("name", name).put("csr", "not a request").toString()), 400);
    }

    @Test
    void anOperatorsClientCertificateSignsIn(@TempDir Path dir) throws Exception {
        HttpClient operator = ClientCertificates.client(dir, "ops", null, true);
        HttpRequest signIn = gateway.request("/console/api/sign-in").header("Origin", origin(gateway))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> answer = operator.send(signIn, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("ops", TestGateway.json(answer).get("operator").asText());
        assertTrue(answer.headers().firstValue("Set-Cookie").orElseThrow().startsWith(ConsoleSessions.COOKIE + "="));
        // a certificate of a service ID that is not an operator's does not
        String writer = "writer-" + System.nanoTime();
        new ApiKeyFile(keysFile).create(writer, "writer", List.of("*"), null, false);
        HttpClient notOperator = ClientCertificates.client(dir, writer, null, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> notOperator.send(signIn, HttpResponse.BodyHandlers
                .ofString()).statusCode() == 403);
    }

    @Test
    void revokingAnOperatorEndsItsSessions() throws Exception {
        String name = "ops-leaving-" + System.nanoTime();
        String key = new ApiKeyFile(keysFile).create(name, "operator", List.of("*"), null, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.send(gateway.request("/console/api/sign-in")
                .header("Authorization", "Bearer " + key).header("Origin", origin(gateway))
                .POST(HttpRequest.BodyPublishers.noBody()).build()).statusCode() == 200);
        Session leaving = Session.signIn(gateway, key);
        assertEquals(200, leaving.get("/console/api/service-ids").statusCode());
        new ApiKeyFile(keysFile).revoke(name);
        await().atMost(Duration.ofSeconds(10)).until(() -> leaving.get("/console/api/service-ids").statusCode() == 401);
    }

    @Test
    void theCaCertificateAsPemAndAsATrustStoreWithItsPassword() throws Exception {
        HttpResponse<String> pem = session.get("/console/api/certificates/ca.pem");
        assertEquals(200, pem.statusCode());
        assertEquals(Files.readString(TestGateway.CERTS.resolve("ca.pem")), pem.body());
        assertTrue(pem.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment"));

        JsonNode p12 = TestGateway.json(session.get("/console/api/certificates/ca.p12"));
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new ByteArrayInputStream(Base64.getDecoder().decode(p12.get("trustStore").asText()))) {
            store.load(in, p12.get("password").asText().toCharArray());
        }
        X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(TestGateway.CERTS.resolve("ca.pem")));
        assertArrayEquals(ca.getEncoded(), store.getCertificate(store.aliases().nextElement()).getEncoded());
    }

    @Test
    void topicsAreListedAndCreatedAndRefusalsAreInWords() throws Exception {
        String topic = TestKafka.createTopic("console-listed");
        for (String value : List.of("one", "two")) {
            assertEquals(200, gateway.post("/topics/" + topic + "/records", "text/plain", bytes(value),
                    "Authorization", "Bearer " + operatorKey).statusCode());
        }
        JsonNode listed = null;
        for (JsonNode entry : TestGateway.json(session.get("/console/api/topics")).get("topics")) {
            if (entry.get("name").asText().equals(topic)) {
                listed = entry;
            }
        }
        assertEquals(2, listed.get("records").asLong());
        assertEquals(1, listed.get("partitions").asInt());
        assertEquals(1, listed.get("replicationFactor").asInt());

        String name = "console-made-" + System.nanoTime();
        assertEquals(201, session.post("/console/api/topics/create", "{\"name\":\"" + name + "\",\"partitions\":3}")
                .statusCode());
        assertEquals(3, TestKafka.admin().describeTopics(List.of(name)).allTopicNames().get().get(name)
                .partitions().size());
        assertTrue(assertError(session.post("/console/api/topics/create", "{\"name\":\"" + name + "\"}"), 409)
                .get("message").asText().contains("exists already"));
        assertTrue(assertError(session.post("/console/api/topics/create", "{\"name\":\"no spaces!\"}"), 400)
                .get("message").asText().startsWith("Not a valid topic name"));
        assertTrue(assertError(session.post("/console/api/topics/create", "{\"name\":\"t-" + System.nanoTime()
                + "\",\"replicationFactor\":3}"), 400).get("message").asText().startsWith("Kafka refused the topic"));
        assertError(session.post("/console/api/topics/create", "{\"name\":\"x\",\"partitions\":0}"), 400);
        assertError(session.post("/console/api/topics/create", "[1,2]"), 400);
        assertError(session.post("/console/api/service-ids/nonsense", "{}"), 404);
    }

    @Test
    void aKeyMadeInTheConsoleProducesByBothApisAndOnlyToItsTopic() throws Exception {
        String topic = TestKafka.createTopic("console-both");
        JsonNode created = TestGateway.json(session.post("/console/api/service-ids/create", "{\"name\":\"both-"
                + System.nanoTime() + "\",\"topics\":[\"" + topic + "\"],\"expires\":\"2099-01-01T00:00:00Z\"}"));
        String key = created.get("key").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.post("/topics/" + topic + "/records",
                "text/plain", bytes("v1"), "Authorization", "Bearer " + key).statusCode() == 200);
        HttpResponse<String> basic = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("basic"),
                "Authorization", "Basic " + Base64.getEncoder().encodeToString(("token:" + key)
                        .getBytes(StandardCharsets.UTF_8)));
        Landed.expect(topic, "basic").in(basic);
        HttpResponse<String> v2 = gateway.post("/v2/topics/" + topic + "/records", "application/json",
                bytes("{\"value\":{\"type\":\"text\",\"data\":\"enveloped\"}}"), "Authorization", "Bearer " + key);
        assertEquals(200, v2.statusCode(), v2.body());
        assertError(gateway.post("/topics/" + TestKafka.createTopic("console-other") + "/records", "text/plain",
                bytes("no"), "Authorization", "Bearer " + key), 403);
        assertError(session.post("/console/api/service-ids/create", "{\"name\":\"past\",\"topics\":[\"t\"],"
                + "\"expires\":\"2001-01-01T00:00:00Z\"}"), 400);
        assertError(session.post("/console/api/service-ids/create", "{\"name\":\"" + created.get("name").asText()
                + "\",\"topics\":[\"t\"]}"), 400);
        assertError(session.post("/console/api/service-ids/create", "{\"name\":\"no-topics\"}"), 400);
    }

    @Test
    void theProductionProfileSwitchesTheConsoleOff() throws Exception {
        java.util.Properties prod = new java.util.Properties();
        try (InputStream in = Files.newInputStream(Path.of("routes/application-prod.properties"))) {
            prod.load(in);
        }
        assertEquals("false", prod.getProperty("gateway.console.enabled"));
    }

    @Test
    void theConsoleIsOnTheManagementPortTooAndCanBeSwitchedOff() throws Exception {
        try (TestGateway managed = TestGateway.start(Map.of("gateway.auth.keys-file", keysFile.toString(),
                "gateway.management.port", "0"))) {
            int port = managed.context().hasService(io.github.kafkarestgateway.http.GatewayHttpServer.class)
                    .getManagementPort();
            HttpResponse<String> page = managed.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port
                    + "/console")).GET().build());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("Operator console"));
            assertEquals(200, managed.send(managed.request("/console").GET().build()).statusCode());
        }
        try (TestGateway off = TestGateway.start(Map.of("gateway.auth.keys-file", keysFile.toString(),
                "gateway.console.enabled", "false"))) {
            assertError(off.send(off.request("/console").GET().build()), 404);
            assertError(off.send(off.request("/console/api/sign-in").header("Authorization", "Bearer " + operatorKey)
                    .header("Origin", origin(off)).POST(HttpRequest.BodyPublishers.noBody()).build()), 404);
        }
    }
}

package io.github.kafkarestgateway.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.ClientCertificates;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Access control end to end: service IDs made with the credentials tool, every way to authenticate, topic patterns,
 * roles, changes of the key file taken without a restart, the failed-authentication limit, TLS versions, client
 * certificates, certificate export and reload, and that no secret reaches a log.
 */
class SecurityTest {

    private static final Pattern KEY = Pattern.compile("(?:API key[^:]*|New API key[^:]*): (\\S+)");
    private static final List<String> SECRETS = new ArrayList<>();
    private static Path dir;
    private static Path keysFile;
    private static TestGateway gateway;
    private static String topic;
    private static final Path LOG = Path.of("target/test-gateway.log");
    /** Where this run's lines of the gateway log begin (the file is appended to across runs). */
    private static long logStart;

    @BeforeAll
    static void startGateway() throws Exception {
        logStart = Files.exists(LOG) ? Files.size(LOG) : 0;
        dir = Files.createTempDirectory("gateway-security");
        keysFile = dir.resolve("api-keys.json");
        tool("create", "--name", "placeholder", "--role", "reader", "--topic", "none");
        gateway = TestGateway.start(Map.of(
                "gateway.auth.keys-file", keysFile.toString(),
                "gateway.auth.reload-interval-ms", "200"));
        topic = TestKafka.createTopic("orders.eu");
    }

    @AfterAll
    static void stopGateway() {
        gateway.close();
    }

    @Test
    void authenticatesWithBearerBasicTokenBasicNameXAuthTokenAndClientCertificate() throws Exception {
        String key = create("every-way", "writer", "*");
        String records = "/topics/" + topic + "/records";

        landed(topic, post(records, "Authorization", "Bearer " + key));
        landed(topic, post(records, "Authorization", basic("token", key)));
        landed(topic, post(records, "Authorization", basic("every-way", key)));
        landed(topic, post(records, "X-Auth-Token", key));
        HttpClient withCertificate = clientWithCertificate("every-way", null, true);
        landed(topic, withCertificate.send(request(records).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void refusesWrongCredentialsOfEveryMethodWith401() throws Exception {
        String key = create("wrong-ways", "writer", "*");
        String other = create("someone-else", "writer", "*");
        String records = "/topics/" + topic + "/records";

        assertError(post(records, "Authorization", "Bearer " + key + "x"), 401);
        assertError(post(records, "Authorization", basic("token", "nope")), 401);
        assertError(post(records, "Authorization", basic("wrong-ways", other)), 401);
        assertError(post(records, "Authorization", basic("no-such-id", key)), 401);
        assertError(post(records, "Authorization", "Basic bm9jb2xvbg=="), 401);
        assertError(post(records, "X-Auth-Token", "nope"), 401);
        HttpResponse<String> unknownCertificate = clientWithCertificate("not-a-service-id", null, true)
                .send(request(records).build(), HttpResponse.BodyHandlers.ofString());
        assertError(unknownCertificate, 401);
        assertTrue(unknownCertificate.headers().firstValue("WWW-Authenticate").isPresent());
        // a certificate from another CA is not offered (the server names the CAs it accepts): no identity
        HttpClient foreignCertificate = clientWithCertificate("wrong-ways", null, false);
        assertError(foreignCertificate.send(request(records).build(), HttpResponse.BodyHandlers.ofString()), 401);
        // one from a CA posing as the client CA (same name, other key) fails the TLS handshake
        HttpClient forged = clientWithForgedCertificate("wrong-ways");
        assertThrows(IOException.class, () -> forged.send(request(records).build(), HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void scopesTopicsByExactNamePrefixAndWildcard() throws Exception {
        String exact = create("exact", "writer", topic);
        String prefix = create("prefix", "writer", "orders.*");
        String wildcard = create("wildcard", "writer", "*");
        String elsewhere = TestKafka.createTopic("payments");

        landed(topic, post("/topics/" + topic + "/records", "Authorization", "Bearer " + exact));
        assertError(post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + exact), 403);
        landed(topic, post("/topics/" + topic + "/records", "Authorization", "Bearer " + prefix));
        assertError(post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + prefix), 403);
        landed(elsewhere, post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + wildcard));
    }

    @Test
    void checksRoles() throws Exception {
        String reader = create("a-reader", "reader", "*");
        String writer = create("a-writer", "editor", "*");
        String operator = create("an-operator", "operator", "*");

        assertError(post("/topics/" + topic + "/records", "Authorization", "Bearer " + reader), 403);
        landed(topic, post("/topics/" + topic + "/records", "Authorization", "Bearer " + writer));
        assertError(gateway.send(gateway.request("/admin/dead-letters").header("Authorization", "Bearer " + writer)
                .GET().build()), 403);
        assertEquals(200, gateway.send(gateway.request("/admin/dead-letters")
                .header("Authorization", "Bearer " + operator).GET().build()).statusCode());
        landed(topic, post("/topics/" + topic + "/records", "Authorization", "Bearer " + operator));
    }

    @Test
    void revocationRotationAndExpiryTakeEffectWithoutARestart() throws Exception {
        String records = "/topics/" + topic + "/records";
        String key = create("changing", "writer", "*");
        landed(topic, post(records, "Authorization", "Bearer " + key));

        String rotated = newKey(tool("rotate", "--name", "changing"));
        await().atMost(Duration.ofSeconds(10)).until(() -> known(rotated));
        assertError(post(records, "Authorization", "Bearer " + key), 401);
        landed(topic, post(records, "Authorization", "Bearer " + rotated));

        tool("expire", "--name", "changing", "--at", Instant.now().minusSeconds(1).toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> post(records, "Authorization", "Bearer " + rotated).statusCode() == 401);
        tool("expire", "--name", "changing", "--at", "never");
        landed(topic, await().atMost(Duration.ofSeconds(10)).until(
                () -> post(records, "Authorization", "Bearer " + rotated), response -> response.statusCode() != 401));

        tool("revoke", "--name", "changing");
        await().atMost(Duration.ofSeconds(10)).until(() -> post(records, "Authorization", "Bearer " + rotated).statusCode() == 401);

        String future = create("expiring-later", "writer", "*", "--expires-in", "30d");
        landed(topic, post(records, "Authorization", "Bearer " + future));
        String listed = tool("list");
        assertFalse(SECRETS.stream().anyMatch(listed::contains), "list never shows keys");
        assertTrue(listed.contains("\"revoked\" : true"), listed);
    }

    @Test
    void answersWrongKeysFromAnAddressWith429AfterRepeatedFailuresButNeverAValidKey() throws Exception {
        String key = create("patient", "writer", "*");
        try (TestGateway limited = TestGateway.start(Map.of(
                "gateway.auth.keys-file", keysFile.toString(),
                "gateway.auth.max-failures", "3",
                "gateway.auth.block-ms", "60000"))) {
            String records = "/topics/" + topic + "/records";
            for (int i = 0; i < 3; i++) {
                assertError(limited.post(records, "text/plain", bytes("v"), "Authorization", "Bearer guess-" + i), 401);
            }
            HttpResponse<String> refused = limited.post(records, "text/plain", bytes("v"), "Authorization", "Bearer guess");
            assertError(refused, 429);
            assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) > 0);
            landed(topic, limited.post(records, "text/plain", bytes("v"), "Authorization", "Bearer " + key));
            // no credentials at all is not a guess: 401, as before
            assertError(limited.send(limited.request(records).header("Content-Type", "text/plain")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("v")).build()), 401);
        }
    }

    @Test
    void acceptsOnlyTls12AndTls13WithStrongCipherSuites() throws Exception {
        assertEquals("TLSv1.3", handshake(new String[] {"TLSv1.3"}, null));
        assertEquals("TLSv1.2", handshake(new String[] {"TLSv1.2"}, null));
        assertThrows(IOException.class, () -> handshake(new String[] {"TLSv1.1"}, null));
        assertThrows(IOException.class, () -> handshake(new String[] {"TLSv1"}, null));
        assertThrows(IOException.class, () -> handshake(new String[] {"TLSv1.2"},
                new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"}));
    }

    @Test
    void speaksPlainHttpOnlyWhenTlsIsSwitchedOff() throws Exception {
        HttpClient plain = HttpClient.newHttpClient();
        URI overHttp = URI.create(gateway.uri("/alive").toString().replace("https://", "http://"));
        assertThrows(IOException.class, () -> plain.send(HttpRequest.newBuilder(overHttp).build(),
                HttpResponse.BodyHandlers.ofString()));
        try (TestGateway http = TestGateway.start(Map.of("gateway.tls.enabled", "false"))) {
            URI uri = URI.create("http://localhost:" + http.uri("/").getPort() + "/topics/" + topic + "/records");
            HttpResponse<String> response = plain.send(HttpRequest.newBuilder(uri)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("v")).build(),
                    HttpResponse.BodyHandlers.ofString());
            landed(topic, response);
        }
    }

    @Test
    void exportsCertificatesThatClientsTrust() throws Exception {
        String key = create("curl-user", "writer", "*");
        Path pem = dir.resolve("exported.pem");
        certificates("trust", "--format", "pem", "--out", pem.toString());
        Process curl = new ProcessBuilder("curl", "-sS", "-X", "POST", "-H", "Authorization: Bearer " + key,
                "-H", "Content-Type: text/plain", "-H", "Accept: application/json", "-d", "test message",
                "--cacert", pem.toString(), gateway.uri("/topics/" + topic + "/records").toString())
                .redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), answer);
        assertTrue(answer.startsWith("{\"metadata\":{\"topic\":\"" + topic + "\""), answer);
        Landed.expect(topic, "test message").at(TestGateway.JSON.readTree(answer).get("metadata"));

        Path p12 = dir.resolve("truststore.p12");
        String out = certificates("trust", "--format", "p12", "--out", p12.toString());
        Matcher password = Pattern.compile("Trust store password: (\\S+)").matcher(out);
        assertTrue(password.find(), out);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            trust.load(in, password.group(1).toCharArray());
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, factory.getTrustManagers(), null);
        HttpResponse<String> response = HttpClient.newBuilder().sslContext(ssl).build().send(request("/topics/" + topic
                + "/records").header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        landed(topic, response);
    }

    @Test
    void requiresClientCertificatesWhenConfiguredAndNamesThemBySanWhenAsked() throws Exception {
        create("svc-by-san.example", "writer", "*", "--certificate-only");
        try (TestGateway required = TestGateway.start(Map.of(
                "gateway.auth.keys-file", keysFile.toString(),
                "gateway.tls.client-auth", "required",
                "gateway.tls.client-principal", "san"))) {
            URI uri = required.uri("/topics/" + topic + "/records");
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString("v")).build();
            assertThrows(IOException.class, () -> required.client().send(request, HttpResponse.BodyHandlers.ofString()),
                    "no client certificate: no TLS session");
            HttpClient bySan = clientWithCertificate("ignored-cn", "dns:svc-by-san.example", true);
            landed(topic, bySan.send(request, HttpResponse.BodyHandlers.ofString()));
        }
    }

    @Test
    void servesPemCertificatesAndReloadsARenewedCertificateWithoutARestart(@TempDir Path tls) throws Exception {
        Path certificate = tls.resolve("server.crt");
        Path privateKey = tls.resolve("server.key");
        writePem(TestGateway.CERTS.resolve("server.p12"), certificate, privateKey);
        try (TestGateway pem = TestGateway.start(Map.of(
                "gateway.tls.certificate", certificate.toString(),
                "gateway.tls.private-key", privateKey.toString(),
                "gateway.auth.reload-interval-ms", "200"))) {
            X509Certificate before = servedCertificate(pem);
            landed(topic, pem.post("/topics/" + topic + "/records", "text/plain", bytes("v")));

            // a renewed certificate from the same CA replaces the files
            Path renewed = renewServerCertificate(tls.resolve("renewed"));
            writePem(renewed.resolve("server.p12"), tls.resolve("next.crt"), tls.resolve("next.key"));
            Files.move(tls.resolve("next.key"), privateKey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // the new key beside the old certificate (a renewal half written) must not replace a working pair
            await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
                    .until(() -> servedCertificate(pem).getSerialNumber().equals(before.getSerialNumber()));
            Files.move(tls.resolve("next.crt"), certificate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            // handshakes back to back while the gateway swaps the certificate: every one of them must succeed
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                    .until(() -> !servedCertificate(pem).getSerialNumber().equals(before.getSerialNumber()));
            landed(topic, pem.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
        }
    }

    @Test
    void noKeyEverAppearsInLogsAnswersOrRecords() throws Exception {
        String key = create("secretive", "writer", "*");
        String okId = "no-key-ok-" + java.util.UUID.randomUUID();
        String wrongId = "no-key-wrong-" + java.util.UUID.randomUUID();
        HttpResponse<String> ok = gateway.send(request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + key).header("X-Request-ID", okId).build());
        HttpResponse<String> wrong = gateway.send(request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + key + "-wrong").header("X-Request-ID", wrongId).build());
        landed(topic, ok);
        assertError(wrong, 401);
        assertFalse(wrong.body().contains(key) || ok.body().contains(key));
        for (var record : TestKafka.allRecords(topic).values()) {
            String text = new String(record.value(), StandardCharsets.UTF_8) + record.headers();
            for (var header : record.headers()) {
                text += new String(header.value(), StandardCharsets.UTF_8);
            }
            for (String secret : SECRETS) {
                assertFalse(text.contains(secret), "a key in a record");
            }
        }
        // access lines are written by a thread every 100 ms: wait until both requests' lines are in this run's log
        String log = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(SecurityTest::thisRunsLog, text -> text.contains(okId) && text.contains(wrongId));
        assertTrue(accessLine(log, okId).contains("\"status\":200"), accessLine(log, okId));
        assertTrue(accessLine(log, wrongId).contains("\"status\":401"), accessLine(log, wrongId));
        for (String secret : SECRETS) {
            assertFalse(log.contains(secret), "a key in the log");
        }
    }

    @Test
    void reloadsARenewedPkcs12KeyStoreWithoutARestart(@TempDir Path tls) throws Exception {
        reloadsARenewedKeyStore(tls, "server.p12");
    }

    @Test
    void reloadsARenewedJksKeyStoreWithoutARestart(@TempDir Path tls) throws Exception {
        reloadsARenewedKeyStore(tls, "server.jks");
    }

    /**
     * With an RSA server certificate, an RSA key exchange could be chosen if the gateway allowed one (with the EC
     * test certificate it never could): only ECDHE_RSA suites may be negotiated.
     */
    @Test
    void acceptsOnlyEcdheKeyExchangeWithAnRsaCertificate(@TempDir Path tls) throws Exception {
        Path store = rsaServerKeyStore(tls);
        try (TestGateway rsa = TestGateway.start(Map.of("gateway.tls.keystore", store.toString()))) {
            assertEquals("RSA", servedCertificate(rsa).getPublicKey().getAlgorithm());
            assertEquals("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", negotiated(rsa, new String[] {"TLSv1.2"},
                    new String[] {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"}).getCipherSuite());
            for (String suite : List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384",
                    "TLS_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256")) {
                assertThrows(IOException.class, () -> negotiated(rsa, new String[] {"TLSv1.2"}, new String[] {suite}),
                        suite + " must be refused");
            }
            landed(topic, rsa.post("/topics/" + topic + "/records", "text/plain", bytes("v")));
        }
    }

    @Test
    void takesANewKeyWithinSecondsAtTheDefaultReloadInterval() throws Exception {
        Path file = dir.resolve("default-interval-keys.json");
        tool("create", "--name", "first-one", "--role", "reader", "--topic", "none", "--keys-file", file.toString());
        // gateway.auth.reload-interval-ms not set: the shipped default (1000 ms)
        try (TestGateway byDefault = TestGateway.start(Map.of("gateway.auth.keys-file", file.toString()))) {
            String key = newKey(tool("create", "--name", "late-comer", "--role", "writer", "--topic", "*",
                    "--keys-file", file.toString()));
            String records = "/topics/" + topic + "/records";
            // "within seconds": the bound is the documented behaviour, generous for a slow machine
            HttpResponse<String> accepted = await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> byDefault.post(records, "text/plain", bytes("v"), "Authorization", "Bearer " + key),
                            response -> response.statusCode() != 401);
            landed(topic, accepted);
        }
    }

    // ---- helpers

    /** Asserts the 200 of a request made by {@link #request} (value "v", no key, no headers) and reads it back. */
    private static void landed(String topicName, HttpResponse<String> response) {
        Landed.expect(topicName, "v").in(response);
    }

    /** Creates a service ID with the tool and waits until the gateway knows its key (it reloads the file). */
    private static String create(String name, String role, String topicPattern, String... more) {
        List<String> args = new ArrayList<>(List.of("create", "--name", name, "--role", role, "--topic", topicPattern));
        args.addAll(List.of(more));
        String out = tool(args.toArray(String[]::new));
        if (List.of(more).contains("--certificate-only")) {
            return null;
        }
        String key = newKey(out);
        await().atMost(Duration.ofSeconds(10)).until(() -> known(key));
        return key;
    }

    /** Whether the gateway authenticates this key: an empty request then fails after authentication, not at it. */
    private static boolean known(String key) {
        HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        return response.statusCode() != 401;
    }

    private static String newKey(String toolOutput) {
        Matcher matcher = KEY.matcher(toolOutput);
        assertTrue(matcher.find(), toolOutput);
        SECRETS.add(matcher.group(1));
        return matcher.group(1);
    }

    /** The credentials tool on the test's key file (unless another is given); what it printed. */
    private static String tool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--keys-file")) {
            all.addAll(List.of("--keys-file", keysFile.toString()));
        }
        return succeeded(CredentialsTool::run, all);
    }

    /** The certificates tool on the test certificates; what it printed. */
    private static String certificates(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--certs", TestGateway.CERTS.toString()));
        return succeeded(CertificatesTool::run, all);
    }

    private interface Tool {
        int run(String[] args, PrintStream out, PrintStream err);
    }

    private static String succeeded(Tool tool, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = tool.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static HttpRequest.Builder request(String path) {
        return gateway.request(path).header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("v"));
    }

    private static HttpResponse<String> post(String path, String header, String value) {
        return gateway.send(request(path).header(header, value).build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** An HTTPS client with a client certificate for {@code cn}, signed by the client CA (or self-signed). */
    private static HttpClient clientWithCertificate(String cn, String san, boolean signedByClientCa) throws Exception {
        return ClientCertificates.client(dir, cn, san, signedByClientCa);
    }

    /** A client certificate signed by a CA that has the client CA's name but another key. */
    private static HttpClient clientWithForgedCertificate(String cn) throws Exception {
        Path work = Files.createTempDirectory(dir, "forged");
        Path fakeCa = work.resolve("fake-ca.p12");
        Path store = work.resolve("client.p12");
        keytool("-genkeypair", "-alias", "fake-ca", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=Kafka REST Gateway Development Client CA", "-ext", "bc:c",
                "-keystore", fakeCa.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "fake-ca", "-keystore", fakeCa.toString(), "-storepass", "changeit",
                "-file", work.resolve("fake-ca.pem").toString());
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", work.resolve("client.csr").toString());
        keytool("-gencert", "-rfc", "-alias", "fake-ca", "-keystore", fakeCa.toString(), "-storepass", "changeit",
                "-infile", work.resolve("client.csr").toString(), "-outfile", work.resolve("client.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "fake-ca", "-file", work.resolve("fake-ca.pem").toString(),
                "-keystore", store.toString(), "-storepass", "changeit");
        keytool("-importcert", "-noprompt", "-alias", "client", "-file", work.resolve("client.pem").toString(),
                "-keystore", store.toString(), "-storepass", "changeit");
        return clientWithKeyStore(store);
    }

    private static HttpClient clientWithKeyStore(Path store) throws Exception {
        return ClientCertificates.withKeyStore(store);
    }

    private static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        return ClientCertificates.trustManagers();
    }

    /** Completes a TLS handshake offering only these protocols (and cipher suites) and returns the protocol used. */
    private static String handshake(String[] protocols, String[] cipherSuites) throws Exception {
        return negotiated(gateway, protocols, cipherSuites).getProtocol();
    }

    /** Completes a TLS handshake with the server offering only these protocols (and cipher suites). */
    private static javax.net.ssl.SSLSession negotiated(TestGateway server, String[] protocols, String[] cipherSuites)
            throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers(), null);
        URI uri = server.uri("/");
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setEnabledProtocols(protocols);
            if (cipherSuites != null) {
                // the client really offers them: a refusal is the server's
                assertTrue(List.of(socket.getSupportedCipherSuites()).containsAll(List.of(cipherSuites)));
                socket.setEnabledCipherSuites(cipherSuites);
            }
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return socket.getSession();
        }
    }

    /** The gateway log written since this class started. */
    private static String thisRunsLog() throws IOException {
        try (InputStream in = Files.newInputStream(LOG)) {
            in.skipNBytes(logStart);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String accessLine(String log, String requestId) {
        return log.lines().filter(line -> line.contains("\"requestId\":\"" + requestId + "\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no access line for " + requestId));
    }

    /**
     * Serves the test server certificate from a key store of this type (by its file name), renews it with the same
     * CA while the gateway runs, and checks that new connections get the new certificate.
     */
    private static void reloadsARenewedKeyStore(Path tls, String name) throws Exception {
        String password = Files.readString(TestGateway.CERTS.resolve("server.p12.password")).trim();
        Path store = tls.resolve(name);
        Files.writeString(tls.resolve(name + ".password"), password + "\n");
        copyKeyStore(TestGateway.CERTS.resolve("server.p12"), store, password);
        try (TestGateway served = TestGateway.start(Map.of(
                "gateway.tls.keystore", store.toString(),
                "gateway.auth.reload-interval-ms", "200"))) {
            X509Certificate before = servedCertificate(served);
            landed(topic, served.post("/topics/" + topic + "/records", "text/plain", bytes("v")));

            Path renewed = renewServerCertificate(tls.resolve("renewed"));
            X509Certificate after = (X509Certificate) loadKeyStore(renewed.resolve("server.p12"), "PKCS12", password)
                    .getCertificate("server");
            assertNotEquals(before.getSerialNumber(), after.getSerialNumber());
            Path next = tls.resolve("next-" + name);
            copyKeyStore(renewed.resolve("server.p12"), next, password);
            Files.move(next, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                    .until(() -> servedCertificate(served).getSerialNumber().equals(after.getSerialNumber()));
            HttpClient fresh = HttpClient.newBuilder().sslContext(TestGateway.trustingTestCa()).build();
            landed(topic, fresh.send(served.request("/topics/" + topic + "/records")
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("v")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    /** The PKCS12 key store as a PKCS12 or JKS key store (by the target's file name), with the same password. */
    private static void copyKeyStore(Path p12, Path target, String password) throws Exception {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        keytool("-importkeystore", "-noprompt", "-srckeystore", p12.toString(), "-srcstoretype", "PKCS12",
                "-srcstorepass", password, "-destkeystore", temporary.toString(),
                "-deststoretype", target.toString().endsWith(".jks") ? "JKS" : "PKCS12",
                "-deststorepass", password, "-destkeypass", password);
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
        String type = target.toString().endsWith(".jks") ? "JKS" : "PKCS12";
        assertTrue(loadKeyStore(target, type, password).isKeyEntry("server"), target + " holds the key");
    }

    private static KeyStore loadKeyStore(Path file, String type, String password) throws Exception {
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    /** A PKCS12 key store with an RSA server key and its certificate for localhost, signed by the test CA. */
    private static Path rsaServerKeyStore(Path folder) throws Exception {
        String caPassword = Files.readString(TestGateway.CERTS.resolve("server.p12.password")).trim();
        String password = "rsa-test-password";
        Path store = folder.resolve("rsa-server.p12");
        Files.writeString(folder.resolve("rsa-server.p12.password"), password + "\n");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-validity", "30", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", password,
                "-keypass", password);
        keytool("-certreq", "-alias", "server", "-keystore", store.toString(), "-storepass", password,
                "-file", folder.resolve("rsa.csr").toString());
        // keyEncipherment too: with it a client would accept an RSA key exchange, were the server to choose one
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", TestGateway.CERTS.resolve("ca.p12").toString(),
                "-storepass", caPassword, "-infile", folder.resolve("rsa.csr").toString(),
                "-outfile", folder.resolve("rsa.pem").toString(), "-validity", "30",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-ext", "KeyUsage:critical=digitalSignature,keyEncipherment", "-ext", "ExtendedKeyUsage=serverAuth");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", TestGateway.CERTS.resolve("ca.pem").toString(),
                "-keystore", store.toString(), "-storepass", password);
        keytool("-importcert", "-noprompt", "-alias", "server", "-file", folder.resolve("rsa.pem").toString(),
                "-keystore", store.toString(), "-storepass", password);
        return store;
    }

    private static X509Certificate servedCertificate(TestGateway server) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers(), null);
        URI uri = server.uri("/");
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /**
     * A new server certificate from the test CA, in a new folder (the test CA files copied there first:
     * certs/generate.sh keeps an existing CA); returns the folder.
     */
    private static Path renewServerCertificate(Path folder) throws Exception {
        Files.createDirectories(folder);
        for (String file : List.of("ca.p12", "ca.pem", "client-ca.pem", "client-ca.p12", "server.p12.password")) {
            Files.copy(TestGateway.CERTS.resolve(file), folder.resolve(file));
        }
        Process process = new ProcessBuilder("bash", Path.of("certs/generate.sh").toString(), folder.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        assertNotEquals(Files.readString(folder.resolve("ca.pem")), "");
        return folder;
    }

    /** The certificate chain and private key of a PKCS12 key store, as PEM files. */
    private static void writePem(Path p12, Path certificate, Path privateKey) throws Exception {
        char[] password = Files.readString(p12.resolveSibling("server.p12.password")).trim().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, password);
        }
        StringBuilder chain = new StringBuilder();
        for (Certificate c : store.getCertificateChain("server")) {
            chain.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(certificate, chain);
        Files.writeString(privateKey, pem("PRIVATE KEY", store.getKey("server", password).getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void keytool(String... args) throws Exception {
        ClientCertificates.keytool(args);
    }
}

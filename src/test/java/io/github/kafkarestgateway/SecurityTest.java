package io.github.kafkarestgateway;

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
import java.security.cert.CertificateFactory;
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

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.ErrorResponsesTest.assertError;
import static io.github.kafkarestgateway.ProduceApiTest.bytes;
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

    @BeforeAll
    static void startGateway() throws Exception {
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

        assertEquals(200, post(records, "Authorization", "Bearer " + key).statusCode());
        assertEquals(200, post(records, "Authorization", basic("token", key)).statusCode());
        assertEquals(200, post(records, "Authorization", basic("every-way", key)).statusCode());
        assertEquals(200, post(records, "X-Auth-Token", key).statusCode());
        HttpClient withCertificate = clientWithCertificate("every-way", null, true);
        assertEquals(200, withCertificate.send(request(records).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
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

        assertEquals(200, post("/topics/" + topic + "/records", "Authorization", "Bearer " + exact).statusCode());
        assertError(post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + exact), 403);
        assertEquals(200, post("/topics/" + topic + "/records", "Authorization", "Bearer " + prefix).statusCode());
        assertError(post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + prefix), 403);
        assertEquals(200, post("/topics/" + elsewhere + "/records", "Authorization", "Bearer " + wildcard).statusCode());
    }

    @Test
    void checksRoles() throws Exception {
        String reader = create("a-reader", "reader", "*");
        String writer = create("a-writer", "editor", "*");
        String operator = create("an-operator", "operator", "*");

        assertError(post("/topics/" + topic + "/records", "Authorization", "Bearer " + reader), 403);
        assertEquals(200, post("/topics/" + topic + "/records", "Authorization", "Bearer " + writer).statusCode());
        assertError(gateway.send(gateway.request("/admin/dead-letters").header("Authorization", "Bearer " + writer)
                .GET().build()), 403);
        assertEquals(200, gateway.send(gateway.request("/admin/dead-letters")
                .header("Authorization", "Bearer " + operator).GET().build()).statusCode());
        assertEquals(200, post("/topics/" + topic + "/records", "Authorization", "Bearer " + operator).statusCode());
    }

    @Test
    void revocationRotationAndExpiryTakeEffectWithoutARestart() throws Exception {
        String records = "/topics/" + topic + "/records";
        String key = create("changing", "writer", "*");
        assertEquals(200, post(records, "Authorization", "Bearer " + key).statusCode());

        String rotated = newKey(tool("rotate", "--name", "changing"));
        await().atMost(Duration.ofSeconds(5)).until(() -> known(rotated));
        assertError(post(records, "Authorization", "Bearer " + key), 401);
        assertEquals(200, post(records, "Authorization", "Bearer " + rotated).statusCode());

        tool("expire", "--name", "changing", "--at", Instant.now().minusSeconds(1).toString());
        await().atMost(Duration.ofSeconds(5)).until(() -> post(records, "Authorization", "Bearer " + rotated).statusCode() == 401);
        tool("expire", "--name", "changing", "--at", "never");
        await().atMost(Duration.ofSeconds(5)).until(() -> post(records, "Authorization", "Bearer " + rotated).statusCode() == 200);

        tool("revoke", "--name", "changing");
        await().atMost(Duration.ofSeconds(5)).until(() -> post(records, "Authorization", "Bearer " + rotated).statusCode() == 401);

        String future = create("expiring-later", "writer", "*", "--expires-in", "30d");
        assertEquals(200, post(records, "Authorization", "Bearer " + future).statusCode());
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
            assertEquals(200, limited.post(records, "text/plain", bytes("v"), "Authorization", "Bearer " + key)
                    .statusCode());
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
            assertEquals(200, response.statusCode(), response.body());
        }
    }

    @Test
    void exportsCertificatesThatClientsTrust() throws Exception {
        String key = create("curl-user", "writer", "*");
        Path pem = dir.resolve("exported.pem");
        tool("certificates", "--format", "pem", "--out", pem.toString(), "--certs", TestGateway.CERTS.toString());
        Process curl = new ProcessBuilder("curl", "-sS", "-X", "POST", "-H", "Authorization: Bearer " + key,
                "-H", "Content-Type: text/plain", "-H", "Accept: application/json", "-d", "test message",
                "--cacert", pem.toString(), gateway.uri("/topics/" + topic + "/records").toString())
                .redirectErrorStream(true).start();
        String answer = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, curl.exitValue(), answer);
        assertTrue(answer.startsWith("{\"metadata\":{\"topic\":\"" + topic + "\""), answer);

        Path p12 = dir.resolve("truststore.p12");
        String out = tool("certificates", "--format", "p12", "--out", p12.toString(), "--certs", TestGateway.CERTS.toString());
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
        assertEquals(200, response.statusCode());
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
            assertEquals(200, bySan.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
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
            assertEquals(200, pem.post("/topics/" + topic + "/records", "text/plain", bytes("v")).statusCode());

            // a renewed certificate from the same CA replaces the files
            Path renewed = tls.resolve("renewed");
            Files.createDirectories(renewed);
            for (String file : List.of("ca.p12", "ca.pem", "client-ca.pem", "client-ca.p12", "server.p12.password")) {
                Files.copy(TestGateway.CERTS.resolve(file), renewed.resolve(file));
            }
            renewServerCertificate(renewed);
            writePem(renewed.resolve("server.p12"), tls.resolve("next.crt"), tls.resolve("next.key"));
            Files.move(tls.resolve("next.key"), privateKey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // the new key beside the old certificate (a renewal half written) must not replace a working pair
            await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5))
                    .until(() -> servedCertificate(pem).getSerialNumber().equals(before.getSerialNumber()));
            Files.move(tls.resolve("next.crt"), certificate, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            // handshakes back to back while the gateway swaps the certificate: every one of them must succeed
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(2))
                    .until(() -> !servedCertificate(pem).getSerialNumber().equals(before.getSerialNumber()));
            assertEquals(200, pem.post("/topics/" + topic + "/records", "text/plain", bytes("v")).statusCode());
        }
    }

    @Test
    void noKeyEverAppearsInLogsAnswersOrRecords() throws Exception {
        String key = create("secretive", "writer", "*");
        HttpResponse<String> ok = post("/topics/" + topic + "/records", "Authorization", "Bearer " + key);
        HttpResponse<String> wrong = post("/topics/" + topic + "/records", "Authorization", "Bearer " + key + "-wrong");
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
        String log = Files.readString(Path.of("target/test-gateway.log"));
        assertTrue(log.contains("ErrorResponse"), "the gateway's log is captured");
        for (String secret : SECRETS) {
            assertFalse(log.contains(secret), "a key in the log");
        }
    }

    // ---- helpers

    /** Creates a service ID with the tool and waits until the gateway knows its key (it reloads the file). */
    private static String create(String name, String role, String topicPattern, String... more) {
        List<String> args = new ArrayList<>(List.of("create", "--name", name, "--role", role, "--topic", topicPattern));
        args.addAll(List.of(more));
        String out = tool(args.toArray(String[]::new));
        if (List.of(more).contains("--certificate-only")) {
            return null;
        }
        String key = newKey(out);
        await().atMost(Duration.ofSeconds(5)).until(() -> known(key));
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

    private static String tool(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--keys-file")) {
            all.addAll(List.of("--keys-file", keysFile.toString()));
        }
        if (!all.contains("--certs")) {
            all.addAll(List.of("--certs", TestGateway.CERTS.toString()));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CredentialsTool.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
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
        Path work = Files.createTempDirectory(dir, "client");
        Path store = work.resolve("client.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        if (signedByClientCa) {
            Path csr = work.resolve("client.csr");
            Path signed = work.resolve("client.pem");
            keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass", "changeit",
                    "-file", csr.toString());
            List<String> args = new ArrayList<>(List.of("sign-csr", "--in", csr.toString(), "--out", signed.toString()));
            if (san != null) {
                args.addAll(List.of("--san", san));
            }
            tool(args.toArray(String[]::new));
            keytool("-importcert", "-noprompt", "-alias", "client-ca", "-file",
                    TestGateway.CERTS.resolve("client-ca.pem").toString(), "-keystore", store.toString(),
                    "-storepass", "changeit");
            keytool("-importcert", "-noprompt", "-alias", "client", "-file", signed.toString(),
                    "-keystore", store.toString(), "-storepass", "changeit");
        }
        return clientWithKeyStore(store);
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
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), trustManagers(), null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static javax.net.ssl.TrustManager[] trustManagers() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(TestGateway.CERTS.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    /** Completes a TLS handshake offering only these protocols (and cipher suites) and returns the protocol used. */
    private static String handshake(String[] protocols, String[] cipherSuites) throws Exception {
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, trustManagers(), null);
        URI uri = gateway.uri("/");
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setEnabledProtocols(protocols);
            if (cipherSuites != null) {
                socket.setEnabledCipherSuites(cipherSuites);
            }
            socket.setSoTimeout(10_000);
            socket.startHandshake();
            return socket.getSession().getProtocol();
        }
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

    /** A new server certificate from the CA of the folder (certs/generate.sh keeps an existing CA). */
    private static void renewServerCertificate(Path folder) throws Exception {
        Process process = new ProcessBuilder("bash", Path.of("certs/generate.sh").toString(), folder.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
        assertNotEquals(Files.readString(folder.resolve("ca.pem")), "");
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
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
    }
}

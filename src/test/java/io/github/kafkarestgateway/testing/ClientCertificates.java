package io.github.kafkarestgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

import io.github.kafkarestgateway.auth.CertificatesTool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTPS clients that present a client certificate, made with keytool and signed by the test client CA (sign-csr). */
public final class ClientCertificates {

    private ClientCertificates() {
    }

    /** An HTTPS client with a client certificate for {@code cn} (and SAN, or null), signed by the client CA or self-signed. */
    public static HttpClient client(Path dir, String cn, String san, boolean signedByClientCa) throws Exception {
        Path work = Files.createTempDirectory(dir, "client");
        Path store = work.resolve("client.p12");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + cn,
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        if (signedByClientCa) {
            Path csr = work.resolve("client.csr");
            Path signed = work.resolve("client.pem");
            keytool("-certreq", "-alias", "client", "-keystore", store.toString(), "-storepass", "changeit",
                    "-file", csr.toString());
            List<String> args = new ArrayList<>(List.of("sign-csr", "--in", csr.toString(), "--out", signed.toString(),
                    "--certs", TestGateway.CERTS.toString()));
            if (san != null) {
                args.addAll(List.of("--san", san));
            }
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int exit = CertificatesTool.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
            keytool("-importcert", "-noprompt", "-alias", "client-ca", "-file",
                    TestGateway.CERTS.resolve("client-ca.pem").toString(), "-keystore", store.toString(),
                    "-storepass", "changeit");
            keytool("-importcert", "-noprompt", "-alias", "client", "-file", signed.toString(),
                    "-keystore", store.toString(), "-storepass", "changeit");
        }
        return withKeyStore(store);
    }

    /** An HTTPS client presenting the key and certificate of this PKCS12 store (password changeit). */
    public static HttpClient withKeyStore(Path store) throws Exception {
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

    /** Trust in the test CA of the gateway's server certificate. */
    public static TrustManager[] trustManagers() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(TestGateway.CERTS.resolve("ca.pem"))) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }

    public static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), out);
    }
}

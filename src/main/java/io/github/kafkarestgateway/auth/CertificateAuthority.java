package io.github.kafkarestgateway.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What clients need of the gateway's certificates (in {@code certs/}, made by {@code certs/generate.sh}): the CA
 * certificate to trust, as PEM or as a PKCS12 trust store, and client certificates signed by the client CA from a
 * certificate request. Used by the certificates tool and by the console alike. Signing is done by the JDK's
 * {@code keytool}, which every JDK has, rather than by a crypto library the gateway would carry for this alone.
 */
public final class CertificateAuthority {

    private static final Pattern SUBJECT_CN = Pattern.compile("^Subject:[^\\n]*?\\bCN=([^,\\n]*)", Pattern.MULTILINE);

    private final Path certs;

    public CertificateAuthority(Path certs) {
        this.certs = certs;
    }

    /** The CA certificate(s) clients trust, PEM. */
    public Path caCertificate() {
        return certs.resolve("ca.pem");
    }

    /** A PKCS12 trust store of the CA certificate(s), protected by this password. */
    public byte[] trustStore(String password) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caCertificate())) {
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, password.toCharArray());
        return out.toByteArray();
    }

    /**
     * Signs a PKCS#10 request (PEM file) with the client CA into a PEM client certificate, valid {@code days}, with
     * an optional SAN ({@code dns:name}, {@code email:…}). IllegalArgumentException when there is no client CA or
     * the request is not one.
     */
    public void signCsr(Path csr, Path target, int days, String san) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "client-ca",
                "-keystore", clientCa().toString(), "-storepass:env", "GATEWAY_CA_PASSWORD", "-infile", csr.toString(),
                "-outfile", target.toString(), "-validity", String.valueOf(days),
                "-ext", "KeyUsage:critical=digitalSignature", "-ext", "ExtendedKeyUsage=clientAuth"));
        if (san != null) {
            command.addAll(List.of("-ext", "SAN=" + san));
        }
        if (keytool(command, true) == null) {
            throw new IllegalArgumentException("keytool could not sign " + csr + " (is it a PEM certificate request?)");
        }
    }

    /** Signs a request given as PEM text; the certificate as PEM text. */
    public String sign(String csrPem, int days, String san) throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("gateway-csr");
        try {
            Path csr = Files.writeString(folder.resolve("client.csr"), csrPem, StandardCharsets.US_ASCII);
            Path certificate = folder.resolve("client.pem");
            signCsr(csr, certificate, days, san);
            return Files.readString(certificate, StandardCharsets.US_ASCII);
        } finally {
            try (var files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(folder);
        }
    }

    /** The subject CN of a request given as PEM text; IllegalArgumentException when it is not a readable request. */
    public String requestCommonName(String csrPem) throws IOException, InterruptedException {
        Path csr = Files.createTempFile("gateway-csr", ".pem");
        try {
            Files.writeString(csr, csrPem, StandardCharsets.US_ASCII);
            String printed = keytool(List.of("-printcertreq", "-file", csr.toString()), false);
            Matcher cn = printed == null ? null : SUBJECT_CN.matcher(printed);
            if (cn == null || !cn.find()) {
                throw new IllegalArgumentException("Not a PEM certificate request with a subject CN");
            }
            return cn.group(1).trim();
        } finally {
            Files.deleteIfExists(csr);
        }
    }

    private Path clientCa() {
        Path caStore = certs.resolve("client-ca.p12");
        if (!Files.exists(caStore) || !Files.exists(certs.resolve("server.p12.password"))) {
            throw new IllegalArgumentException("No client CA in " + certs + ": run bin/gateway certificates generate");
        }
        return caStore;
    }

    /** Runs keytool, given the client CA's password when it signs; its output, or null when it failed. */
    private String keytool(List<String> arguments, boolean signs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(arguments);
        ProcessBuilder process = new ProcessBuilder(command).redirectErrorStream(true);
        if (signs) {
            process.environment().put("GATEWAY_CA_PASSWORD",
                    Files.readString(certs.resolve("server.p12.password"), StandardCharsets.UTF_8).trim());
        }
        Process running = process.start();
        running.getOutputStream().close();
        byte[] output = running.getInputStream().readNBytes(1 << 16);
        if (!running.waitFor(60, TimeUnit.SECONDS)) {
            running.destroyForcibly();
            return null;
        }
        return running.exitValue() == 0 ? new String(output, StandardCharsets.UTF_8) : null;
    }
}

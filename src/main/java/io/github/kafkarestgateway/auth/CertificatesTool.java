package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

import io.github.kafkarestgateway.cli.CommandLines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gateway certificates}: the gateway's TLS material in one folder ({@code certs/}). {@code generate} makes the
 * development CA, server certificate and client CA (by {@code certs/generate.sh}, which the build also runs before
 * the jar exists); {@code trust} hands out what clients trust, like {@code cloudctl es certificates}; {@code sign-csr}
 * signs a client certificate for mutual TLS with the client CA, like {@code cloudctl es sign-clientauth-csr}. Service
 * IDs and keys are {@link CredentialsTool}'s. Exit status 0 on success, 1 on failure, 2 for wrong arguments.
 */
@Command(name = "certificates",
        description = {"The gateway's TLS certificates: the development CA, server certificate and client CA"
                + " (generate), what clients trust (trust, after cloudctl es certificates), and client certificates"
                + " for mutual TLS signed by the client CA (sign-csr, after cloudctl es sign-clientauth-csr)."})
public final class CertificatesTool {

    /** The formats of what clients trust. */
    enum Format { pem, p12 }

    @Spec
    CommandSpec spec;

    @Option(names = "--certs", scope = ScopeType.INHERIT, defaultValue = "certs", paramLabel = "DIR",
            description = "The folder of the certificates (default: ${DEFAULT-VALUE}).")
    Path certs;

    /** Runs the tool with these arguments; its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new CertificatesTool(), args, out, err);
    }

    @Command(name = "generate", description = {"Makes the development CA, a server certificate signed by it (for"
            + " localhost, 127.0.0.1, ::1 and --hosts) and the client CA, with the JDK's keytool"
            + " (certs/generate.sh). Existing ones are kept: --renew makes the server certificate anew with the same"
            + " CA; delete the folder's files to start over. The build and bin/gateway run make them when missing."})
    int generate(@Option(names = "--hosts", split = ",", paramLabel = "HOST",
                         description = "More DNS names or IP addresses of the server certificate, comma-separated.")
                 List<String> hosts,
                 @Option(names = "--renew", description = "Make the server certificate anew (same CA).")
                 boolean renew) throws IOException, InterruptedException {
        if (renew) {
            Files.deleteIfExists(certs.resolve("server.p12"));
            Files.deleteIfExists(certs.resolve("server.pem"));
        }
        ProcessBuilder script = new ProcessBuilder("bash", script().toString(), certs.toString())
                .redirectErrorStream(true);
        script.environment().put("GATEWAY_CERT_HOSTS", hosts == null ? "" : String.join(",", hosts));
        Process running = script.start();
        running.getOutputStream().close();
        try (InputStream printed = running.getInputStream()) {
            out().print(new String(printed.readAllBytes(), StandardCharsets.UTF_8));
            out().flush();
        }
        if (running.waitFor() != 0) {
            throw new IllegalStateException("certs/generate.sh failed (exit status " + running.exitValue() + ")");
        }
        return 0;
    }

    @Command(name = "trust", description = "What clients trust: the CA certificate as PEM (curl --cacert), or a"
            + " PKCS12 trust store, whose new password is printed.")
    void trust(@Option(names = "--format", defaultValue = "pem", paramLabel = "pem|p12",
                       description = "pem or p12 (default: ${DEFAULT-VALUE}).") Format format,
               @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write it.")
               Path target) throws Exception {
        CertificateAuthority authority = new CertificateAuthority(certs);
        if (format == Format.pem) {
            Files.copy(authority.caCertificate(), target, StandardCopyOption.REPLACE_EXISTING);
            out().println("CA certificate to trust (PEM): " + target);
        } else {
            String password = ApiKeyStore.newKey();
            Files.write(target, authority.trustStore(password));
            out().println("Trust store (PKCS12): " + target);
            out().println("Trust store password: " + password);
        }
    }

    @Command(name = "sign-csr", description = "A client certificate from a certificate request (PEM), signed by the"
            + " client CA; its subject CN, or the SAN given, names the service ID.")
    void signCsr(@Option(names = "--in", required = true, paramLabel = "FILE",
                         description = "The certificate request, e.g. client.csr.") Path in,
                 @Option(names = "--out", required = true, paramLabel = "FILE",
                         description = "Where to write the certificate, PEM.") Path target,
                 @Option(names = "--days", defaultValue = "365", paramLabel = "N",
                         description = "How long it is valid (default: ${DEFAULT-VALUE}).") int days,
                 @Option(names = "--san", paramLabel = "dns:NAME",
                         description = "A subject alternative name, to name the service ID by"
                                 + " (gateway.tls.client-principal=san).") String san)
            throws IOException, InterruptedException {
        new CertificateAuthority(certs).signCsr(in, target, days, san);
        out().println("Signed " + in + " with the client CA: " + target);
    }

    /** {@code certs/generate.sh} of the installation this class runs from (its jar or classes are in {@code target/}). */
    private static Path script() {
        Path script;
        try {
            Path code = Path.of(CertificatesTool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            script = code.toAbsolutePath().getParent().getParent().resolve("certs").resolve("generate.sh");
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("Cannot tell where certs/generate.sh is: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException(script + " is missing: generate runs from the repository's build");
        }
        return script;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}

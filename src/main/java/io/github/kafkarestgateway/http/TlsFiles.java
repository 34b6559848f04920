package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.kafkarestgateway.settings.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The TLS material of the HTTPS server named by the {@code gateway.tls.*} settings. */
public final class TlsFiles {

    private static final Logger LOG = LoggerFactory.getLogger(TlsFiles.class);

    private TlsFiles() {
    }

    /**
     * A key store (its password given, or read from {@code <keystore>.password}) or a PEM certificate chain and key;
     * the client CA when its file exists (else client certificates are not used).
     */
    public static GatewayHttpServer.Tls from(Settings settings) throws IOException {
        String clientCa = settings.string(HttpSettings.TLS_CLIENT_CA);
        String clientAuth = settings.string(HttpSettings.TLS_CLIENT_AUTH);
        String certificate = settings.string(HttpSettings.TLS_CERTIFICATE);
        Path clientCaFile = clientCa.isEmpty() ? null : Path.of(clientCa);
        if (clientCaFile != null && !Files.exists(clientCaFile)) {
            LOG.info("No client CA at {}: client certificates are not used", clientCaFile.toAbsolutePath());
            clientCaFile = null;
        }
        if (!certificate.isEmpty()) {
            return new GatewayHttpServer.Tls(null, null, Path.of(certificate),
                    Path.of(settings.string(HttpSettings.TLS_PRIVATE_KEY)), clientCaFile, clientAuth);
        }
        Path store = Path.of(settings.string(HttpSettings.TLS_KEYSTORE));
        return new GatewayHttpServer.Tls(store, keyStorePassword(store,
                settings.string(HttpSettings.TLS_KEYSTORE_PASSWORD)), null, null, clientCaFile, clientAuth);
    }

    private static String keyStorePassword(Path store, String given) throws IOException {
        if (!given.isEmpty()) {
            return given;
        }
        Path passwordFile = Path.of(store + ".password");
        if (!Files.exists(store) || !Files.exists(passwordFile)) {
            throw new IllegalStateException("No TLS key store at " + store.toAbsolutePath()
                    + ": run bin/gateway certificates generate, or set gateway.tls.keystore and"
                    + " gateway.tls.keystore-password");
        }
        return Files.readString(passwordFile, StandardCharsets.UTF_8).trim();
    }
}

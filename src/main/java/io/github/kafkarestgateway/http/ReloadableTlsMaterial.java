package io.github.kafkarestgateway.http;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

import io.vertx.core.Vertx;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.TrustOptions;

/**
 * The server's key, certificate chain and client CA, replaceable while the server runs. Each handshake asks these
 * managers for its material, so a renewed certificate is used by the next connection without touching the server
 * (Vert.x 4.5's {@code updateSSLOptions} drops the connections accepted while it rebuilds the TLS context). A
 * handshake that began with one key keeps it: aliases carry the generation they come from.
 */
final class ReloadableTlsMaterial {

    private record Generation(int number, X509KeyManager keys) {
    }

    private final GatewayHttpServer.Tls tls;
    private final Vertx vertx;
    private volatile Generation current;
    private volatile Generation previous;
    private volatile X509TrustManager clientCa;

    /** Loads the files once; fails when they cannot be read or the key does not belong to the certificate. */
    ReloadableTlsMaterial(GatewayHttpServer.Tls tls, Vertx vertx) throws Exception {
        this.tls = tls;
        this.vertx = vertx;
        String mismatch = reload();
        if (mismatch != null) {
            throw new IllegalArgumentException("Cannot serve TLS from " + tls.files() + ": " + mismatch);
        }
    }

    /**
     * Loads the files again and uses them for the next handshakes, unless the key does not belong to the certificate
     * (a renewal that writes the two files one after the other): then the current material stays and the reason is
     * returned.
     */
    String reload() throws Exception {
        X509KeyManager keys = x509(keyCertOptions().getKeyManagerFactory(vertx).getKeyManagers());
        String mismatch = keyPairMismatch(keys);
        if (mismatch != null) {
            return mismatch;
        }
        if (tls.clientCa() != null) {
            TrustManager[] trust = new PemTrustOptions().addCertPath(tls.clientCa().toAbsolutePath().toString())
                    .getTrustManagerFactory(vertx).getTrustManagers();
            for (TrustManager candidate : trust) {
                if (candidate instanceof X509TrustManager x509) {
                    clientCa = x509;
                }
            }
        }
        Generation last = current;
        previous = last;
        current = new Generation(last == null ? 0 : last.number() + 1, keys);
        return null;
    }

    /** The server's key and certificate, as of the handshake. */
    KeyCertOptions serverKeyCertOptions() {
        return KeyCertOptions.wrap(new CurrentKeyManager());
    }

    /** The client CA that verifies client certificates, or null when none is configured. */
    TrustOptions trustOptions() {
        return tls.clientCa() == null ? null : TrustOptions.wrap(new CurrentTrustManager());
    }

    private KeyCertOptions keyCertOptions() {
        if (tls.certificate() != null) {
            return new PemKeyCertOptions().setCertPath(tls.certificate().toAbsolutePath().toString())
                    .setKeyPath(tls.privateKey().toAbsolutePath().toString());
        }
        String path = tls.keyStore().toAbsolutePath().toString();
        if (path.toLowerCase().endsWith(".jks")) {
            return new JksOptions().setPath(path).setPassword(tls.keyStorePassword());
        }
        return new PfxOptions().setPath(path).setPassword(tls.keyStorePassword());
    }

    private static X509KeyManager x509(KeyManager[] managers) {
        for (KeyManager candidate : managers) {
            if (candidate instanceof X509KeyManager x509) {
                return x509;
            }
        }
        throw new IllegalArgumentException("No X.509 key in " + managers.length + " key manager(s)");
    }

    /**
     * Why the private keys do not belong to their certificates (null when every one does): proven by a signature made
     * with the key and verified with the certificate's public key.
     */
    static String keyPairMismatch(X509KeyManager keys) throws GeneralSecurityException {
        byte[] probe = "kafka-rest-gateway key pair check".getBytes(StandardCharsets.US_ASCII);
        int pairs = 0;
        for (String type : new String[] {"EC", "RSA", "EdDSA"}) {
            String[] aliases = keys.getServerAliases(type, null);
            for (String alias : aliases == null ? new String[0] : aliases) {
                PrivateKey key = keys.getPrivateKey(alias);
                X509Certificate[] chain = keys.getCertificateChain(alias);
                if (key == null || chain == null || chain.length == 0) {
                    return "no certificate for the private key '" + alias + "'";
                }
                String algorithm = switch (key.getAlgorithm()) {
                    case "EC" -> "SHA256withECDSA";
                    case "RSA" -> "SHA256withRSA";
                    default -> key.getAlgorithm();
                };
                Signature signer = Signature.getInstance(algorithm);
                signer.initSign(key);
                signer.update(probe);
                byte[] signature = signer.sign();
                Signature verifier = Signature.getInstance(algorithm);
                boolean verified;
                try {
                    verifier.initVerify(chain[0].getPublicKey());
                    verifier.update(probe);
                    verified = verifier.verify(signature);
                } catch (InvalidKeyException e) {
                    verified = false;
                }
                if (!verified) {
                    return "the private key does not match the certificate " + chain[0].getSubjectX500Principal();
                }
                pairs++;
            }
        }
        return pairs == 0 ? "no private key with a certificate" : null;
    }

    /** Serves the current generation's key; an alias names its generation so that one handshake never mixes two. */
    private final class CurrentKeyManager extends X509ExtendedKeyManager {

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            Generation generation = current;
            String alias = generation.keys() instanceof X509ExtendedKeyManager extended
                    ? extended.chooseEngineServerAlias(keyType, issuers, engine)
                    : generation.keys().chooseServerAlias(keyType, issuers, null);
            return alias == null ? null : generation.number() + ":" + alias;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            Generation generation = current;
            String alias = generation.keys().chooseServerAlias(keyType, issuers, socket);
            return alias == null ? null : generation.number() + ":" + alias;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            Generation generation = current;
            String[] aliases = generation.keys().getServerAliases(keyType, issuers);
            if (aliases == null) {
                return null;
            }
            String[] named = new String[aliases.length];
            for (int i = 0; i < aliases.length; i++) {
                named[i] = generation.number() + ":" + aliases[i];
            }
            return named;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            Generation generation = generation(alias);
            return generation == null ? null : generation.keys().getCertificateChain(unnamed(alias));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            Generation generation = generation(alias);
            return generation == null ? null : generation.keys().getPrivateKey(unnamed(alias));
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        private Generation generation(String alias) {
            int colon = alias == null ? -1 : alias.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String number = alias.substring(0, colon);
            for (Generation candidate : new Generation[] {current, previous}) {
                if (candidate != null && number.equals(Integer.toString(candidate.number()))) {
                    return candidate;
                }
            }
            return null;
        }

        private static String unnamed(String alias) {
            return alias.substring(alias.indexOf(':') + 1);
        }
    }

    /** Verifies client certificates with the current client CA. */
    private final class CurrentTrustManager extends X509ExtendedTrustManager {

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType);
        }

        private void check(X509Certificate[] chain, String authType) throws CertificateException {
            clientCa.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("A server does not verify servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("A server does not verify servers");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("A server does not verify servers");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return clientCa.getAcceptedIssuers();
        }
    }
}

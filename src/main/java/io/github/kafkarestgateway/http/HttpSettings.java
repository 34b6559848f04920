package io.github.kafkarestgateway.http;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the HTTPS endpoint: {@code gateway.http.*}, {@code gateway.management.*}, {@code gateway.tls.*}, the access log. */
public final class HttpSettings {

    public static final Setting HOST = Setting.of("gateway.http.host", "0.0.0.0",
            "Address the gateway listens on.");
    public static final Setting PORT = Setting.of("gateway.http.port", "9443",
            "HTTPS port (Event Streams uses 9443).");
    public static final Setting EVENT_LOOPS = Setting.of("gateway.http.event-loops", "0",
            "Event loops (threads) serving HTTPS connections; 0: one per two CPUs.");
    public static final Setting PUBLIC_HOST = Setting.of("gateway.http.public-host", "localhost",
            "Host name of the gateway's URL: printed at startup, in the console, and the server of the served API"
                    + " documents.");
    public static final Setting MAX_CONNECTIONS = Setting.of("gateway.http.max-connections", "4096",
            "Open client connections at most; over it new ones are reset at once.");
    public static final Setting RESERVED_FILE_DESCRIPTORS = Setting.of("gateway.http.reserved-file-descriptors", "512",
            "File descriptors connections never take (journal, Kafka clients, embedded broker); lowers"
                    + " gateway.http.max-connections under a small ulimit -n.");
    public static final Setting HEADER_TIMEOUT_MS = Setting.of("gateway.http.header-timeout-ms", "10000",
            "The TLS handshake, and the request line and headers from their first byte, within this many ms"
                    + " (else 408, closed).");
    public static final Setting BODY_TIMEOUT_MS = Setting.of("gateway.http.body-timeout-ms", "10000",
            "The body within this many ms after the headers (else 408, closed), plus one second per"
                    + " gateway.http.body-min-bytes-per-second received.");
    public static final Setting BODY_MIN_BYTES_PER_SECOND = Setting.of("gateway.http.body-min-bytes-per-second", "8192",
            "Each this many bytes of body received add one second to gateway.http.body-timeout-ms.");
    public static final Setting IDLE_TIMEOUT_MS = Setting.of("gateway.http.idle-timeout-ms", "300000",
            "A keep-alive connection without a request is closed after this many ms.");
    public static final Setting MANAGEMENT_PORT = Setting.of("gateway.management.port", "",
            "Port of /alive, /ready and /metrics instead of the API port; empty: the API port.");
    public static final Setting TLS_ENABLED = Setting.of("gateway.tls.enabled", "true",
            "TLS on the endpoint; turn off only behind a TLS-terminating proxy.");
    public static final Setting TLS_KEYSTORE = Setting.of("gateway.tls.keystore", "certs/server.p12",
            "Server key store, PKCS12 (.p12/.pfx) or JKS (.jks).");
    public static final Setting TLS_KEYSTORE_PASSWORD = Setting.secret("gateway.tls.keystore-password", "",
            "The key store's password; empty reads <keystore>.password.");
    public static final Setting TLS_CERTIFICATE = Setting.of("gateway.tls.certificate", "",
            "Instead of a key store: the server certificate chain as PEM.");
    public static final Setting TLS_PRIVATE_KEY = Setting.of("gateway.tls.private-key", "",
            "With gateway.tls.certificate: the server's private key as PEM (the file is a secret, its path is not).");
    public static final Setting TLS_CA_CERTIFICATE = Setting.of("gateway.tls.ca-certificate", "certs/ca.pem",
            "CA certificate clients trust, printed at startup and exported by the tool.");
    public static final Setting TLS_CLIENT_CA = Setting.of("gateway.tls.client-ca", "certs/client-ca.pem",
            "PEM CA of client certificates; no such file: client certificates unused.");
    public static final Setting TLS_CLIENT_AUTH = Setting.of("gateway.tls.client-auth", "request",
            "request (optional) or required client certificates.");
    public static final Setting TLS_CLIENT_PRINCIPAL = Setting.of("gateway.tls.client-principal", "cn",
            "What names the service ID in a client certificate: cn or san.");
    public static final Setting ACCESS_LOG_ENABLED = Setting.of("gateway.access-log.enabled", "true",
            "One JSON access-log line per request.");
    public static final Setting CORS_ALLOWED_ORIGINS = Setting.of("gateway.http.cors.allowed-origins", "",
            "Origins of browser pages that may call the API (CORS), scheme://host[:port] separated by commas, or *"
                    + " alone; empty: no CORS headers at all.");
    public static final Setting TRUSTED_PROXIES = Setting.of("gateway.http.trusted-proxies", "",
            "Addresses or CIDR ranges (IPv4, IPv6) of proxies whose Forwarded or X-Forwarded-For names the client;"
                    + " empty: those headers are ignored.");
    public static final Setting PROXY_PROTOCOL = Setting.of("gateway.http.proxy-protocol", "false",
            "true: every connection to the API port starts with a PROXY protocol v1 or v2 header (a TCP load"
                    + " balancer's), whose source address is the peer's.");

    public static final List<Setting> ALL = List.of(HOST, PORT, EVENT_LOOPS, PUBLIC_HOST, MAX_CONNECTIONS,
            RESERVED_FILE_DESCRIPTORS, HEADER_TIMEOUT_MS, BODY_TIMEOUT_MS, BODY_MIN_BYTES_PER_SECOND, IDLE_TIMEOUT_MS,
            MANAGEMENT_PORT, TLS_ENABLED, TLS_KEYSTORE, TLS_KEYSTORE_PASSWORD, TLS_CERTIFICATE, TLS_PRIVATE_KEY,
            TLS_CA_CERTIFICATE, TLS_CLIENT_CA, TLS_CLIENT_AUTH, TLS_CLIENT_PRINCIPAL, ACCESS_LOG_ENABLED,
            CORS_ALLOWED_ORIGINS, TRUSTED_PROXIES, PROXY_PROTOCOL);

    private HttpSettings() {
    }
}

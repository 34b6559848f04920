package io.github.kafkarestgateway.http;

import io.vertx.core.MultiMap;

/**
 * The operator console's paths ({@code /console} and below) and the headers every answer on them carries, whatever
 * route or error handler answers: a content security policy that runs only the console's own script and style files
 * (no inline script, no other origin, no framing), {@code X-Frame-Options: DENY}, no MIME sniffing, no referrer, and
 * {@code Cache-Control: no-store} (pages show keys once; nothing of the console should stay in a cache). With TLS,
 * browsers are also told to keep to HTTPS.
 */
public final class ConsolePaths {

    /** The router's route of the console's paths (a prefix: {@link #matches} tells the console's own). */
    static final String ROUTE = "/console*";
    private static final String ROOT = "/console";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private ConsolePaths() {
    }

    /** {@code /console} and below (a string test, no regular expression: it runs for every request). */
    public static boolean matches(String path) {
        return path.startsWith(ROOT) && (path.length() == ROOT.length() || path.charAt(ROOT.length()) == '/');
    }

    static void secure(MultiMap headers, boolean tls) {
        headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        headers.set("X-Frame-Options", "DENY");
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("Cross-Origin-Opener-Policy", "same-origin");
        headers.set("Cache-Control", "no-store");
        if (tls) {
            headers.set("Strict-Transport-Security", "max-age=31536000");
        }
    }
}

package io.github.kafkarestgateway.http;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import io.vertx.core.VertxException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;

/**
 * Cross-origin requests from browsers ({@code gateway.http.cors.allowed-origins}): the API answers pages of the
 * allowed origins, by Vert.x Web's {@link CorsHandler}. A preflight ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) from an allowed origin is answered {@code 204} with the API's methods, the
 * request headers the gateway reads that the page asked for, and a max age of {@link #MAX_AGE_SECONDS}; every other
 * answer to an allowed origin, errors included, carries {@code Access-Control-Allow-Origin} and
 * {@code Access-Control-Expose-Headers} ({@link #EXPOSED_HEADERS}), so that the page can read the status, the error
 * body, the request id and {@code Retry-After}. A request whose {@code Origin} is not allowed (preflight or not) is
 * refused before any route runs: {@code 403}, in JSON, without any {@code Access-Control-*} header.
 * <p>
 * Never {@code Access-Control-Allow-Credentials}: the browser then sends no cookie, no cached HTTP Basic login and
 * no client certificate along with a cross-origin request, so a page can use only a key that it holds and sends
 * itself ({@code Authorization} or {@code X-Auth-Token}). That also makes the origin {@code *} (all origins, alone in
 * the list) safe to offer: the answer then says {@code Access-Control-Allow-Origin: *}.
 * <p>
 * The headers a page may send: {@link #REQUEST_HEADERS} and those of the record mapping (the key header, the header
 * map's and any name with the header prefix, {@code gateway.mapping.*}). A fixed {@code Access-Control-Allow-Headers}
 * cannot name "every header with this prefix", so the preflight's {@code Access-Control-Request-Headers} is narrowed
 * to the allowed ones before {@code CorsHandler} echoes it (with {@code Vary: Access-Control-Request-Headers}).
 * <p>
 * Not installed at all when the setting is empty (no handler, no header), and never for the operator console, which
 * is same-origin only ({@link ConsolePaths}).
 */
public final class CrossOrigin {

    /** The methods of the API's paths. */
    static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.POST);
    /** The request headers the gateway reads besides the record mapping's. */
    static final List<String> REQUEST_HEADERS = List.of("Authorization", "X-Auth-Token", "Content-Type", "Accept",
            "Idempotency-Key", "X-Request-ID");
    /** The response headers a page may read besides the CORS-safelisted ones (Content-Type, Content-Length, …). */
    static final List<String> EXPOSED_HEADERS = List.of("X-Request-ID", "Retry-After", "Idempotent-Replayed",
            "WWW-Authenticate");
    /** How long a browser may keep a preflight's answer. */
    static final int MAX_AGE_SECONDS = 600;

    private final CorsHandler cors;
    private final Set<String> allowedHeaders = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    private final String allowedPrefix;

    private CrossOrigin(CorsHandler cors, Collection<String> mappedHeaders, String mappedPrefix) {
        this.cors = cors;
        allowedHeaders.addAll(REQUEST_HEADERS);
        allowedHeaders.addAll(mappedHeaders);
        this.allowedPrefix = mappedPrefix == null ? "" : mappedPrefix.toLowerCase(Locale.ROOT);
    }

    /**
     * The policy for the allowed origins (comma-separated {@code scheme://host[:port]}, or {@code *} alone), or null
     * when there are none: then nothing about CORS is done.
     *
     * @param mappedHeaders the request headers the record mapping reads by name
     * @param mappedPrefix  the prefix of the request headers it copies into records, or empty
     * @throws IllegalArgumentException naming the setting, for an origin that is not one, or {@code *} with others
     */
    public static CrossOrigin of(String allowedOrigins, Collection<String> mappedHeaders, String mappedPrefix) {
        List<String> origins = new ArrayList<>();
        for (String origin : allowedOrigins == null ? new String[0] : allowedOrigins.split(",")) {
            if (!origin.isBlank()) {
                origins.add(origin.trim());
            }
        }
        if (origins.isEmpty()) {
            return null;
        }
        if (origins.contains("*") && origins.size() > 1) {
            throw new IllegalArgumentException(HttpSettings.CORS_ALLOWED_ORIGINS.key() + " = " + allowedOrigins
                    + ": * (every origin) stands alone");
        }
        if (origins.contains("null")) {
            // sandboxed frames and local files all send "null": allowing it would allow any of them
            throw new IllegalArgumentException(HttpSettings.CORS_ALLOWED_ORIGINS.key() + ": the origin 'null' cannot"
                    + " be allowed (it is what every sandboxed frame and local file sends)");
        }
        CorsHandler cors = CorsHandler.create();
        try {
            cors.addOrigins(origins);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(HttpSettings.CORS_ALLOWED_ORIGINS.key() + " = " + allowedOrigins
                    + ": " + e.getMessage() + " (origins are scheme://host[:port] separated by commas, or * alone)", e);
        }
        // in this order in the answers (a Set.of would change it from run to run)
        cors.allowedMethods(new LinkedHashSet<>(METHODS)).exposedHeaders(new LinkedHashSet<>(EXPOSED_HEADERS))
                .maxAgeSeconds(MAX_AGE_SECONDS).allowCredentials(false);
        return new CrossOrigin(cors, mappedHeaders, mappedPrefix);
    }

    /** The route handler, for every path but the console's. */
    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() == HttpMethod.OPTIONS) {
            String asked = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked != null) {
                String allowed = allowed(asked);
                if (allowed.isEmpty()) {
                    request.headers().remove(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
                } else {
                    request.headers().set(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, allowed);
                }
            }
        }
        try {
            cors.handle(ctx);
        } catch (RuntimeException malformedOrigin) {
            // CorsHandler's own check of an Origin such as "http://" (what follows it catches its own failures)
            if (!ctx.response().ended() && !ctx.failed()) {
                ctx.fail(403, new VertxException("CORS Rejected - Invalid origin", true));
            }
        }
    }

    /** Of the header names a preflight asks for, those the gateway reads, in the order asked. */
    String allowed(String asked) {
        StringBuilder allowed = new StringBuilder();
        for (String name : asked.split(",")) {
            String header = name.trim();
            boolean mapped = !allowedPrefix.isEmpty() && header.length() > allowedPrefix.length()
                    && header.toLowerCase(Locale.ROOT).startsWith(allowedPrefix);
            if (!header.isEmpty() && (allowedHeaders.contains(header) || mapped)) {
                if (!allowed.isEmpty()) {
                    allowed.append(", ");
                }
                allowed.append(header);
            }
        }
        return allowed.toString();
    }
}

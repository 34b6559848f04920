package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.kafkarestgateway.error.ErrorBody;
import io.github.kafkarestgateway.names.GatewayNames;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.impl.HAProxyMessageCompletionHandler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server that platform-http routes run on. It is Camel's Vert.x platform-http server with the HTTP options
 * that a gateway needs and Camel does not expose: a request line long enough for the 10 KB URIs of the API; TLS 1.2
 * and 1.3 only, from a PKCS12/JKS key store or PEM files, reloaded when they change; optional client certificates
 * verified against a client CA; optionally CORS for browser pages of other origins ({@link CrossOrigin}) and the
 * PROXY protocol of TCP load balancers on the API port; and JSON answers in the Event Streams error shape for what
 * never reaches a route (unknown path 404, wrong method 405, body over the limit 400, malformed or oversized request
 * line and headers).
 */
public class GatewayHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpServer.class);

    /** What a management port serves instead of the API port. */
    static final Set<String> MANAGEMENT_PATHS = Set.of("/alive", "/ready", "/metrics");
    // the operator console (/console…) is served on both ports

    /** Only these: TLS 1.2 and 1.3 with forward secrecy and authenticated encryption. */
    static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    static final List<String> CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /**
     * Where the server's key and certificate come from: a key store (PKCS12 or JKS) with its password, or a PEM
     * certificate chain and PEM private key; optionally the PEM CA that signs client certificates, and whether a
     * client certificate is requested ({@code request}) or required ({@code required}).
     */
    public record Tls(Path keyStore, String keyStorePassword, Path certificate, Path privateKey, Path clientCa,
                      String clientAuth) {

        List<Path> files() {
            List<Path> files = new ArrayList<>();
            for (Path file : new Path[] {keyStore, certificate, privateKey, clientCa}) {
                if (file != null) {
                    files.add(file);
                }
            }
            return files;
        }
    }

    private final VertxPlatformHttpServerConfiguration configuration;
    private final int maxUriBytes;
    private final Tls tls;
    private final RequestObserver observer;
    private volatile HttpServer httpServer;
    private volatile HttpServer managementServer;
    private final Integer managementPort;
    private final long maxV1Bytes;
    private volatile Map<Path, FileTime> tlsFilesLoaded = Map.of();
    private volatile ReloadableTlsMaterial tlsMaterial;
    private final int eventLoops;
    private final ConnectionGuard guard;
    private final CrossOrigin crossOrigin;
    private final boolean proxyProtocol;
    private volatile String moreServers;
    private Vertx vertx;

    /**
     * @param tls            the TLS settings, or null for plain HTTP (behind a TLS-terminating proxy only)
     * @param managementPort the port of probes and metrics ({@link #MANAGEMENT_PATHS}), 0 for a free one, or null to
     *                       serve them on the API port
     * @param eventLoops     how many event loops serve the API port
     * @param guard          bounds on connections and on how long a request may take to arrive
     * @param crossOrigin    the CORS policy for browser pages of other origins, or null for none
     * @param proxyProtocol  whether connections to the API port start with a PROXY protocol header
     */
    public GatewayHttpServer(VertxPlatformHttpServerConfiguration configuration, int maxUriBytes, long maxV1Bytes,
                             Tls tls, RequestObserver observer, Integer managementPort, int eventLoops,
                             ConnectionGuard guard, CrossOrigin crossOrigin, boolean proxyProtocol) {
        super(configuration);
        this.crossOrigin = crossOrigin;
        this.proxyProtocol = proxyProtocol;
        this.guard = guard;
        this.eventLoops = eventLoops;
        this.maxV1Bytes = maxV1Bytes;
        this.managementPort = managementPort;
        this.configuration = configuration;
        this.maxUriBytes = maxUriBytes;
        this.tls = tls;
        this.observer = observer;
    }

    @Override
    protected void startServer() throws Exception {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort()));
        router.route().order(Integer.MIN_VALUE).handler(observer::handle).failureHandler(ctx -> {
            if (ctx.failure() instanceof HttpClosedException) {
                // the client went, or the gateway closed it (a timeout): nobody to answer, nothing to log per connection
                return;
            }
            ctx.next();
        });
        if (crossOrigin != null) {
            // right after the observer, so that every answer after it, errors included, carries the CORS headers
            // not on the console's paths: same-origin only
            router.route().order(Integer.MIN_VALUE + 1).handler(ctx -> {
                if (ConsolePaths.matches(ctx.request().path())) {
                    ctx.next();
                } else {
                    crossOrigin.handle(ctx);
                }
            });
        }
        // a v1 body announced over its limit is refused before it is read (v2 batches may be larger)
        router.route("/topics/*").order(Integer.MIN_VALUE + 3).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                    && Long.parseLong(length) > maxV1Bytes) {
                ctx.response().putHeader("Connection", "close");
                error(ctx, 400, "The message is larger than the limit of " + maxV1Bytes + " bytes");
            } else {
                ctx.next();
            }
        });
        // the operator console's pages and answers: a strict content security policy and no caching (ConsolePaths)
        router.route(ConsolePaths.ROUTE).order(Integer.MIN_VALUE + 4).handler(ctx -> {
            if (ConsolePaths.matches(ctx.request().path())) {
                ConsolePaths.secure(ctx.response().headers(), tls != null);
            }
            ctx.next();
        });
        router.errorHandler(404, ctx -> {
            // while stopping, the routes are gone before the server: say so rather than "not found"
            if (getCamelContext().isStopping()) {
                ctx.response().putHeader("Retry-After", "5");
                error(ctx, 503, "The gateway is shutting down");
            } else {
                error(ctx, 404, "Not found: the path is not part of the API");
            }
        });
        router.errorHandler(405, ctx -> error(ctx, 405, "Method not allowed"));
        // CorsHandler's refusal of an origin not allowed (nothing else fails with 403 before a route)
        router.errorHandler(403, ctx -> error(ctx, 403, "Cross-origin request refused: the origin is not allowed"
                + " (gateway.http.cors.allowed-origins)"));
        router.errorHandler(413, ctx -> {
            // close rather than drain the rest of an oversized body
            ctx.response().putHeader("Connection", "close");
            error(ctx, 400, "The message is larger than the limit of " + configuration.getMaxBodySize() + " bytes");
        });
        router.errorHandler(400, ctx -> error(ctx, 400, "Bad request"));
        router.errorHandler(500, ctx -> error(ctx, 500, "Internal server error"));

        HttpServerOptions options = new HttpServerOptions()
                // "POST " + URI + " HTTP/1.1": URIs up to the API's limit reach the route, which answers longer ones
                .setMaxInitialLineLength(maxUriBytes + 64)
                .setCompressionSupported(false)
                .setTcpNoDelay(true);
        if (tls != null) {
            if (OpenSSLEngineOptions.isAvailable()) {
                options.setSslEngineOptions(new OpenSSLEngineOptions());
            }
            tlsFilesLoaded = modificationTimes();
            tlsMaterial = new ReloadableTlsMaterial(tls, getVertx());
            options.setSsl(true).setKeyCertOptions(tlsMaterial.serverKeyCertOptions())
                    .setEnabledSecureTransportProtocols(PROTOCOLS);
            CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
            if (tls.clientCa() != null) {
                options.setTrustOptions(tlsMaterial.trustOptions())
                        .setClientAuth("required".equalsIgnoreCase(tls.clientAuth()) ? ClientAuth.REQUIRED
                                : ClientAuth.REQUEST);
            }
        }
        if (managementPort != null) {
            // probes and metrics on the management port only; the API port answers them 404
            router.route().order(Integer.MIN_VALUE + 2).handler(ctx -> {
                boolean management = MANAGEMENT_PATHS.contains(ctx.request().path());
                boolean onManagementPort = managementServer != null
                        && ctx.request().localAddress().port() == managementServer.actualPort();
                // the console is on both
                if (management != onManagementPort && !ConsolePaths.matches(ctx.request().path())) {
                    error(ctx, 404, "Not found: the path is not part of the API");
                } else {
                    ctx.next();
                }
            });
            // probes come straight from the platform, never through the TCP load balancer of the API port
            HttpServerOptions management = new HttpServerOptions(options).setUseProxyProtocol(false);
            managementServer = newServer(getVertx(), management, router, true).listen(managementPort, configuration.getBindHost())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            LOG.info("Probes and metrics on port {}", managementServer.actualPort());
        }
        // the source address of a TCP load balancer's PROXY header (v1 or v2, netty-codec-haproxy) is the peer's
        options.setUseProxyProtocol(proxyProtocol);
        if (proxyProtocol && !HAProxyMessageCompletionHandler.canUseProxyProtocol(true)) {
            // Vert.x would warn and serve without it: every connection's first line would then be a bad request
            throw new IllegalStateException(HttpSettings.PROXY_PROTOCOL.key() + "=true needs io.netty:netty-codec-haproxy"
                    + " on the class path (the Maven build has it; under Camel JBang add it with --dep)");
        }
        httpServer = newServer(getVertx(), options, router, false).listen(configuration.getBindPort(), configuration.getBindHost())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        // more servers on the same port, each on an event loop of its own: Vert.x hands them connections in turn
        int port = httpServer.actualPort();
        if (eventLoops > 1) {
            moreServers = getVertx().deployVerticle(() -> new AbstractVerticle() {
                @Override
                public void start(Promise<Void> started) {
                    newServer(vertx, options, router, false).listen(port, configuration.getBindHost()).<Void>mapEmpty().onComplete(started);
                }
            }, new DeploymentOptions().setInstances(eventLoops - 1))
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        // the banner shows the endpoint: at DEBUG, not before the banner
        LOG.debug("Gateway listening on {}://{}:{} on {} event loop(s){}", tls != null ? "https" : "http",
                configuration.getBindHost(), port, Math.max(1, eventLoops),
                tls != null && OpenSSLEngineOptions.isAvailable() ? " (TLS by OpenSSL)" : "");
    }

    /** One HTTP server of the gateway: under the connection guard, answering what never reaches a route in JSON. */
    private HttpServer newServer(Vertx on, HttpServerOptions options, VertxPlatformHttpRouter router,
                                 boolean managementPort) {
        HttpServer server = new GuardedHttpServer(on, options, guard, managementPort);
        server.invalidRequestHandler(this::invalidRequest);
        server.requestHandler(router);
        return server;
    }

    /** The management port's actual number, or -1 when probes and metrics are on the API port. */
    public int getManagementPort() {
        HttpServer management = managementServer;
        return management == null ? -1 : management.actualPort();
    }

    @Override
    protected void stopServer() {
        HttpServer management = managementServer;
        if (management != null) {
            management.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
            managementServer = null;
        }
        String more = moreServers;
        if (more != null) {
            try {
                getVertx().undeploy(more).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Failed to close the HTTP servers of the other event loops: {}", e.toString());
            }
            moreServers = null;
        }
        HttpServer server = httpServer;
        if (server != null) {
            getCamelContext().removeComponent(PlatformHttpConstants.PLATFORM_HTTP_COMPONENT_NAME);
            try {
                server.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("Failed to close the HTTP server: {}", e.toString());
            }
            httpServer = null;
        }
        guard.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Failed to close Vert.x: {}", e.toString());
        }
    }

    /** A Vert.x instance of this server's own, closed in {@link #stopServer()}. */
    @Override
    protected Vertx lookupVertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx;
    }

    @Override
    public HttpServer getServer() {
        return httpServer;
    }

    @Override
    public int getPort() {
        HttpServer server = httpServer;
        return server != null ? server.actualPort() : configuration.getBindPort();
    }

    /**
     * Loads the server certificate and client CA again when one of the TLS files changed (a renewed certificate),
     * without a restart: new connections get the new certificate, open ones keep theirs. A key that does not belong
     * to the certificate (files of a renewal written one after the other) is not used; the next check tries again.
     */
    public void reloadCertificatesIfChanged() {
        ReloadableTlsMaterial material = tlsMaterial;
        if (httpServer == null || material == null) {
            return;
        }
        Map<Path, FileTime> current = modificationTimes();
        if (current.equals(tlsFilesLoaded)) {
            return;
        }
        try {
            String mismatch = material.reload();
            if (mismatch != null) {
                LOG.warn("Keeping the current TLS certificates until the changed files match: {}", mismatch);
                return;
            }
            tlsFilesLoaded = current;
            LOG.info("Reloaded the TLS certificates from {}", current.keySet());
        } catch (Exception e) {
            LOG.error("Keeping the current TLS certificates: cannot load the changed files: {}", e.toString());
        }
    }

    private Map<Path, FileTime> modificationTimes() {
        Map<Path, FileTime> times = new HashMap<>();
        for (Path file : tls.files()) {
            try {
                times.put(file, Files.getLastModifiedTime(file));
            } catch (IOException e) {
                times.put(file, FileTime.fromMillis(0));
            }
        }
        return times;
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (!ctx.response().ended()) {
            ctx.put(RequestObserver.FACTS, RequestFacts.error(message));
            boolean v2 = ctx.request().path().startsWith("/v2/");
            ctx.response().setStatusCode(status).putHeader("Content-Type", ErrorBody.CONTENT_TYPE)
                    .end(v2 ? ErrorBody.v2Json(status, null, message, null, ctx.get(GatewayNames.REQUEST_ID))
                            : ErrorBody.json(status, message));
        }
    }

    /** Requests that fail HTTP decoding never reach the router; answer them in the API's JSON shape and close. */
    private void invalidRequest(HttpServerRequest request) {
        Throwable cause = ((HttpServerRequestInternal) request).decoderResult().cause();
        if (cause instanceof PrematureChannelClosureException) {
            // the connection closed within a request's head (the client left, or a header timeout): nobody to answer
            return;
        }
        guard.malformed();
        int status;
        String message;
        if (cause instanceof StrictRequestDecoder.AmbiguousFraming framing) {
            // a smuggling attempt, or a broken client: nothing after it on this connection is read
            status = framing.status();
            message = framing.getMessage();
        } else if (cause instanceof TooLongHttpLineException) {
            status = 400;
            message = "The request URI is too long";
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            status = 431;
            message = "Request header fields too large";
        } else {
            status = 400;
            message = "Malformed HTTP request";
        }
        // a new request id, as on every answer (the request's own was not read)
        request.response().setStatusCode(status).putHeader("Content-Type", ErrorBody.CONTENT_TYPE)
                .putHeader(RequestObserver.REQUEST_ID_HEADER, RequestObserver.RequestIds.next())
                .putHeader("Connection", "close").end(ErrorBody.json(status, message));
    }
}

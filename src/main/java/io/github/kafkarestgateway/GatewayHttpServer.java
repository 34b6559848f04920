package io.github.kafkarestgateway;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.HttpServerRequestInternal;
import io.vertx.core.net.JksOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS server that platform-http routes run on. It is Camel's Vert.x platform-http server with the HTTP options
 * that a gateway needs and Camel does not expose: a request line long enough for the 10 KB URIs of the API, TLS from a
 * PKCS12 or JKS key store, and JSON answers in the Event Streams error shape for what never reaches a route (unknown
 * path 404, wrong method 405, body over the limit 400, malformed or oversized request line and headers).
 */
public class GatewayHttpServer extends VertxPlatformHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHttpServer.class);

    private final VertxPlatformHttpServerConfiguration configuration;
    private final int maxUriBytes;
    private final Path keyStore;
    private final String keyStorePassword;
    private volatile HttpServer httpServer;
    private Vertx vertx;

    public GatewayHttpServer(VertxPlatformHttpServerConfiguration configuration, int maxUriBytes, Path keyStore,
                             String keyStorePassword) {
        super(configuration);
        this.configuration = configuration;
        this.maxUriBytes = maxUriBytes;
        this.keyStore = keyStore;
        this.keyStorePassword = keyStorePassword;
    }

    @Override
    protected void startServer() throws Exception {
        VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(getCamelContext(),
                VertxPlatformHttpRouter.getRouterNameFromPort(configuration.getBindPort()));
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
        if (keyStore != null) {
            options.setSsl(true).setKeyCertOptions(keyCertOptions());
        }
        HttpServer server = getVertx().createHttpServer(options);
        server.invalidRequestHandler(GatewayHttpServer::invalidRequest);
        server.requestHandler(router);
        httpServer = server.listen(configuration.getBindPort(), configuration.getBindHost())
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        LOG.info("Gateway listening on {}://{}:{}", keyStore != null ? "https" : "http", configuration.getBindHost(),
                httpServer.actualPort());
    }

    @Override
    protected void stopServer() {
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

    private KeyCertOptions keyCertOptions() {
        String path = keyStore.toAbsolutePath().toString();
        String lower = path.toLowerCase();
        if (lower.endsWith(".jks")) {
            return new JksOptions().setPath(path).setPassword(keyStorePassword);
        }
        return new PfxOptions().setPath(path).setPassword(keyStorePassword);
    }

    private static void error(RoutingContext ctx, int status, String message) {
        if (!ctx.response().ended()) {
            ctx.response().setStatusCode(status).putHeader("Content-Type", ErrorBody.CONTENT_TYPE)
                    .end(ErrorBody.json(status, message));
        }
    }

    /** Requests that fail HTTP decoding never reach the router; answer them in the API's JSON shape and close. */
    private static void invalidRequest(HttpServerRequest request) {
        Throwable cause = ((HttpServerRequestInternal) request).decoderResult().cause();
        int status;
        String message;
        if (cause instanceof TooLongHttpLineException) {
            status = 400;
            message = "The request URI is too long";
        } else if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
            status = 431;
            message = "Request header fields too large";
        } else {
            status = 400;
            message = "Malformed HTTP request";
        }
        request.response().setStatusCode(status).putHeader("Content-Type", ErrorBody.CONTENT_TYPE)
                .putHeader("Connection", "close").end(ErrorBody.json(status, message));
    }
}

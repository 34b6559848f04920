package io.github.kafkarestgateway.http;

import java.util.function.BiConsumer;

import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.SslChannelProvider;

/**
 * A Vert.x HTTP server whose connections are under a {@link ConnectionGuard}: counted (and refused over the bound) the
 * moment they are accepted, before the TLS handshake, and watched by the guard once they speak HTTP. Vert.x has no
 * public hook at accept time; {@code childHandler} is the one its servers are built on.
 */
final class GuardedHttpServer extends HttpServerImpl {

    private final ConnectionGuard guard;
    private final boolean managementPort;

    /** @param options the server's options, which the guard completes (see {@link ConnectionGuard#apply}) */
    GuardedHttpServer(Vertx vertx, HttpServerOptions options, ConnectionGuard guard, boolean managementPort) {
        super((VertxInternal) vertx, guard.apply(options));
        this.guard = guard;
        this.managementPort = managementPort;
        connectionHandler(connection -> guard.track(connection, options));
    }

    @Override
    protected BiConsumer<Channel, SslChannelProvider> childHandler(ContextInternal context, SocketAddress address,
                                                                   GlobalTrafficShapingHandler trafficShaping) {
        BiConsumer<Channel, SslChannelProvider> vertx = super.childHandler(context, address, trafficShaping);
        return (channel, ssl) -> {
            if (guard.admit(channel, managementPort)) {
                vertx.accept(channel, ssl);
            }
        };
    }
}

package io.github.kafkarestgateway.http;

import java.net.InetAddress;
import java.util.List;

import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.WebServerRequest;

/**
 * The one answer to "which client sent this request", for the access log, the failed-authentication limit and
 * whatever else counts per client. It is the peer's address (with {@code gateway.http.proxy-protocol}, the address that
 * the PROXY header gives), except when the peer is a {@link TrustedProxies trusted proxy}: then it is the client that
 * the proxies name in {@code Forwarded} (RFC 7239; it wins when both are there) or else in {@code X-Forwarded-For}.
 * Those are walked from the right (the entry the peer added) to the left, past every address that is itself a trusted
 * proxy: the first address that is not is the client, so that a client cannot choose its address by sending the
 * header itself (a proxy appends to what it got). An obfuscated identifier ({@code for=_hidden}) is the client as
 * given; {@code unknown} ends the walk at the proxy that wrote it. A header that does not parse counts as absent: the
 * client is the peer, never an error. From any other peer the headers are not even read.
 * <p>
 * Without trusted proxies this is the peer's address and nothing more per request. With them, the answer is worked
 * out once per request and kept in the routing context.
 */
public final class ClientAddress {

    /** The peer's address when it has none (not an IP socket), as the limiter and the log name it. */
    static final String UNKNOWN = "unknown";
    private static final String CACHED = "gateway.client-address";

    private final TrustedProxies proxies;

    public ClientAddress(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    /** The address of the client of this request, as text ({@link InetAddress#getHostAddress()}). */
    public String of(HttpServerRequest request) {
        // the connection's address (the PROXY header's with gateway.http.proxy-protocol), kept by the connection:
        // Vert.x Web's request.remoteAddress() works out the request's forwarded scheme, host and URI first, every time
        HttpConnection connection = request.connection();
        SocketAddress peer = connection == null ? request.remoteAddress() : connection.remoteAddress();
        String hostAddress = peer == null ? null : peer.hostAddress();
        String peerAddress = hostAddress == null ? UNKNOWN : hostAddress;
        if (proxies.isEmpty()) {
            return peerAddress;
        }
        RoutingContext ctx = request instanceof WebServerRequest web ? web.routingContext() : null;
        String known = ctx == null ? null : ctx.get(CACHED);
        if (known != null) {
            return known;
        }
        String client = resolve(peerAddress, joined(request, "Forwarded"), joined(request, "X-Forwarded-For"));
        if (ctx != null) {
            ctx.put(CACHED, client);
        }
        return client;
    }

    /**
     * The client of a request from {@code peerAddress} with these {@code Forwarded} and {@code X-Forwarded-For} values
     * (null when absent).
     */
    String resolve(String peerAddress, String forwarded, String xForwardedFor) {
        InetAddress peer = TrustedProxies.literal(peerAddress);
        if (!proxies.trusts(peer) || forwarded == null && xForwardedFor == null) {
            return peerAddress;
        }
        List<ForwardedFor.Hop> hops = forwarded != null ? ForwardedFor.forwarded(forwarded)
                : ForwardedFor.xForwardedFor(xForwardedFor);
        if (hops == null) {
            return peerAddress;
        }
        String client = peerAddress;
        for (int i = hops.size() - 1; i >= 0; i--) {
            ForwardedFor.Hop hop = hops.get(i);
            if (hop.address() == null) {
                return hop.identifier() != null ? hop.identifier() : client;
            }
            client = hop.address().getHostAddress();
            if (!proxies.trusts(hop.address())) {
                return client;
            }
        }
        // every hop a proxy of ours: the left-most is as near to the client as anyone says
        return client;
    }

    /** The values of a header given on several lines, as one comma-separated list (RFC 9110 section 5.3); or null. */
    private static String joined(HttpServerRequest request, String name) {
        List<String> values = request.headers().getAll(name);
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(",", values);
    }
}

package io.github.kafkarestgateway.http;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import com.sun.management.UnixOperatingSystemMXBean;
import io.github.kafkarestgateway.error.ErrorBody;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what clients can hold of the gateway, so that one bad client never harms the others.
 * <ul>
 * <li><b>Open connections</b>: at most {@code maxConnections} on the API port; over it a new connection is closed at
 * once (reset), while the open ones keep being served. The bound is lowered further so that
 * {@code reservedFileDescriptors} stay free for everything else the process opens (the dead-letter journal, the Kafka
 * clients' sockets, the embedded broker's files): a connection flood never makes a failed delivery un-keepable. The
 * management port has a small bound of its own ({@link #MANAGEMENT_CONNECTIONS}), so probes keep working under a flood
 * of the API port.</li>
 * <li><b>Request headers</b>: the request line and headers must arrive within {@code headerTimeoutMs} of their first
 * byte (a client that trickles header lines, "slowloris"), else 408 and the connection is closed. The TLS handshake has
 * the same bound.</li>
 * <li><b>Request body</b>: the body must arrive within {@code bodyTimeoutMs} of the headers, plus one second for every
 * {@code bodyMinBytesPerSecond} bytes received, so a slow but honest upload of a large batch goes on while a body sent
 * a byte at a time is ended with 408.</li>
 * <li><b>Idle keep-alive connections</b>: closed after {@code idleTimeoutMs} without a request.</li>
 * </ul>
 * Time spent while the gateway itself does not read (Vert.x pauses a connection with pipelined requests until it has
 * answered the earlier ones) is not held against the client. One sweep per event loop looks at its connections a few
 * times a second, so a request costs no timer of its own, only a time stamp per phase.
 */
public final class ConnectionGuard implements MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    /** Connections the management port (probes, metrics) accepts at most, apart from the API port's bound. */
    static final int MANAGEMENT_CONNECTIONS = 64;
    private static final long WARN_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Why the gateway closed a connection, as the metric's {@code reason} label says. */
    public enum Closed {
        HEADER_TIMEOUT("header_timeout"), BODY_TIMEOUT("body_timeout"), IDLE_TIMEOUT("idle_timeout"),
        REFUSED("over_limit"), MALFORMED("malformed_request");

        private final String label;

        Closed(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param maxConnections          open connections on the API port at most
     * @param reservedFileDescriptors file descriptors never taken by client connections
     * @param headerTimeoutMs         bound on the TLS handshake and on the request line and headers (0: none)
     * @param bodyTimeoutMs           bound on the body, before the allowance for its size (0: none)
     * @param bodyMinBytesPerSecond   the body rate that earns a second more
     * @param idleTimeoutMs           bound on a connection without a request (0: none)
     */
    public record Settings(int maxConnections, int reservedFileDescriptors, long headerTimeoutMs, long bodyTimeoutMs,
                           long bodyMinBytesPerSecond, long idleTimeoutMs) {
    }

    private final Settings settings;
    private final long headerNanos;
    private final long bodyNanos;
    private final long idleNanos;
    private final long sweepMs;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger management = new AtomicInteger();
    private volatile int limit;
    private volatile long lastWarning = System.nanoTime() - WARN_EVERY_NANOS;
    private final Map<Closed, LongAdder> closed = new EnumMap<>(Closed.class);
    private final Map<EventLoop, Sweep> sweeps = new ConcurrentHashMap<>();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    public ConnectionGuard(Settings settings) {
        this.settings = settings;
        this.headerNanos = TimeUnit.MILLISECONDS.toNanos(settings.headerTimeoutMs());
        this.bodyNanos = TimeUnit.MILLISECONDS.toNanos(settings.bodyTimeoutMs());
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs());
        long shortest = Long.MAX_VALUE;
        for (long timeout : new long[] {settings.headerTimeoutMs(), settings.bodyTimeoutMs(), settings.idleTimeoutMs()}) {
            if (timeout > 0) {
                shortest = Math.min(shortest, timeout);
            }
        }
        this.sweepMs = Math.max(50, Math.min(1000, shortest / 4));
        for (Closed reason : Closed.values()) {
            closed.put(reason, new LongAdder());
        }
        this.limit = settings.maxConnections();
        refreshLimit();
    }

    /** The server options this guard relies on: the TLS handshake bounded like the headers, HTTP/1.x only. */
    HttpServerOptions apply(HttpServerOptions options) {
        if (settings.headerTimeoutMs() > 0) {
            options.setSslHandshakeTimeout(settings.headerTimeoutMs()).setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
        }
        // cleartext HTTP/2 would bypass the HTTP/1.x decoder that this guard and the framing checks sit in
        options.setHttp2ClearTextEnabled(false);
        return options;
    }

    /** Open client connections on the API port. */
    public int openConnections() {
        return open.get();
    }

    /** The bound in force: {@code maxConnections}, or less where the file descriptors left call for it. */
    public int connectionLimit() {
        return limit;
    }

    public long closedConnections(Closed reason) {
        return closed.get(reason).sum();
    }

    /** A connection closed after a request that could not be decoded (malformed, or ambiguous framing). */
    void malformed() {
        closed.get(Closed.MALFORMED).increment();
    }

    /**
     * Sets the bound from the file descriptors the process may still open (the gateway calls it every second): its
     * descriptor limit, less those open for anything but client connections, less the reserve.
     */
    public void refreshLimit() {
        int bound = settings.maxConnections();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            long max = unix.getMaxFileDescriptorCount();
            long inUse = unix.getOpenFileDescriptorCount();
            if (max <= 0 || inUse < 0) {
                return;
            }
            long others = Math.max(0, inUse - open.get());
            long left = max - others - settings.reservedFileDescriptors();
            if (left < bound) {
                bound = (int) Math.max(0, left);
                if (limit == settings.maxConnections()) {
                    // once, when the file descriptors start to bind (not at every change of the count)
                    LOG.warn("At most {} client connections (gateway.http.max-connections is {}): the process may open"
                                    + " {} files, {} are open for other uses and {} are kept in reserve (raise ulimit -n)",
                            bound, settings.maxConnections(), max, others, settings.reservedFileDescriptors());
                }
            }
        }
        limit = bound;
    }

    /** Whether a new connection may stay open; one that may not is reset at once. Runs on its event loop. */
    boolean admit(Channel channel, boolean managementPort) {
        AtomicInteger counter = managementPort ? management : open;
        int bound = managementPort ? MANAGEMENT_CONNECTIONS : limit;
        if (counter.incrementAndGet() > bound) {
            counter.decrementAndGet();
            closed.get(Closed.REFUSED).increment();
            long now = System.nanoTime();
            if (now - lastWarning > WARN_EVERY_NANOS) {
                lastWarning = now;
                LOG.warn("Refusing new connections on the {} port: its bound of {} open connections is reached",
                        managementPort ? "management" : "API", bound);
            }
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closedChannel -> counter.decrementAndGet());
        return true;
    }

    /**
     * Puts a new HTTP/1.x connection under the timeouts: its decoder becomes the {@link StrictRequestDecoder}, and a
     * handler watches its answers. Called by the server's connection handler, before the connection reads a byte.
     */
    void track(HttpConnection connection, HttpServerOptions options) {
        ChannelPipeline pipeline = ((ConnectionBase) connection).channelHandlerContext().pipeline();
        if (pipeline.get("httpDecoder") == null) {
            // not HTTP/1.x (the servers speak nothing else)
            return;
        }
        Channel channel = pipeline.channel();
        Tracked tracked = new Tracked(channel);
        pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options, tracked));
        pipeline.addBefore("handler", "gateway-answers", tracked);
        tracked.writer = pipeline.context("httpDecoder");
        Sweep sweep = sweeps.computeIfAbsent(channel.eventLoop(), Sweep::new);
        sweep.connections.add(tracked);
        channel.closeFuture().addListener(done -> sweep.connections.remove(tracked));
    }

    /** Stops the sweeps (the servers are closed). */
    public void close() {
        sweeps.values().forEach(sweep -> sweep.task.cancel(false));
        sweeps.clear();
    }

    /** Looks at the connections of one event loop, on that loop. */
    private final class Sweep implements Runnable {
        final Set<Tracked> connections = new HashSet<>();
        final ScheduledFuture<?> task;

        Sweep(EventLoop loop) {
            task = loop.scheduleAtFixedRate(this, sweepMs, sweepMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void run() {
            long now = System.nanoTime();
            // closing a connection takes it out of the set: look at a copy
            for (Tracked connection : connections.toArray(new Tracked[0])) {
                try {
                    connection.check(now);
                } catch (RuntimeException e) {
                    // an exception would end the sweep of every connection of this loop
                    LOG.warn("Failed to check connection {}: {}", connection.channel, e.toString());
                }
            }
        }
    }

    /**
     * The state of one connection, changed by its decoder as requests arrive and by its answers going out; all on the
     * connection's event loop. Also the handler that watches the answers.
     */
    final class Tracked extends ChannelOutboundHandlerAdapter {

        private static final int BETWEEN = 0;
        private static final int HEADERS = 1;
        private static final int BODY = 2;

        private final Channel channel;
        private ChannelHandlerContext writer;
        private int phase = BETWEEN;
        private long since = System.nanoTime();
        private long bodyBytes;
        private boolean v2;
        /** Requests whose head arrived and whose answer is not complete. */
        private int unanswered;
        private boolean answering;
        private boolean closing;

        Tracked(Channel channel) {
            this.channel = channel;
        }

        void bytesArrived() {
            if (phase == BETWEEN) {
                phase = HEADERS;
                since = System.nanoTime();
            }
        }

        void headersComplete(String uri) {
            phase = BODY;
            since = System.nanoTime();
            bodyBytes = 0;
            v2 = uri != null && uri.startsWith("/v2/");
            unanswered++;
        }

        void bodyBytes(int bytes) {
            bodyBytes += bytes;
        }

        void requestComplete() {
            phase = BETWEEN;
            if (unanswered == 0) {
                // answered before its body ended (an early refusal): idle from now; else from its answer
                since = System.nanoTime();
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            boolean informational = msg instanceof HttpResponse response && response.status().code() < 200;
            if (!informational) {
                if (msg instanceof HttpResponse) {
                    answering = true;
                }
                if (msg instanceof LastHttpContent && unanswered > 0) {
                    unanswered--;
                    answering = false;
                    if (unanswered == 0 && phase == BETWEEN) {
                        since = System.nanoTime();
                    }
                }
            }
            ctx.write(msg, promise);
        }

        void check(long now) {
            if (closing || !channel.isActive()) {
                return;
            }
            if (!channel.config().isAutoRead()) {
                // the gateway does not read from this connection now: its clock starts again when it does
                if (phase != BETWEEN) {
                    since = now;
                }
                return;
            }
            long elapsed = now - since;
            if (phase == HEADERS && headerNanos > 0 && elapsed > headerNanos) {
                timeOut(Closed.HEADER_TIMEOUT, unanswered == 0, "The request headers did not arrive within "
                        + settings.headerTimeoutMs() + " ms");
            } else if (phase == BODY && bodyNanos > 0
                    && elapsed > bodyNanos + bodyBytes * 1_000_000_000L / Math.max(1, settings.bodyMinBytesPerSecond())) {
                timeOut(Closed.BODY_TIMEOUT, unanswered == 1 && !answering, "The request body did not arrive in time ("
                        + settings.bodyTimeoutMs() + " ms, plus a second per " + settings.bodyMinBytesPerSecond()
                        + " bytes)");
            } else if (phase == BETWEEN && unanswered == 0 && idleNanos > 0 && elapsed > idleNanos) {
                closing = true;
                closed.get(Closed.IDLE_TIMEOUT).increment();
                channel.close();
            }
        }

        /** Answers 408 when no other answer is under way on the connection, and closes it. */
        private void timeOut(Closed reason, boolean answerable, String message) {
            closing = true;
            closed.get(reason).increment();
            if (!answerable) {
                channel.close();
                return;
            }
            byte[] body = (v2 && phase == BODY ? ErrorBody.v2Json(408, null, message, null, null)
                    : ErrorBody.json(408, message)).getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 408 Request Timeout\r\nContent-Type: " + ErrorBody.CONTENT_TYPE
                    + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            writer.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Gauges of the open client connections and their bound, and the connections closed, by reason. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("gateway.http.connections", this, ConnectionGuard::openConnections)
                .description("Open client connections on the API port").register(registry);
        Gauge.builder("gateway.http.connections.limit", this, ConnectionGuard::connectionLimit)
                .description("The bound on open connections in force (gateway.http.max-connections, lowered to keep"
                        + " gateway.http.reserved-file-descriptors free)").register(registry);
        for (Closed reason : Closed.values()) {
            FunctionCounter.builder("gateway.http.connections.closed", this, c -> c.closedConnections(reason))
                    .description("Connections the gateway closed or refused: over_limit, header_timeout, body_timeout,"
                            + " idle_timeout, malformed_request").tags("reason", reason.label()).register(registry);
        }
    }
}

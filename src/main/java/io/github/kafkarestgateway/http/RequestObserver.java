package io.github.kafkarestgateway.http;

import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.ops.GatewayMetrics;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request ids, the access log and the request metrics. Every request gets an id: the caller's {@code X-Request-ID} when it is a sane token,
 * else a new one; it is echoed in the response, set on the request (so the header mapping can copy it into a record
 * header) and used as the request id of dead letters. When the answer is complete, one JSON line goes to the logger
 * {@code io.github.kafkarestgateway.access}: time, request id, method, path, status, error message, principal, authentication method,
 * topic, bytes in and out, latency, partition and offset. Never a key, a body or a credential. The same moment
 * records the request in {@link GatewayMetrics}.
 * <p>
 * The lines are handed to the logger in blocks by {@link #flush()} (every {@link #FLUSH_MS} ms) rather than one by
 * one from the request's thread: a log call per request woke the log writer per request, the largest single cost of
 * a request after TLS. A block is one log event of many lines (the shipped layout writes the message alone, so the
 * output is one JSON line per request), written at once. A request never waits for the log: past {@link #MAX_PENDING_LINES} unwritten lines (output
 * stalled), lines are dropped and counted in a warning.
 */
public final class RequestObserver {

    /** RoutingContext data the consumer fills from the exchange for the log line. */
    static final String PRINCIPAL = "gateway.principal";
    static final String AUTH_METHOD = "gateway.authMethod";
    static final String TOPIC = "gateway.topic";
    static final String PARTITION = "gateway.partition";
    static final String OFFSET = "gateway.offset";
    /** The topic as a metric label: only a topic that exists and the caller may use, so labels stay bounded. */
    static final String METRIC_TOPIC = "gateway.metricTopic";
    static final String ACK_NANOS = "gateway.ackNanos";
    static final String VALUE_BYTES = "gateway.valueBytes";
    /** What happened beyond the status: dead-lettered, quota, load, blocked. */
    static final String OUTCOME = "gateway.outcome";
    /** The message of an error answer. */
    static final String ERROR = "gateway.error";

    private static final Logger LOG = LoggerFactory.getLogger("io.github.kafkarestgateway.access");
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    /** How often pending access lines are written. */
    public static final long FLUSH_MS = 100;
    static final int MAX_PENDING_LINES = 100_000;
    /** Lines are written in blocks of about this many characters. */
    static final int BLOCK_CHARS = 64 * 1024;

    private final boolean enabled;
    private final GatewayMetrics metrics;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingLines = new AtomicInteger();
    private final AtomicLong droppedLines = new AtomicLong();

    public RequestObserver(boolean enabled, GatewayMetrics metrics) {
        this.enabled = enabled;
        this.metrics = metrics;
    }

    /** The first handler of every request. */
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String id = request.getHeader("X-Request-ID");
        if (id == null || !SANE_ID.matcher(id).matches()) {
            id = RequestIds.next();
            request.headers().set("X-Request-ID", id);
        }
        ctx.put(GatewayNames.REQUEST_ID, id);
        ctx.response().putHeader("X-Request-ID", id);
        long start = System.nanoTime();
        String requestId = id;
        ctx.addEndHandler(done -> {
            long nanos = System.nanoTime() - start;
            metrics.request(ctx.get(METRIC_TOPIC), ctx.response().getStatusCode(), ctx.get(AUTH_METHOD),
                    ctx.request().bytesRead(), ctx.get(VALUE_BYTES), nanos, ctx.get(ACK_NANOS), ctx.get(OUTCOME));
            if (enabled && LOG.isInfoEnabled()) {
                String line = line(ctx, requestId, nanos);
                if (pendingLines.incrementAndGet() > MAX_PENDING_LINES) {
                    pendingLines.decrementAndGet();
                    droppedLines.incrementAndGet();
                } else {
                    lines.offer(line);
                }
            }
        });
        ctx.next();
    }

    /** Writes the pending access lines; called by one thread every {@link #FLUSH_MS} ms, and once at shutdown. */
    public synchronized void flush() {
        // many lines per log event: with the shipped layout (the message and a line break) that is one write for up
        // to 64 KB of lines instead of one per line, the same output
        StringBuilder block = new StringBuilder();
        for (String line = lines.poll(); line != null; line = lines.poll()) {
            pendingLines.decrementAndGet();
            if (!block.isEmpty()) {
                block.append('\n');
            }
            block.append(line);
            if (block.length() >= BLOCK_CHARS) {
                LOG.info(block.toString());
                block.setLength(0);
            }
        }
        if (!block.isEmpty()) {
            LOG.info(block.toString());
        }
        long dropped = droppedLines.getAndSet(0);
        if (dropped > 0) {
            LoggerFactory.getLogger(RequestObserver.class).warn("Dropped {} access-log line(s): the log output did not"
                    + " keep up", dropped);
        }
    }

    private static String line(RoutingContext ctx, String id, long nanos) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        StringBuilder line = new StringBuilder(256).append('{');
        field(line, "time", Instant.now().toString());
        field(line, "requestId", id);
        field(line, "method", request.method().name());
        field(line, "path", request.path());
        number(line, "status", response.getStatusCode());
        field(line, "error", ctx.get(ERROR));
        field(line, "principal", ctx.get(PRINCIPAL));
        field(line, "authMethod", ctx.get(AUTH_METHOD));
        field(line, "topic", ctx.get(TOPIC));
        number(line, "bytesIn", request.bytesRead());
        number(line, "bytesOut", response.bytesWritten());
        number(line, "latencyMs", nanos / 1_000_000.0);
        Object partition = ctx.get(PARTITION);
        if (partition != null) {
            number(line, "partition", partition);
            number(line, "offset", ctx.get(OFFSET));
        }
        line.setLength(line.length() - 1);
        return line.append('}').toString();
    }

    private static void field(StringBuilder line, String name, Object value) {
        if (value == null) {
            return;
        }
        line.append('"').append(name).append("\":\"");
        String text = value.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20) {
                line.append(String.format("\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        line.append("\",");
    }

    private static void number(StringBuilder line, String name, Object value) {
        if (value != null) {
            line.append('"').append(name).append("\":").append(value).append(',');
        }
    }

    /** Short, unique, cheap request ids: a random prefix per process and a counter. */
    static final class RequestIds {
        private static final String PREFIX = Long.toHexString(Double.doubleToLongBits(Math.random()) ^ System.nanoTime());
        private static final java.util.concurrent.atomic.AtomicLong COUNTER = new java.util.concurrent.atomic.AtomicLong();

        private RequestIds() {
        }

        static String next() {
            return PREFIX + "-" + Long.toHexString(COUNTER.incrementAndGet());
        }
    }
}

package io.github.kafkarestgateway.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.ops.GatewayMetrics;
import io.github.kafkarestgateway.tracing.RequestTrace;
import io.github.kafkarestgateway.tracing.Tracing;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request ids, the access log and the request metrics. Every request gets an id: the caller's {@code X-Request-ID} when it is a sane token,
 * else a new one; it is echoed in the response, set on the request (so the header mapping can copy it into a record
 * header) and used as the request id of dead letters. When the answer is complete, one JSON line goes to the logger
 * {@code io.github.kafkarestgateway.access}: time, request id, method, path, client address ({@link ClientAddress}),
 * status, error message, principal, authentication method, topic, bytes in and out, latency, partition and offset. Never a key, a body or a credential. The same moment
 * records the request in {@link GatewayMetrics}.
 * <p>
 * With tracing ({@link Tracing}), a traced request's span starts here (RoutingContext data {@link GatewayNames#TRACE},
 * which the route takes over), ends with the answer, and its trace id is in the line ({@code traceId}); without, the
 * only cost is one null check.
 * <p>
 * The lines are handed to the logger in blocks by {@link #flush()} (every {@link #FLUSH_MS} ms) rather than one by
 * one from the request's thread: a log call per request woke the log writer per request, the largest single cost of
 * a request after TLS. A block is one log event of many lines (the shipped layout writes the message alone, so the
 * output is one JSON line per request), written at once. A request never waits for the log: past {@link #MAX_PENDING_LINES} unwritten lines (output
 * stalled), lines are dropped and counted in a warning.
 */
public final class RequestObserver {

    /** RoutingContext data: the {@link RequestFacts} of the request. */
    static final String FACTS = "gateway.facts";
    /** The facts of a request that has none (nothing is ever written into this one). */
    private static final RequestFacts NO_FACTS = new RequestFacts();

    private static final Logger LOG = LoggerFactory.getLogger("io.github.kafkarestgateway.access");
    /** The header of the request id, in the request (the caller's) and in every answer. */
    public static final String REQUEST_ID_HEADER = "X-Request-ID";
    /** The longest request id of a caller the gateway takes (else it makes one); in the OpenAPI document too. */
    public static final int MAX_REQUEST_ID_LENGTH = 128;
    private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_REQUEST_ID_LENGTH + "}");

    /** How often pending access lines are written. */
    public static final long FLUSH_MS = 100;
    static final int MAX_PENDING_LINES = 100_000;
    /** Lines are written in blocks of about this many characters. */
    static final int BLOCK_CHARS = 64 * 1024;

    private final boolean enabled;
    private final GatewayMetrics metrics;
    /** Null when tracing is off. */
    private final Tracing tracing;
    private final ClientAddress clients;
    private final Queue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingLines = new AtomicInteger();
    private final AtomicLong droppedLines = new AtomicLong();

    /**
     * @param clients who the client is (the peer, or behind trusted proxies the address they forward)
     * @param tracing the gateway's tracing, or null when it is off
     */
    public RequestObserver(boolean enabled, GatewayMetrics metrics, ClientAddress clients, Tracing tracing) {
        this.enabled = enabled;
        this.metrics = metrics;
        this.clients = clients;
        this.tracing = tracing;
    }

    /** The first handler of every request. */
    public void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String id = request.getHeader(REQUEST_ID_HEADER);
        if (id == null || !SANE_ID.matcher(id).matches()) {
            id = RequestIds.next();
            request.headers().set(REQUEST_ID_HEADER, id);
        }
        ctx.put(GatewayNames.REQUEST_ID, id);
        ctx.response().putHeader(REQUEST_ID_HEADER, id);
        long start = System.nanoTime();
        String requestId = id;
        RequestTrace trace = tracing == null ? null
                : tracing.startRequest(request.method().name(), request.path(), id, request::getHeader);
        if (trace != null) {
            ctx.put(GatewayNames.TRACE, trace);
        }
        ctx.addEndHandler(done -> {
            long nanos = System.nanoTime() - start;
            RequestFacts facts = ctx.get(FACTS);
            if (facts == null) {
                facts = NO_FACTS;
            }
            int status = ctx.response().getStatusCode();
            metrics.request(facts.metricTopic(), status, facts.authMethod(), ctx.request().bytesRead(),
                    facts.valueBytes(), nanos, facts.ackNanos(), facts.outcome());
            if (trace != null) {
                trace.end(status, facts.topic(), facts.partition(), facts.offset(), facts.ackNanos(), facts.error());
            }
            if (enabled && LOG.isInfoEnabled()) {
                String line = line(ctx, requestId, trace, nanos, status, facts);
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

    private String line(RoutingContext ctx, String id, RequestTrace trace, long nanos, int status, RequestFacts facts) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        StringBuilder line = new StringBuilder(320).append('{');
        time(line);
        field(line, "requestId", id);
        if (trace != null) {
            field(line, "traceId", trace.traceId());
        }
        field(line, "method", request.method().name());
        field(line, "path", request.path());
        field(line, "clientAddress", clients.of(request));
        line.append("\"status\":").append(status).append(',');
        field(line, "error", facts.error());
        field(line, "principal", facts.principal());
        field(line, "authMethod", facts.authMethod());
        field(line, "topic", facts.topic());
        line.append("\"bytesIn\":").append(request.bytesRead())
                .append(",\"bytesOut\":").append(response.bytesWritten())
                .append(",\"latencyMs\":");
        millis(line, nanos);
        if (facts.partition() != null) {
            line.append(",\"partition\":").append(facts.partition().intValue());
            if (facts.offset() != null) {
                line.append(",\"offset\":").append(facts.offset().longValue());
            }
        }
        return line.append('}').toString();
    }

    private record Second(long epochSecond, String text) {
    }

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    /** The current second as text, formatted once per second rather than once per line. */
    private static volatile Second second = new Second(Long.MIN_VALUE, "");

    /** {@code "time":"2026-12-02T10:15:30.123Z",} (UTC, milliseconds). */
    private static void time(StringBuilder line) {
        long millis = System.currentTimeMillis();
        long epochSecond = Math.floorDiv(millis, 1000);
        Second now = second;
        if (now.epochSecond() != epochSecond) {
            now = new Second(epochSecond, SECOND.format(Instant.ofEpochSecond(epochSecond)));
            second = now;
        }
        int ms = (int) Math.floorMod(millis, 1000);
        line.append("\"time\":\"").append(now.text()).append('.')
                .append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
                .append("Z\",");
    }

    /**
     * Nanoseconds as milliseconds with three decimals ({@code 3.142}): digits of a long, where a double's text took
     * half a microsecond per line ({@code FloatingDecimal}).
     */
    static void millis(StringBuilder line, long nanos) {
        long micros = Math.max(0, (nanos + 500) / 1000);
        long fraction = micros % 1000;
        line.append(micros / 1000).append('.')
                .append((char) ('0' + fraction / 100)).append((char) ('0' + fraction / 10 % 10))
                .append((char) ('0' + fraction % 10));
    }

    private static void field(StringBuilder line, String name, String text) {
        if (text == null) {
            return;
        }
        line.append('"').append(name).append("\":\"");
        int clean = 0;
        while (clean < text.length() && !needsEscape(text.charAt(clean))) {
            clean++;
        }
        // most values need no escaping: appended whole
        line.append(text, 0, clean);
        for (int i = clean; i < text.length(); i++) {
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

    private static boolean needsEscape(char c) {
        return c == '"' || c == '\\' || c < 0x20;
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

package io.github.kafkarestgateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One TLS connection to the gateway written to byte by byte, as a hostile or broken client would: requests framed by
 * hand, pipelined, trickled or never finished, and the answers read as they come, until the gateway closes.
 */
public final class RawConnection implements AutoCloseable {

    /** One answer read off the connection. */
    public record Answer(int status, Map<String, String> headers, String body) {
        public JsonNode json() {
            try {
                return TestGateway.JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("Not JSON: " + body, e);
            }
        }
    }

    /** What came back until the gateway closed the connection (or the bound passed), and when. */
    public record Outcome(List<Answer> answers, boolean closed, long millis) {
    }

    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private boolean ended;

    private RawConnection(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the TLS handshake within 5 s; IOException when the gateway refuses the connection. */
    public static RawConnection open(URI base) throws IOException {
        return open(base, null);
    }

    /** As {@link #open(URI)}, from a local address of the loopback range (127.0.0.2, …), as another client host. */
    public static RawConnection open(URI base, InetAddress from) throws IOException {
        SSLContext ssl = trustingTestCa();
        SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket();
        try {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return new RawConnection(socket);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * As {@link #open(URI)}, after sending these bytes in the clear before the TLS handshake: the PROXY protocol
     * header of a TCP load balancer.
     */
    public static RawConnection openWithProxyHeader(URI base, byte[] proxyHeader) throws IOException {
        Socket tcp = new Socket();
        SSLSocket socket = null;
        try {
            tcp.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
            tcp.getOutputStream().write(proxyHeader);
            tcp.getOutputStream().flush();
            socket = (SSLSocket) trustingTestCa().getSocketFactory().createSocket(tcp, base.getHost(), base.getPort(),
                    true);
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return new RawConnection(socket);
        } catch (IOException e) {
            (socket != null ? socket : tcp).close();
            throw e;
        }
    }

    private static SSLContext trustingTestCa() {
        try {
            return TestGateway.trustingTestCa();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** A POST of a text body to a path, framed by Content-Length, as every well-behaved client sends it. */
    public static String post(String path, String key, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + key
                + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    /** The next answer, waiting at most the bound; AssertionError when none comes. */
    public Answer read(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Answer answer = parse();
            if (answer != null) {
                return answer;
            }
            if (ended) {
                throw new AssertionError("the connection closed before a whole answer: "
                        + pending.toString(StandardCharsets.ISO_8859_1));
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no answer within " + bound.toMillis() + " ms");
            }
            fill((int) Math.max(1, Math.min(left / 1_000_000, 1000)));
        }
    }

    /**
     * Sends {@code tick} every {@code every} (none when null) and reads, until the gateway closes the connection or
     * {@code bound} passes: the answers that came and whether and when the connection closed.
     */
    public Outcome trickleUntilClosed(String tick, Duration every, Duration bound) throws IOException {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        long nextTick = start + every.toNanos();
        List<Answer> answers = new ArrayList<>();
        while (!ended && System.nanoTime() < deadline) {
            long wait = Math.min(nextTick, deadline) - System.nanoTime();
            fill((int) Math.max(1, wait / 1_000_000));
            for (Answer answer; (answer = parse()) != null; ) {
                answers.add(answer);
            }
            if (!ended && tick != null && System.nanoTime() >= nextTick) {
                try {
                    send(tick);
                } catch (IOException closedMeanwhile) {
                    // the gateway closed its side: what it said is still to be read
                }
                nextTick += every.toNanos();
            } else if (tick == null) {
                nextTick = deadline;
            }
        }
        for (Answer answer; (answer = parse()) != null; ) {
            answers.add(answer);
        }
        return new Outcome(answers, ended, (System.nanoTime() - start) / 1_000_000);
    }

    /** Whether the gateway closes the connection within the bound without sending anything more. */
    public boolean closesWithin(Duration bound) throws IOException {
        Outcome outcome = trickleUntilClosed(null, bound, bound);
        if (!outcome.answers().isEmpty()) {
            throw new AssertionError("unexpected answers " + outcome.answers());
        }
        return outcome.closed();
    }

    private void fill(int timeoutMs) throws IOException {
        byte[] buffer = new byte[8192];
        try {
            socket.setSoTimeout(Math.max(1, timeoutMs));
            int read = in.read(buffer);
            if (read < 0) {
                ended = true;
            } else {
                pending.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException nothingYet) {
            // nothing within the time
        } catch (SocketException reset) {
            ended = true;
        } catch (javax.net.ssl.SSLException closedByPeer) {
            ended = true;
        }
    }

    /** Takes one whole answer (head and Content-Length body) off the bytes read, or null when not all there. */
    private Answer parse() {
        byte[] bytes = pending.toByteArray();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return null;
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        int end = headEnd + 4 + length;
        if (bytes.length < end) {
            return null;
        }
        pending.reset();
        pending.write(bytes, end, bytes.length - end);
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        return new Answer(status, headers, new String(bytes, headEnd + 4, length, StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}

package io.github.kafkarestgateway.http;

import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.HttpUtils;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.http.impl.headers.HeadersMultiMap;

/**
 * The HTTP/1.1 request decoder of the gateway's connections: Vert.x's, with the message framing of RFC 9112 §6.1 and
 * §6.3 enforced instead of repaired, and the progress of each request reported to the connection's
 * {@link ConnectionGuard.Tracked} state (for the header and body timeouts).
 * <p>
 * Netty, like most servers, resolves ambiguous framing on its own: with both {@code Content-Length} and
 * {@code Transfer-Encoding: chunked} it drops the length, with an unknown transfer coding it ignores the coding, and
 * HTTP/1.0 may repeat {@code Content-Length}. A front proxy may frame the same bytes differently, and the bytes it
 * took for one request's body become a second, hidden request here (request smuggling). So a request whose framing
 * is not plain is refused as malformed: the decoder reads nothing more from the connection, the server answers 400 and
 * closes it ({@link GatewayHttpServer}).
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {

    /**
     * A request whose body length cannot be determined reliably: answered 400 (501 for an unknown transfer coding, 505
     * for another HTTP version than 1.x) and the connection closed.
     */
    static final class AmbiguousFraming extends IllegalArgumentException {
        private final int status;

        AmbiguousFraming(int status, String message) {
            super(message);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    private final ConnectionGuard.Tracked connection;
    /** Content-Length fields of the request being decoded, as Netty adds them (before it merges repeated ones). */
    private int contentLengthFields;

    StrictRequestDecoder(HttpServerOptions options, ConnectionGuard.Tracked connection) {
        super(options);
        this.connection = connection;
    }

    /** Validates each header field as Vert.x does, and counts the Content-Length fields. */
    private final BiConsumer<CharSequence, CharSequence> validator = (name, value) -> {
        if (!io.vertx.core.http.HttpHeaders.DISABLE_HTTP_HEADERS_VALIDATION) {
            HttpUtils.validateHeader(name, value);
        }
        if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)) {
            contentLengthFields++;
        }
    };

    /** Vert.x's request, with headers that count the Content-Length fields as they are parsed. */
    @Override
    protected HttpMessage createMessage(String[] initialLine) {
        contentLengthFields = 0;
        HttpVersion version = HttpVersion.valueOf(initialLine[2]);
        if (version.majorVersion() != 1) {
            // e.g. the HTTP/2 preface ("PRI * HTTP/2.0"): the server speaks HTTP/1.1 only
            throw new AmbiguousFraming(505, "HTTP version not supported: " + version.text() + " (HTTP/1.1 only)");
        }
        return new DefaultHttpRequest(version, HttpMethod.valueOf(initialLine[0]),
                initialLine[1], new HeadersMultiMap(validator));
    }

    /**
     * Netty calls this with the complete header block, inside the error handling that turns an exception into an
     * invalid request (after which the rest of the connection's bytes are discarded): the one place to refuse the
     * framing before Netty acts on it.
     */
    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        // Netty has replaced repeated Content-Length fields by one (HTTP/1.0; it refuses them in HTTP/1.1), which
        // adds one more: three or more were seen only when the request had two or more
        checkFraming(message, contentLengthFields >= 3);
        return super.isContentAlwaysEmpty(message);
    }

    static void checkFraming(HttpMessage message, boolean repeatedLength) {
        List<String> lengths = message.headers().getAll(HttpHeaderNames.CONTENT_LENGTH);
        List<String> codings = message.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? message.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
        if (repeatedLength || lengths.size() > 1 || lengths.size() == 1 && lengths.get(0).indexOf(',') >= 0) {
            throw new AmbiguousFraming(400, "Malformed HTTP request: more than one Content-Length");
        }
        if (codings.isEmpty()) {
            return;
        }
        if (!lengths.isEmpty()) {
            throw new AmbiguousFraming(400, "Malformed HTTP request: both Content-Length and Transfer-Encoding");
        }
        if (message.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
            throw new AmbiguousFraming(400, "Malformed HTTP request: Transfer-Encoding in an HTTP/1.0 request");
        }
        int chunked = 0;
        boolean last = false;
        boolean others = false;
        for (String header : codings) {
            for (String coding : header.split(",", -1)) {
                String name = coding.trim().toLowerCase(Locale.ROOT);
                last = name.equals("chunked");
                if (last) {
                    chunked++;
                } else {
                    others = true;
                }
            }
        }
        if (chunked != 1 || !last) {
            throw new AmbiguousFraming(400, "Malformed HTTP request: Transfer-Encoding must end with chunked, once");
        }
        if (others) {
            throw new AmbiguousFraming(501, "Transfer codings other than chunked are not supported");
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            connection.bytesArrived();
        }
        super.channelRead(ctx, msg);
        if (actualReadableBytes() > 0) {
            // the start of a next request, left in the decoder after a complete one
            connection.bytesArrived();
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        int before = out.size();
        super.decode(ctx, buffer, out);
        for (int i = before; i < out.size(); i++) {
            Object decoded = out.get(i);
            if (decoded instanceof HttpRequest request) {
                connection.headersComplete(request.uri());
            }
            if (decoded instanceof HttpContent content) {
                connection.bodyBytes(content.content().readableBytes());
                if (decoded instanceof LastHttpContent) {
                    connection.requestComplete();
                }
            }
        }
    }
}

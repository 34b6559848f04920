package io.github.kafkarestgateway.http;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway's HTTP/1.1 decoder on a Netty channel without a socket: what it passes on, what it refuses (and that it
 * reads nothing after a refusal), and what it reports to the connection's timeout state.
 */
class StrictRequestDecoderChannelUnitTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ConnectionGuard.Tracked tracked =
            new ConnectionGuard(new ConnectionGuard.Settings(100, 0, 0, 0, 0, 0)).new Tracked(channel);

    StrictRequestDecoderChannelUnitTest() {
        channel.pipeline().addLast(new StrictRequestDecoder(new HttpServerOptions(), tracked));
    }

    private List<Object> feed(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
        List<Object> out = new ArrayList<>();
        for (Object decoded = channel.readInbound(); decoded != null; decoded = channel.readInbound()) {
            out.add(decoded);
        }
        return out;
    }

    private Object state(String field) throws ReflectiveOperationException {
        Field f = ConnectionGuard.Tracked.class.getDeclaredField(field);
        f.setAccessible(true);
        return f.get(tracked);
    }

    private static StrictRequestDecoder.AmbiguousFraming refusal(Object decoded) {
        HttpRequest request = assertInstanceOf(HttpRequest.class, decoded);
        assertTrue(request.decoderResult().isFailure(), "not refused: " + request);
        return assertInstanceOf(StrictRequestDecoder.AmbiguousFraming.class, request.decoderResult().cause());
    }

    @Test
    void aWellFramedRequestIsPassedOnAndItsProgressReported() throws Exception {
        assertEquals(0, state("phase"));
        List<Object> head = feed("POST /v2/topics/t/records HTTP/1.1\r\nHost: x\r\n");
        assertEquals(List.of(), head);
        assertEquals(1, state("phase"));
        List<Object> out = feed("Content-Length: 5\r\n\r\nab");
        HttpRequest request = assertInstanceOf(HttpRequest.class, out.get(0));
        assertTrue(request.decoderResult().isSuccess());
        assertEquals("/v2/topics/t/records", request.uri());
        assertEquals(2, state("phase"));
        assertEquals(true, state("v2"));
        assertEquals(1, state("unanswered"));
        assertEquals(2L, state("bodyBytes"));
        out.addAll(feed("cde"));
        assertEquals(5L, state("bodyBytes"));
        assertInstanceOf(LastHttpContent.class, out.get(out.size() - 1));
        assertEquals(0, state("phase"));
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aPipelinedRequestStartsItsHeaderPhaseWhileTheFirstIsBeingHandled() throws Exception {
        List<Object> out = feed("POST /topics/t/records HTTP/1.1\r\nContent-Length: 1\r\n\r\nx"
                + "POST /topics/t/records HTTP/1.1\r\nContent-Length: 1\r\n\r\ny");
        long requests = out.stream().filter(HttpRequest.class::isInstance).count();
        long bodies = out.stream().filter(HttpContent.class::isInstance).count();
        assertEquals(2, requests);
        assertEquals(2, bodies);
        assertEquals(false, state("v2"));
        assertEquals(2, state("unanswered"));
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aRequestWithoutBodyIsCompleteAtItsHeaders() throws Exception {
        List<Object> out = feed("GET /alive HTTP/1.1\r\nHost: x\r\n\r\n");
        assertInstanceOf(HttpRequest.class, out.get(0));
        assertInstanceOf(LastHttpContent.class, out.get(out.size() - 1));
        assertEquals(0, state("phase"));
        assertEquals(0L, state("bodyBytes"));
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void repeatedContentLengthsInHttp10AreRefusedEvenThoughNettyMergesThem() {
        List<Object> out = feed("POST /topics/t/records HTTP/1.0\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nabcde");
        StrictRequestDecoder.AmbiguousFraming e = refusal(out.get(0));
        assertEquals(400, e.status());
        assertEquals("Malformed HTTP request: more than one Content-Length", e.getMessage());
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void oneContentLengthInHttp10IsAccepted() {
        List<Object> out = feed("POST /topics/t/records HTTP/1.0\r\nContent-Length: 2\r\n\r\nab");
        assertTrue(assertInstanceOf(HttpRequest.class, out.get(0)).decoderResult().isSuccess());
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void aSmuggledRequestAfterARefusedOneIsNeverRead() {
        List<Object> out = feed("POST /topics/t/records HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\nPOST /topics/hidden/records HTTP/1.1\r\nContent-Length: 1\r\n\r\nx");
        StrictRequestDecoder.AmbiguousFraming e = refusal(out.get(0));
        assertEquals(400, e.status());
        assertEquals("Malformed HTTP request: both Content-Length and Transfer-Encoding", e.getMessage());
        assertFalse(out.stream().skip(1).anyMatch(HttpRequest.class::isInstance), out.toString());
        assertTrue(feed("GET /alive HTTP/1.1\r\n\r\n").stream().noneMatch(HttpRequest.class::isInstance));
        out.forEach(ReferenceCountUtil::release);
    }

    @Test
    void anotherCodingBeforeChunkedIs501() {
        StrictRequestDecoder.AmbiguousFraming e = refusal(feed("POST /topics/t/records HTTP/1.1\r\n"
                + "Transfer-Encoding: gzip, chunked\r\n\r\n").get(0));
        assertEquals(501, e.status());
    }

    @Test
    void invalidHeaderFieldsAreRefusedAsVertxRefusesThem() {
        HttpRequest request = assertInstanceOf(HttpRequest.class,
                feed("POST /topics/t/records HTTP/1.1\r\nBad Name: x\r\nContent-Length: 0\r\n\r\n").get(0));
        assertTrue(request.decoderResult().isFailure());
    }
}

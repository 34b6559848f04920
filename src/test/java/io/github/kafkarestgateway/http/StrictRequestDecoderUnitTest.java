package io.github.kafkarestgateway.http;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The framing rules of RFC 9112 §6.1 and §6.3 as the gateway enforces them, on header blocks alone. */
class StrictRequestDecoderUnitTest {

    private static HttpRequest request(HttpVersion version, String... headers) {
        HttpRequest request = new DefaultHttpRequest(version, HttpMethod.POST, "/topics/t/records");
        for (int i = 0; i < headers.length; i += 2) {
            request.headers().add(headers[i], headers[i + 1]);
        }
        return request;
    }

    private static void accepted(HttpVersion version, String... headers) {
        StrictRequestDecoder.checkFraming(request(version, headers), false);
    }

    private static void refused(int status, String message, HttpVersion version, String... headers) {
        StrictRequestDecoder.AmbiguousFraming e = assertThrows(StrictRequestDecoder.AmbiguousFraming.class,
                () -> StrictRequestDecoder.checkFraming(request(version, headers), false));
        assertEquals(status, e.status(), String.join(" ", headers));
        assertEquals(message, e.getMessage());
    }

    @Test
    void plainFramingIsAccepted() {
        accepted(HttpVersion.HTTP_1_1);
        accepted(HttpVersion.HTTP_1_1, "Content-Length", "5");
        accepted(HttpVersion.HTTP_1_0, "Content-Length", "0");
        accepted(HttpVersion.HTTP_1_1, "Transfer-Encoding", "chunked");
        accepted(HttpVersion.HTTP_1_1, "transfer-encoding", "Chunked");
    }

    @Test
    void moreThanOneContentLengthIs400() {
        String message = "Malformed HTTP request: more than one Content-Length";
        refused(400, message, HttpVersion.HTTP_1_1, "Content-Length", "5", "Content-Length", "5");
        refused(400, message, HttpVersion.HTTP_1_1, "Content-Length", "5, 5");
        refused(400, message, HttpVersion.HTTP_1_0, "Content-Length", "5", "content-length", "6");
        // repeated fields that Netty merged before the check
        StrictRequestDecoder.AmbiguousFraming merged = assertThrows(StrictRequestDecoder.AmbiguousFraming.class,
                () -> StrictRequestDecoder.checkFraming(request(HttpVersion.HTTP_1_0, "Content-Length", "5"), true));
        assertEquals(400, merged.status());
        assertEquals(message, merged.getMessage());
    }

    @Test
    void contentLengthWithTransferEncodingIs400() {
        refused(400, "Malformed HTTP request: both Content-Length and Transfer-Encoding", HttpVersion.HTTP_1_1,
                "Content-Length", "5", "Transfer-Encoding", "chunked");
        refused(400, "Malformed HTTP request: both Content-Length and Transfer-Encoding", HttpVersion.HTTP_1_1,
                "Transfer-Encoding", "gzip", "Content-Length", "5");
    }

    @Test
    void transferEncodingInHttp10Is400() {
        refused(400, "Malformed HTTP request: Transfer-Encoding in an HTTP/1.0 request", HttpVersion.HTTP_1_0,
                "Transfer-Encoding", "chunked");
    }

    @Test
    void transferEncodingMustEndWithOneChunked() {
        String message = "Malformed HTTP request: Transfer-Encoding must end with chunked, once";
        for (String[] codings : new String[][] {{"gzip"}, {"chunked, gzip"}, {"chunked, chunked"}, {"chunked", "chunked"},
                {"chunked,"}, {""}, {"chunked", "gzip"}, {"xchunked"}, {"chunked;q=1"}}) {
            String[] headers = new String[codings.length * 2];
            for (int i = 0; i < codings.length; i++) {
                headers[2 * i] = "Transfer-Encoding";
                headers[2 * i + 1] = codings[i];
            }
            refused(400, message, HttpVersion.HTTP_1_1, headers);
        }
    }

    @Test
    void otherCodingsBeforeAFinalChunkedAre501() {
        String message = "Transfer codings other than chunked are not supported";
        refused(501, message, HttpVersion.HTTP_1_1, "Transfer-Encoding", "gzip, chunked");
        refused(501, message, HttpVersion.HTTP_1_1, "Transfer-Encoding", "gzip", "Transfer-Encoding", "chunked");
        refused(501, message, HttpVersion.HTTP_1_1, "Transfer-Encoding", "identity,chunked");
        refused(501, message, HttpVersion.HTTP_1_1, "Transfer-Encoding", "GZIP ,  Chunked");
    }
}

package io.github.kafkarestgateway.error;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every client error of the v1 API: its status code, the Event Streams JSON error body, and nothing produced. */
public class ErrorResponsesTest {

    private static final String TOPIC = TestKafka.createTopic("errors");
    private static final String RECORDS = "/topics/" + TOPIC + "/records";
    private final TestGateway gateway = TestGateway.shared();

    @Test
    void rejectsAMissingKeyWith401AndAChallenge() {
        HttpResponse<String> response = gateway.send(gateway.request(RECORDS).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("v")).build());

        assertError(response, 401);
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("Bearer"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer not-a-valid-key", "Bearer", "Basic !!!notbase64", "Token abc", "Bearer  "})
    void rejectsAnUnknownOrMalformedKeyWith401(String authorization) {
        HttpResponse<String> response = gateway.post(RECORDS, "text/plain", bytes("v"), "Authorization", authorization);

        assertError(response, 401);
        assertTrue(response.headers().firstValue("WWW-Authenticate").isPresent());
    }

    @Test
    void rejectsBasicAuthenticationWithAnotherUserThanToken() {
        String basic = Base64.getEncoder().encodeToString(bytes("admin:" + TestGateway.ALL_TOPICS_KEY));

        assertError(gateway.post(RECORDS, "text/plain", bytes("v"), "Authorization", "Basic " + basic), 401);
    }

    @Test
    void rejectsAKeyWithoutPermissionForTheTopicWith403() {
        HttpResponse<String> response = gateway.post(RECORDS, "text/plain", bytes("v"),
                "Authorization", "Bearer " + TestGateway.ORDERS_KEY);

        assertError(response, 403);
        assertEquals(0, TestKafka.recordCount(TOPIC));
    }

    @Test
    void answersAnUnknownTopicWith404() {
        // a 404, not the 503 of a cluster that did not answer within gateway.kafka.check-timeout-ms: the check was
        // answered in time (no wall clock needed to know it)
        HttpResponse<String> response = gateway.post("/topics/no-such-topic/records", "text/plain", bytes("v"));

        JsonNode error = assertError(response, 404).get("error");
        assertEquals(3, error.get("kafka_error_code").asInt(), "UNKNOWN_TOPIC_OR_PARTITION");
        assertEquals("no-such-topic", error.get("topic").asText());
    }

    @Test
    void answersAnUnknownPathWith404AndAWrongMethodWith405() {
        assertError(gateway.post("/topics/" + TOPIC + "/messages", "text/plain", bytes("v")), 404);
        assertError(gateway.post("/", "text/plain", bytes("v")), 404);
        assertError(gateway.send(gateway.request(RECORDS).GET().build()), 405);
        assertError(gateway.send(gateway.request(RECORDS).PUT(HttpRequest.BodyPublishers.ofString("v")).build()), 405);
    }

    @Test
    void rejectsAnEmptyBodyWith411() {
        assertError(gateway.post(RECORDS, "text/plain", new byte[0]), 411);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "image/png",
        "application/vnd.ibm-event-streams.avro.v1", "text/html", "textplain", ";"})
    void rejectsOtherContentTypesWith415(String contentType) {
        assertError(gateway.post(RECORDS, contentType, bytes("a=1&b=2")), 415);
    }

    @Test
    void rejectsAMissingContentTypeWith415() {
        assertError(gateway.post(RECORDS, null, bytes("v")), 415);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":", "{'a':1}", "{\"a\":1} trailing", "[1,2", "not json", "\u00ff"})
    void rejectsInvalidJsonWith400(String body) {
        assertError(gateway.post(RECORDS, "application/json", body.getBytes(StandardCharsets.ISO_8859_1)), 400);
        assertError(gateway.post(RECORDS, "application/vnd.ibm-event-streams.json.v1", bytes(body)), 400);
    }

    @Test
    void acceptsAValueAtTheLimitAndRejectsOneByteMoreWith400() {
        String topic = TestKafka.createTopic("limit");
        byte[] atLimit = new byte[65536];
        Arrays.fill(atLimit, (byte) 'x');

        Landed.expect(topic, atLimit).in(gateway.post("/topics/" + topic + "/records", "text/plain", atLimit));
        assertError(gateway.post("/topics/" + topic + "/records", "text/plain", Arrays.copyOf(atLimit, 65537)), 400);
        assertEquals(1, TestKafka.recordCount(topic));
    }

    @Test
    void refusesABodyFarOverTheLimitBeforeItArrives() throws Exception {
        String head = "POST " + RECORDS + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + TestGateway.ALL_TOPICS_KEY + "\r\n"
                + "Content-Type: application/octet-stream\r\nContent-Length: 536870912\r\n\r\n";

        // only the head and 1 KB of the announced 512 MB are sent: the answer must not wait for the rest
        String answer = rawExchange(head.getBytes(StandardCharsets.US_ASCII), new byte[1024]);

        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("\"error_code\":400"), answer);
    }

    @Test
    void refusesAChunkedBodyOverTheLimit() {
        AtomicLong sent = new AtomicLong();
        HttpResponse<String> response = gateway.send(gateway.request(RECORDS)
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.fromPublisher(new ZeroBytes(1024 * 1024, sent))).build());

        assertError(response, 400);
    }

    @Test
    void rejectsAKeyOverTheLimitWith400() {
        String key = "k".repeat(4097);

        assertError(gateway.post(RECORDS + "?key=" + key, "text/plain", bytes("v")), 400);
        assertError(gateway.post(RECORDS, "text/plain", bytes("v"), "X-Kafka-Key", key), 400);
    }

    @Test
    void rejectsAUriOverTenKilobytesWith400() {
        String query = "?headers=a:" + "00".repeat(5200);

        assertError(gateway.post(RECORDS + query, "text/plain", bytes("v")), 400);
    }

    @Test
    void answersARequestLineFarOverTheLimitWithJson() throws Exception {
        String line = "POST " + RECORDS + "?key=" + "k".repeat(20_000) + " HTTP/1.1\r\n";

        String answer = rawExchange(line.getBytes(StandardCharsets.US_ASCII), new byte[0]);

        // the version of an unparsed request line is unknown, so Vert.x may answer as HTTP/1.0
        assertTrue(answer.matches("(?s)HTTP/1\\.[01] 400 .*"), answer);
        assertTrue(answer.contains("\"error_code\":400"), answer);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bad$topic", "with%20space", "a%2Fb", "%C3%A9t%C3%A9"})
    void rejectsAnInvalidTopicNameWith400(String topic) {
        assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v")), 400);
    }

    @Test
    void rejectsATopicNameLongerThanKafkaAllowsWith400() {
        assertError(gateway.post("/topics/" + "t".repeat(250) + "/records", "text/plain", bytes("v")), 400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"?keyType=binary&key=xyz", "?keyType=binary&key=abc", "?keyType=base64&key=abc",
        "?key=a&key=b", "?headers=nohex", "?headers=a:zz", "?headers=:00", "?headers=a:00,,b:00",
        "?headers=a:00,A:01", "?headers=kafka.KEY:00", "?headers=CamelHttpResponseCode:3230"})
    void rejectsInvalidKeysAndHeadersWith400(String query) {
        assertError(gateway.post(RECORDS + query, "text/plain", bytes("v")), 400);
    }

    @Test
    void producesNothingForAnyRejectedRequest() {
        String topic = TestKafka.createTopic("rejected");
        String records = "/topics/" + topic + "/records";

        assertError(gateway.post(records, "text/plain", new byte[0]), 411);
        assertError(gateway.post(records, "image/png", bytes("v")), 415);
        assertError(gateway.post(records, "application/json", bytes("{")), 400);
        assertError(gateway.post(records + "?keyType=binary&key=q", "text/plain", bytes("v")), 400);
        assertError(gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer nope"), 401);

        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void answersAMalformedRequestLineWithJson() throws Exception {
        String answer = rawExchange("BROKEN\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new byte[0]);

        assertTrue(answer.matches("(?s)HTTP/1\\.[01] 400 .*"), answer);
        assertTrue(answer.contains("\"error_code\":400"), answer);
    }

    /** Writes raw bytes over TLS and reads the answer until the server closes or 10 s pass. */
    private String rawExchange(byte[] head, byte[] body) throws Exception {
        URI uri = gateway.uri("/");
        try (Socket socket = TestGateway.trustingTestCa().getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head);
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.write(buffer, 0, n);
                    if (answer.toString(StandardCharsets.UTF_8).contains("}}")) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("No answer within 10 s; got: " + answer.toString(StandardCharsets.UTF_8), e);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    /** A request body of zeros that counts what the server pulled. */
    private record ZeroBytes(long total, AtomicLong sent) implements Flow.Publisher<ByteBuffer> {
        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private boolean done;

                @Override
                public synchronized void request(long n) {
                    for (long i = 0; i < n && !done; i++) {
                        long remaining = total - sent.get();
                        if (remaining <= 0) {
                            done = true;
                            subscriber.onComplete();
                            return;
                        }
                        int size = (int) Math.min(16 * 1024, remaining);
                        sent.addAndGet(size);
                        subscriber.onNext(ByteBuffer.allocate(size));
                    }
                }

                @Override
                public synchronized void cancel() {
                    done = true;
                }
            });
        }
    }
}

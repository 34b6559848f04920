package io.github.kafkarestgateway.tracing;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.AccessLog;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tracing: a caller's W3C trace context continues into the records (the gateway's span in between), a request
 * without one starts a trace at the sampler ratio, spans are exported by OTLP/HTTP to a receiver served here, a
 * malformed traceparent is ignored, and with tracing off nothing of it happens. The shared gateway has the defaults
 * (tracing on, ratio 0: only callers' traces); another gateway here starts every trace and exports.
 */
class TracingTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String SERVICE = "traced-gateway-" + UUID.randomUUID();
    private static OtlpReceiver receiver;
    private static TestGateway traced;

    @BeforeAll
    static void startTracedGateway() throws Exception {
        receiver = new OtlpReceiver();
        traced = TestGateway.start(Map.of("gateway.tracing.sampler-ratio", "1",
                "gateway.tracing.otlp-endpoint", receiver.endpoint(), "gateway.tracing.service-name", SERVICE));
    }

    @AfterAll
    static void stop() {
        traced.close();
        receiver.close();
    }

    @Test
    void aCallersTraceContinuesIntoTheRecordWithTheGatewaysSpanIdAndTheSampledFlagKept() throws Exception {
        String topic = TestKafka.createTopic("traced");
        for (String flags : List.of("01", "00")) {
            String traceId = hex(16);
            String callerSpan = hex(8);
            String requestId = "traced-" + UUID.randomUUID();
            HttpResponse<String> response = TestGateway.shared().post("/topics/" + topic + "/records", "text/plain",
                    bytes("v"), "traceparent", "00-" + traceId + "-" + callerSpan + "-" + flags,
                    "tracestate", "vendor=abc", "X-Request-ID", requestId);

            String recordParent = traceparentOf(response);
            String[] parts = recordParent.split("-");
            assertEquals("00", parts[0], recordParent);
            assertEquals(traceId, parts[1], "the caller's trace");
            assertNotEquals(callerSpan, parts[2], "the gateway's own span is the record's parent");
            assertTrue(parts[2].matches("[0-9a-f]{16}") && !parts[2].equals("0000000000000000"), recordParent);
            assertEquals(flags, parts[3], "the caller's sampling decision is kept");
            // the trace context is the only header the gateway adds: traceparent, then tracestate
            Landed.expect(topic, "v").header("traceparent", recordParent).header("tracestate", "vendor=abc")
                    .in(response);
            JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> AccessLog.line(requestId),
                    l -> l != null);
            assertEquals(traceId, line.path("traceId").asText(), line.toString());
        }
    }

    @Test
    void everyRecordOfAV2BatchCarriesTheTraceInASpanOfItsOwn() {
        String topic = TestKafka.createTopic("traced-v2");
        String traceId = hex(16);
        String callerSpan = hex(8);
        String envelopes = "[{\"value\":{\"type\":\"text\",\"data\":\"one\"},\"headers\":[{\"name\":\"traceparent\","
                + "\"value\":\"" + Base64.getEncoder().encodeToString(bytes("not the caller's")) + "\"}]},"
                + "{\"value\":{\"type\":\"text\",\"data\":\"two\"}}]";
        HttpResponse<String> response = TestGateway.shared().post("/v2/topics/" + topic + "/records",
                "application/json", bytes(envelopes), "traceparent", "00-" + traceId + "-" + callerSpan + "-01");

        assertEquals(200, response.statusCode(), response.body());
        JsonNode results = TestGateway.json(response).get("results");
        String first = TestGateway.headers(record(results.get(0).get("metadata"))).get("traceparent");
        String second = TestGateway.headers(record(results.get(1).get("metadata"))).get("traceparent");
        for (String recordParent : List.of(first, second)) {
            assertTrue(recordParent.matches("00-" + traceId + "-[0-9a-f]{16}-01"), recordParent);
            assertFalse(recordParent.contains(callerSpan), recordParent);
        }
        assertNotEquals(first.split("-")[2], second.split("-")[2], "each record's send is a span of its own");
        // an envelope's header of that name is replaced, never kept beside
        Landed.expect(topic, "one").header("traceparent", first).at(results.get(0).get("metadata"));
        Landed.expect(topic, "two").header("traceparent", second).at(results.get(1).get("metadata"));
    }

    @Test
    void byDefaultARequestWithoutTraceparentIsNotTracedAndItsRecordUnchanged() throws Exception {
        String topic = TestKafka.createTopic("untraced");
        String requestId = "untraced-" + UUID.randomUUID();
        HttpResponse<String> response = TestGateway.shared().post("/topics/" + topic + "/records", "text/plain",
                bytes("v"), "X-Request-ID", requestId);

        Landed.expect(topic, "v").in(response);
        JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> AccessLog.line(requestId), l -> l != null);
        assertFalse(line.has("traceId"), line.toString());
    }

    @Test
    void aRequestWithoutTraceparentStartsASampledTraceAtTheSamplerRatio() throws Exception {
        String topic = TestKafka.createTopic("new-trace");
        String requestId = "new-trace-" + UUID.randomUUID();
        HttpResponse<String> response = traced.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                "X-Request-ID", requestId);

        String recordParent = traceparentOf(response);
        assertTrue(recordParent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}"), recordParent);
        assertTrue(sampled(recordParent), recordParent);
        String traceId = recordParent.split("-")[1];
        assertNotEquals("00000000000000000000000000000000", traceId);
        JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> AccessLog.line(requestId), l -> l != null);
        assertEquals(traceId, line.path("traceId").asText(), line.toString());
        OtlpReceiver.Received server = await().atMost(Duration.ofSeconds(30))
                .until(() -> span(traceId, SpanKind.SPAN_KIND_SERVER), s -> s != null);
        assertTrue(server.span().getParentSpanId().isEmpty(), "a trace of the gateway's own: its span is the root");
    }

    @Test
    void theExportedSpansNameTheTopicTheStatusAndWhereTheRecordLanded() {
        String topic = TestKafka.createTopic("exported");
        String traceId = hex(16);
        String callerSpan = hex(8);
        String requestId = "exported-" + UUID.randomUUID();
        HttpResponse<String> response = traced.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                "traceparent", "00-" + traceId + "-" + callerSpan + "-01", "X-Request-ID", requestId);
        JsonNode metadata = TestGateway.json(response).get("metadata");
        String recordParent = traceparentOf(response);

        OtlpReceiver.Received server = await().atMost(Duration.ofSeconds(30))
                .until(() -> span(traceId, SpanKind.SPAN_KIND_SERVER), s -> s != null);
        OtlpReceiver.Received send = await().atMost(Duration.ofSeconds(30))
                .until(() -> span(traceId, SpanKind.SPAN_KIND_PRODUCER), s -> s != null);
        assertEquals("POST /topics/{topic}/records", server.span().getName());
        assertEquals(callerSpan, server.parentSpanId(), "the request's span is a child of the caller's");
        assertEquals("200", server.attribute("http.response.status_code"));
        assertEquals(topic, server.attribute("messaging.destination.name"));
        assertEquals(requestId, server.attribute("gateway.request_id"));
        assertEquals("send " + topic, send.span().getName());
        assertEquals(server.spanId(), send.parentSpanId(), "the send is a child of the request");
        assertEquals("00-" + traceId + "-" + send.spanId() + "-01", recordParent, "the record's parent is the send");
        assertEquals("kafka", send.attribute("messaging.system"));
        assertEquals(topic, send.attribute("messaging.destination.name"));
        assertEquals(metadata.get("partition").asText(), send.attribute("messaging.destination.partition.id"));
        assertEquals(metadata.get("offset").asText(), send.attribute("messaging.kafka.offset"));
        assertTrue(send.span().getEndTimeUnixNano() >= send.span().getStartTimeUnixNano());

        // v2: one producer span per record, each with where its record landed
        String batchTrace = hex(16);
        HttpResponse<String> batch = traced.post("/v2/topics/" + topic + "/records", "application/json",
                bytes("[{\"value\":{\"type\":\"text\",\"data\":\"one\"}},{\"value\":{\"type\":\"text\",\"data\":\"two\"}}]"),
                "traceparent", "00-" + batchTrace + "-" + callerSpan + "-01");
        assertEquals(200, batch.statusCode(), batch.body());
        List<String> offsets = await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spans(SERVICE, batchTrace)
                .stream().filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_PRODUCER)
                .map(s -> s.attribute("messaging.destination.partition.id") + "@" + s.attribute("messaging.kafka.offset"))
                .sorted().toList(), list -> list.size() == 2);
        JsonNode results = TestGateway.json(batch).get("results");
        assertEquals(List.of(results.get(0).get("metadata"), results.get(1).get("metadata")).stream()
                .map(m -> m.get("partition").asText() + "@" + m.get("offset").asText()).sorted().toList(), offsets);
        OtlpReceiver.Received batchServer = await().atMost(Duration.ofSeconds(30))
                .until(() -> span(batchTrace, SpanKind.SPAN_KIND_SERVER), s -> s != null);
        assertEquals("POST /v2/topics/{topic}/records", batchServer.span().getName());
        assertEquals("200", batchServer.attribute("http.response.status_code"));

        // a refused request: its status, and no send
        String refusedTrace = hex(16);
        HttpResponse<String> refused = traced.post("/topics/" + topic + "/records", "image/png", bytes("v"),
                "traceparent", "00-" + refusedTrace + "-" + callerSpan + "-01");
        assertEquals(415, refused.statusCode(), refused.body());
        OtlpReceiver.Received refusedServer = await().atMost(Duration.ofSeconds(30))
                .until(() -> span(refusedTrace, SpanKind.SPAN_KIND_SERVER), s -> s != null);
        assertEquals("415", refusedServer.attribute("http.response.status_code"));
        assertNotEquals(StatusCode.STATUS_CODE_ERROR, refusedServer.span().getStatus().getCode(),
                "a client error is not the server's");
        assertNull(span(refusedTrace, SpanKind.SPAN_KIND_PRODUCER), "nothing was sent");
    }

    @Test
    void aMalformedTraceparentIsIgnoredNeverRefused() {
        String topic = TestKafka.createTopic("malformed-trace");
        String traceId = hex(16);
        String spanId = hex(8);
        for (String malformed : List.of("garbage", "00-" + "0".repeat(32) + "-" + spanId + "-01",
                "00-" + traceId + "-" + "0".repeat(16) + "-01", "00-" + traceId + "-" + spanId,
                "00-" + traceId + "x-" + spanId + "-01", "ff-" + traceId + "-" + spanId + "-01")) {
            // a gateway that starts traces: a new one
            HttpResponse<String> response = traced.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "traceparent", malformed, "tracestate", "vendor=abc");
            String recordParent = traceparentOf(response);
            assertTrue(recordParent.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}") && sampled(recordParent),
                    malformed + " gave " + recordParent);
            assertFalse(recordParent.contains(traceId), malformed + " gave " + recordParent);
            Landed.expect(topic, "v").header("traceparent", recordParent).in(response);
            // the defaults (only callers' traces): not traced, nothing added
            Landed.expect(topic, "v").in(TestGateway.shared().post("/topics/" + topic + "/records", "text/plain",
                    bytes("v"), "traceparent", malformed));
        }
    }

    @Test
    void withTracingOffNoRecordGetsATraceparentNoLineATraceIdAndNothingIsExported() throws Exception {
        String topic = TestKafka.createTopic("tracing-off");
        String service = "untraced-gateway-" + UUID.randomUUID();
        String requestId = "tracing-off-" + UUID.randomUUID();
        String traceparent = "00-" + hex(16) + "-" + hex(8) + "-01";
        try (TestGateway off = TestGateway.start(Map.of("gateway.tracing.enabled", "false",
                "gateway.tracing.sampler-ratio", "1", "gateway.tracing.otlp-endpoint", receiver.endpoint(),
                "gateway.tracing.service-name", service))) {
            Landed.expect(topic, "v").in(off.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "traceparent", traceparent, "tracestate", "vendor=abc", "X-Request-ID", requestId));
            Landed.expect(topic, "w").in(off.post("/topics/" + topic + "/records", "text/plain", bytes("w")));
            HttpResponse<String> batch = off.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("{\"value\":{\"type\":\"text\",\"data\":\"x\"}}"), "traceparent", traceparent);
            Landed.expect(topic, "x").in(batch);
            JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> AccessLog.line(requestId),
                    l -> l != null);
            assertFalse(line.has("traceId"), line.toString());
        }
        // stopped: a tracer would have exported what it held
        assertEquals(List.of(), receiver.spans(service));
    }

    @Test
    void spansGoToAnHttpsCollectorCheckedAgainstTheConfiguredCaWithTheConfiguredHeaders() throws Exception {
        String service = "tls-exporting-" + UUID.randomUUID();
        String password = Files.readString(TestGateway.CERTS.resolve("server.p12.password")).trim();
        try (OtlpReceiver secure = OtlpReceiver.https(TestGateway.CERTS.resolve("server.p12"), password,
                "Authorization", "Bearer otlp-secret");
             TestGateway gateway = TestGateway.start(Map.of("gateway.tracing.otlp-endpoint", secure.endpoint(),
                     // the test CA is not in the JVM's trust store: without this setting the export fails
                     "gateway.tracing.otlp-ca-file", TestGateway.CERTS.resolve("ca.pem").toString(),
                     "gateway.tracing.otlp-headers", " Authorization=Bearer otlp-secret , X-Scope-OrgID=gateway",
                     "gateway.tracing.service-name", service))) {
            String topic = TestKafka.createTopic("exported-tls");
            String traceId = hex(16);
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"),
                    "traceparent", "00-" + traceId + "-" + hex(8) + "-01");
            traceparentOf(response);
            List<OtlpReceiver.Received> spans = await().atMost(Duration.ofSeconds(30))
                    .until(() -> secure.spans(service, traceId), list -> list.size() == 2);
            assertEquals(java.util.Set.of(SpanKind.SPAN_KIND_PRODUCER, SpanKind.SPAN_KIND_SERVER),
                    spans.stream().map(r -> r.span().getKind()).collect(java.util.stream.Collectors.toSet()));
            assertEquals(0, secure.refused(), "every export carried the header");
        }
    }

    @Test
    void exportSettingsThatCannotWorkFailTheStartNamingTheSettingNeverAHeaderValue() {
        String endpoint = "https://localhost:1/v1/traces";
        String missingCa = messages(assertThrows(Exception.class, () -> TestGateway.start(Map.of(
                "gateway.tracing.otlp-endpoint", endpoint,
                "gateway.tracing.otlp-ca-file", "target/no-such-ca.pem")).close()));
        assertTrue(missingCa.contains("gateway.tracing.otlp-ca-file: cannot read target/no-such-ca.pem"), missingCa);
        String notPem = messages(assertThrows(Exception.class, () -> TestGateway.start(Map.of(
                "gateway.tracing.otlp-endpoint", endpoint,
                "gateway.tracing.otlp-ca-file", "pom.xml")).close()));
        assertTrue(notPem.contains("gateway.tracing.otlp-ca-file: pom.xml holds no PEM certificate"), notPem);
        String plain = messages(assertThrows(Exception.class, () -> TestGateway.start(Map.of(
                "gateway.tracing.otlp-endpoint", "http://localhost:1/v1/traces",
                "gateway.tracing.otlp-ca-file", TestGateway.CERTS.resolve("ca.pem").toString())).close()));
        assertTrue(plain.contains("gateway.tracing.otlp-ca-file is set, but gateway.tracing.otlp-endpoint is not an"
                + " https URL"), plain);
        // a colon instead of '=': the value (a secret) is not repeated in the error
        String malformed = messages(assertThrows(Exception.class, () -> TestGateway.start(Map.of(
                "gateway.tracing.otlp-endpoint", endpoint,
                "gateway.tracing.otlp-headers", "X-Scope-OrgID=gateway,Authorization: Bearer otlp-secret")).close()));
        assertTrue(malformed.contains("gateway.tracing.otlp-headers: pair 2 of 2 is not name=value"), malformed);
        assertFalse(malformed.contains("otlp-secret"), malformed);
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static String traceparentOf(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        String traceparent = TestGateway.headers(record(TestGateway.json(response).get("metadata"))).get("traceparent");
        assertTrue(traceparent != null, "the record has a traceparent");
        return traceparent;
    }

    private static ConsumerRecord<byte[], byte[]> record(JsonNode metadata) {
        return TestKafka.recordAt(metadata.get("topic").asText(), metadata.get("partition").asInt(),
                metadata.get("offset").asLong());
    }

    private static OtlpReceiver.Received span(String traceId, SpanKind kind) {
        return receiver.spans(SERVICE, traceId).stream().filter(s -> s.span().getKind() == kind).findFirst()
                .orElse(null);
    }

    /** Whether a traceparent's flags have the sampled bit (a new trace's also have W3C level 2's random bit). */
    private static boolean sampled(String traceparent) {
        return (Integer.parseInt(traceparent.substring(traceparent.length() - 2), 16) & 1) == 1;
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}

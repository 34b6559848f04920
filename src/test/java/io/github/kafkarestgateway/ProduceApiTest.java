package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v1 produce API end to end: HTTPS request in, record read back from the broker at the answered offset. */
class ProduceApiTest {

    private final TestGateway gateway = TestGateway.shared();

    @Test
    void producesTheDocumentedCurlRequestAndAnswersWithTheRecordsPartitionAndOffset() {
        String topic = TestKafka.createTopic("curl");
        long before = System.currentTimeMillis();

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain",
                bytes("test message"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        JsonNode metadata = TestGateway.json(response).get("metadata");
        assertEquals(topic, metadata.get("topic").asText());
        assertTrue(metadata.get("timestamp").isTextual(), "timestamp is a string: " + response.body());
        long timestamp = Long.parseLong(metadata.get("timestamp").asText());
        assertTrue(timestamp >= before && timestamp <= System.currentTimeMillis(), response.body());

        ConsumerRecord<byte[], byte[]> record = record(metadata);
        assertArrayEquals(bytes("test message"), record.value());
        assertNull(record.key(), "no key given: default partitioning");
        assertEquals(0, record.headers().toArray().length, "no request header reaches the record");
        assertEquals(timestamp, record.timestamp());
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "text/plain; charset=ISO-8859-1", "application/octet-stream", "text/xml",
        "application/xml; charset=utf-8", "application/vnd.ibm-event-streams.text.v1",
        "vnd.ibm-event-streams.text.v1", "application/vnd.ibm-event-streams.binary.v1",
        "vnd.ibm-event-streams.binary.v1", "TEXT/PLAIN"})
    void acceptsEachNonJsonContentTypeAndKeepsTheBytesUnchanged(String contentType) {
        String topic = TestKafka.createTopic("types");
        byte[] value = {(byte) 0xC1, (byte) 0xC2, 0x00, (byte) 0xFF, 0x3C, 0x61, 0x2F, 0x3E, 0x0A};

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", contentType, value);

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(value, record(TestGateway.json(response).get("metadata")).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8",
        "application/vnd.ibm-event-streams.json.v1", "vnd.ibm-event-streams.json.v1"})
    void acceptsValidJsonForEachJsonContentTypeAsSent(String contentType) {
        String topic = TestKafka.createTopic("json");
        byte[] value = bytes("{ \"order\" : 42,\n \"items\": [\"a\", {\"b\": null}], \"note\": \"caf\u00e9\" }");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", contentType, value);

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(value, record(TestGateway.json(response).get("metadata")).value());
    }

    @Test
    void usesTheTextKeyOfTheQuery() {
        String topic = TestKafka.createTopic("key-text");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=order%2042%20%C3%A9",
                "text/plain", bytes("v"));

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals("order 42 \u00e9".getBytes(StandardCharsets.UTF_8),
                record(TestGateway.json(response).get("metadata")).key());
    }

    @Test
    void decodesABinaryKeyFromHex() {
        String topic = TestKafka.createTopic("key-binary");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=00ff10Ab&keyType=binary",
                "application/octet-stream", bytes("v"));

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(new byte[] {0x00, (byte) 0xFF, 0x10, (byte) 0xAB},
                record(TestGateway.json(response).get("metadata")).key());
    }

    @Test
    void acceptsAKeyOfTheMaximumSizeInAUriNearTheLimit() {
        String topic = TestKafka.createTopic("key-max");
        byte[] key = new byte[4096];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?keyType=binary&key="
                + HexFormat.of().formatHex(key), "text/plain", bytes("v"));

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(key, record(TestGateway.json(response).get("metadata")).key());
    }

    @Test
    void writesTheHexHeadersOfTheQueryAndTheMappedRequestHeadersOnly() {
        String topic = TestKafka.createTopic("headers");

        HttpResponse<String> response = gateway.post(
                "/topics/" + topic + "/records?headers=colour:726463,size:666f726d696461626c65,empty:",
                "text/plain", bytes("v"),
                "X-Kafka-Header-Trace-Id", "trace-7",
                "X-Correlation-ID", "corr-9",
                "X-Other", "not mapped",
                "Cookie", "session=secret",
                "User-Agent", "curl/8");

        assertEquals(200, response.statusCode(), response.body());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("colour", "rdc");
        expected.put("size", "formidable");
        expected.put("empty", "");
        expected.put("Trace-Id", "trace-7");
        expected.put("correlation-id", "corr-9");
        assertEquals(expected, headers(record(TestGateway.json(response).get("metadata"))));
    }

    @Test
    void takesTheKeyFromTheMappedHeaderWhenTheQueryHasNone() {
        String topic = TestKafka.createTopic("key-header");

        HttpResponse<String> fromHeader = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("a"),
                "X-Kafka-Key", "customer-1");
        HttpResponse<String> queryWins = gateway.post("/topics/" + topic + "/records?key=customer-2", "text/plain",
                bytes("b"), "X-Kafka-Key", "customer-1");

        assertArrayEquals(bytes("customer-1"), record(TestGateway.json(fromHeader).get("metadata")).key());
        assertArrayEquals(bytes("customer-2"), record(TestGateway.json(queryWins).get("metadata")).key());
    }

    @Test
    void neverCopiesCredentialsOrOtherRequestHeadersIntoTheRecord() {
        String topic = TestKafka.createTopic("no-leak");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=k", "text/plain",
                bytes("v"), "key", "header-named-key", "headers", "a:00", "Authorization",
                "Bearer " + TestGateway.ALL_TOPICS_KEY, "Proxy-Authorization", "Basic eDp5");

        assertEquals(200, response.statusCode(), response.body());
        ConsumerRecord<byte[], byte[]> record = record(TestGateway.json(response).get("metadata"));
        assertEquals(Map.of(), headers(record));
        assertArrayEquals(bytes("k"), record.key(), "a request header named key is not the key parameter");
    }

    @Test
    void acceptsBasicAuthenticationWithUserTokenAndTheKeyAsPassword() {
        String topic = TestKafka.createTopic("basic");
        String basic = Base64.getEncoder().encodeToString(bytes("token:" + TestGateway.ALL_TOPICS_KEY));

        HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("via basic")).build());

        assertEquals(200, response.statusCode(), response.body());
        assertArrayEquals(bytes("via basic"), record(TestGateway.json(response).get("metadata")).value());
    }

    @Test
    void letsAKeyProduceToTheTopicsOfItsPattern() {
        String topic = TestKafka.createTopic("orders.eu");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("o"),
                "Authorization", "Bearer " + TestGateway.ORDERS_KEY);

        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void answersEachRecordWithItsOwnOffset() {
        String topic = TestKafka.createTopic("offsets");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("m" + i));
            JsonNode metadata = TestGateway.json(response).get("metadata");
            assertEquals(i, metadata.get("offset").asLong(), response.body());
            assertArrayEquals(bytes("m" + i), record(metadata).value());
        }
        assertEquals(5, TestKafka.recordCount(topic));
    }

    static ConsumerRecord<byte[], byte[]> record(JsonNode metadata) {
        return TestKafka.recordAt(metadata.get("topic").asText(), metadata.get("partition").asInt(),
                metadata.get("offset").asLong());
    }

    static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

package io.github.kafkarestgateway.produce;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static io.github.kafkarestgateway.testing.TestGateway.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

        // no key given (default partitioning), and no request header reaches the record
        ConsumerRecord<byte[], byte[]> record = Landed.expect(topic, "test message").in(response);
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

        Landed.expect(topic, value).in(response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8",
        "application/vnd.ibm-event-streams.json.v1", "vnd.ibm-event-streams.json.v1"})
    void acceptsValidJsonForEachJsonContentTypeAsSent(String contentType) {
        String topic = TestKafka.createTopic("json");
        byte[] value = bytes("{ \"order\" : 42,\n \"items\": [\"a\", {\"b\": null}], \"note\": \"caf\u00e9\" }");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", contentType, value);

        Landed.expect(topic, value).in(response);
    }

    @Test
    void usesTheTextKeyOfTheQuery() {
        String topic = TestKafka.createTopic("key-text");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=order%2042%20%C3%A9",
                "text/plain", bytes("v"));

        Landed.expect(topic, "v").key("order 42 \u00e9").in(response);
    }

    @Test
    void decodesABinaryKeyFromHex() {
        String topic = TestKafka.createTopic("key-binary");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=00ff10Ab&keyType=binary",
                "application/octet-stream", bytes("v"));

        Landed.expect(topic, "v").key(new byte[] {0x00, (byte) 0xFF, 0x10, (byte) 0xAB}).in(response);
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

        Landed.expect(topic, "v").key(key).in(response);
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

        // exactly these, nothing else; the record holds them in case-insensitive name order (they pass through
        // Camel's header map), not in the query's order, which the API does not promise to keep
        Landed.expect(topic, "v")
                .header("colour", "rdc")
                .header("correlation-id", "corr-9")
                .header("empty", new byte[0])
                .header("size", "formidable")
                .header("Trace-Id", "trace-7")
                .in(response);
    }

    @Test
    void takesTheKeyFromTheMappedHeaderWhenTheQueryHasNone() {
        String topic = TestKafka.createTopic("key-header");

        HttpResponse<String> fromHeader = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("a"),
                "X-Kafka-Key", "customer-1");
        HttpResponse<String> queryWins = gateway.post("/topics/" + topic + "/records?key=customer-2", "text/plain",
                bytes("b"), "X-Kafka-Key", "customer-1");

        Landed.expect(topic, "a").key("customer-1").in(fromHeader);
        Landed.expect(topic, "b").key("customer-2").in(queryWins);
    }

    @Test
    void neverCopiesCredentialsOrOtherRequestHeadersIntoTheRecord() {
        String topic = TestKafka.createTopic("no-leak");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=k", "text/plain",
                bytes("v"), "key", "header-named-key", "headers", "a:00", "Authorization",
                "Bearer " + TestGateway.ALL_TOPICS_KEY, "Proxy-Authorization", "Basic eDp5");

        // no header at all, and the key is the query's: a request header named key is not the key parameter
        Landed.expect(topic, "v").key("k").in(response);
    }

    @Test
    void acceptsBasicAuthenticationWithUserTokenAndTheKeyAsPassword() {
        String topic = TestKafka.createTopic("basic");
        String basic = Base64.getEncoder().encodeToString(bytes("token:" + TestGateway.ALL_TOPICS_KEY));

        HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("via basic")).build());

        Landed.expect(topic, "via basic").in(response);
    }

    @Test
    void letsAKeyProduceToTheTopicsOfItsPattern() {
        String topic = TestKafka.createTopic("orders.eu");

        HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("o"),
                "Authorization", "Bearer " + TestGateway.ORDERS_KEY);

        Landed.expect(topic, "o").in(response);
    }

    @Test
    void answersEachRecordWithItsOwnOffset() {
        String topic = TestKafka.createTopic("offsets");
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("m" + i));
            Landed.expect(topic, "m" + i).in(response);
            assertEquals(i, TestGateway.json(response).get("metadata").get("offset").asLong(), response.body());
        }
        assertEquals(5, TestKafka.recordCount(topic));
    }

    static ConsumerRecord<byte[], byte[]> record(JsonNode metadata) {
        return TestKafka.recordAt(metadata.get("topic").asText(), metadata.get("partition").asInt(),
                metadata.get("offset").asLong());
    }

}

package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static io.github.kafkarestgateway.ProduceApiTest.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 envelope and batches: each type, each error in the v2 shape, mixed outcomes, limits. */
class V2ApiTest {

    private final TestGateway gateway = TestGateway.shared();

    @Test
    void producesAnEnvelopeWithTextKeyHeadersPartitionAndTimestampExactly() {
        String topic = TestKafka.createTopic("v2-text", 2, Map.of());
        String body = "{\"headers\":[{\"name\":\"colour\",\"value\":\"" + b64("black") + "\"}],"
                + "\"key\":{\"type\":\"text\",\"data\":\"Test Key\"},\"value\":{\"type\":\"text\",\"data\":\"Test Value\"},"
                + "\"partition\":1,\"timestamp\":1700000000123}";

        HttpResponse<String> response = post(topic, body);

        assertEquals(200, response.statusCode(), response.body());
        JsonNode metadata = TestGateway.json(response).get("metadata");
        assertEquals(1, metadata.get("partition").asInt());
        assertEquals("1700000000123", metadata.get("timestamp").asText());
        ConsumerRecord<byte[], byte[]> record = ProduceApiTest.record(metadata);
        assertArrayEquals(bytes("Test Key"), record.key());
        assertArrayEquals(bytes("Test Value"), record.value());
        assertEquals(Map.of("colour", "black"), headers(record));
        assertEquals(1700000000123L, record.timestamp());
    }

    @Test
    void decodesBinaryDataAndKeepsJsonDataAsItsJsonText() {
        String topic = TestKafka.createTopic("v2-types");
        byte[] binary = {0, (byte) 0xFF, 0x10, 0x7F};

        HttpResponse<String> asBinary = post(topic, "{\"key\":{\"type\":\"binary\",\"data\":\""
                + Base64.getEncoder().encodeToString(binary) + "\"},\"value\":{\"type\":\"json\",\"data\":{\"a\":[1,true,null]}}}");
        HttpResponse<String> asNumber = post(topic, "{\"value\":{\"type\":\"json\",\"data\":42}}");

        ConsumerRecord<byte[], byte[]> first = ProduceApiTest.record(TestGateway.json(asBinary).get("metadata"));
        assertArrayEquals(binary, first.key());
        assertArrayEquals(bytes("{\"a\":[1,true,null]}"), first.value());
        ConsumerRecord<byte[], byte[]> second = ProduceApiTest.record(TestGateway.json(asNumber).get("metadata"));
        assertNull(second.key());
        assertArrayEquals(bytes("42"), second.value());
    }

    @Test
    void answersEnvelopeErrorsInTheV2ShapeNamingTheField() {
        String topic = TestKafka.createTopic("v2-errors");

        assertV2Error(post(topic, "{\"value\":{\"type\":\"avro\",\"data\":\"{}\"}}"), 400, "unsupported_type", "value.type");
        assertV2Error(post(topic, "{\"key\":{\"type\":\"text\",\"data\":\"k\"}}"), 400, "missing_field", "value");
        assertV2Error(post(topic, "{\"value\":{\"data\":\"x\"}}"), 400, "invalid_type", "value.type");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"binary\",\"data\":\"***\"}}"), 400, "invalid_base64", "value.data");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"headers\":[{\"name\":\"h\"}]}"),
                400, "invalid_header", "headers[0]");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"partition\":-1}"), 400,
                "invalid_partition", "partition");
        assertV2Error(post(topic, "{nope"), 400, "invalid_json", null);
        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "text/plain", bytes("v")), 415,
                "unsupported_media_type", null);
        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "application/json", bytes("{}"),
                "Authorization", "Bearer nope"), 401, "unauthorized", null);
        assertV2Error(gateway.post("/v2/topics/v2-missing-topic/records", "application/json",
                bytes("{\"value\":{\"type\":\"text\",\"data\":\"v\"}}")), 404, "not_found", null);
        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void producesABatchInOrderAndAnswers207WithEachRecordsOutcome() {
        String topic = TestKafka.createTopic("v2-batch");
        String body = "[" + value("one") + "," + "{\"value\":{\"type\":\"text\",\"data\":\"bad\"},\"partition\":7}"
                + "," + value("three") + "]";

        HttpResponse<String> response = post(topic, body);

        assertEquals(207, response.statusCode(), response.body());
        JsonNode results = TestGateway.json(response).get("results");
        assertEquals(3, results.size());
        assertArrayEquals(bytes("one"), ProduceApiTest.record(results.get(0).get("metadata")).value());
        assertEquals(400, results.get(1).get("status").asInt(), response.body());
        assertEquals("invalid_partition", results.get(1).get("error").get("code").asText());
        assertArrayEquals(bytes("three"), ProduceApiTest.record(results.get(2).get("metadata")).value());
        assertTrue(results.get(2).get("metadata").get("offset").asLong()
                > results.get(0).get("metadata").get("offset").asLong(), "request order");
        assertEquals(2, TestKafka.recordCount(topic), "exactly the records reported as produced");

        HttpResponse<String> allGood = post(topic, "[" + value("four") + "," + value("five") + "]");
        assertEquals(200, allGood.statusCode(), allGood.body());
        assertEquals(2, TestGateway.json(allGood).get("results").size());
    }

    @Test
    void keepsEachRecordOfABatchWhoseDeliveryFailedAsADeadLetter() throws Exception {
        String topic = TestKafka.createTopic("v2-poison");
        try (TestGateway poisoned = TestGateway.start(Map.of("kafka.partitioner.class", PoisonPartitioner.class.getName()))) {
            String body = "[" + value("fine") + ",{\"key\":{\"type\":\"text\",\"data\":\"poison\"},"
                    + "\"value\":{\"type\":\"text\",\"data\":\"kept\"}}]";

            HttpResponse<String> response = poisoned.send(poisoned.request("/v2/topics/" + topic + "/records")
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());

            assertEquals(207, response.statusCode(), response.body());
            JsonNode failed = TestGateway.json(response).get("results").get(1);
            assertEquals(500, failed.get("status").asInt());
            List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(poisoned.journal());
            assertEquals(1, kept.size());
            assertEquals(failed.get("trace").asText(), kept.get(0).id());
            assertArrayEquals(bytes("kept"), kept.get(0).value());
            assertArrayEquals(bytes("poison"), kept.get(0).key());
            assertEquals(1, TestKafka.recordCount(topic));
        }
    }

    @Test
    void refusesBatchesOverTheCountOrSizeLimit() throws Exception {
        String topic = TestKafka.createTopic("v2-limits");
        try (TestGateway small = TestGateway.start(Map.of("gateway.v2.max-records", "2",
                "gateway.v2.max-request-bytes", "200"))) {
            HttpResponse<String> tooMany = small.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("[" + value("1") + "," + value("2") + "," + value("3") + "]"));
            assertV2Error(tooMany, 400, "invalid_batch", null);
            HttpResponse<String> tooLarge = small.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("[" + value("x".repeat(150)) + "," + value("y".repeat(150)) + "]"));
            assertV2Error(tooLarge, 400, null, null);
            assertEquals(0, TestKafka.recordCount(topic));
        }
    }

    private HttpResponse<String> post(String topic, String json) {
        return gateway.post("/v2/topics/" + topic + "/records", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private static String value(String text) {
        return "{\"value\":{\"type\":\"text\",\"data\":\"" + text + "\"}}";
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }

    /** The v2 error shape: trace, error.code, error.message, error.more_info, and error.target when a field is named. */
    static JsonNode assertV2Error(HttpResponse<String> response, int status, String code, String target) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        JsonNode body = TestGateway.json(response);
        assertTrue(body.get("trace").isTextual() && !body.get("trace").asText().isEmpty(), response.body());
        JsonNode error = body.get("error");
        if (code != null) {
            assertEquals(code, error.get("code").asText(), response.body());
        }
        assertTrue(error.get("message").isTextual() && error.get("more_info").isTextual(), response.body());
        if (target != null) {
            assertEquals("field", error.get("target").get("type").asText());
            assertEquals(target, error.get("target").get("name").asText());
        }
        return body;
    }
}

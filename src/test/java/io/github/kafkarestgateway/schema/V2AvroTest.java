package io.github.kafkarestgateway.schema;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import io.github.kafkarestgateway.testing.TestRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.schema.SchemaApiTest.ORDER;
import static io.github.kafkarestgateway.schema.SchemaApiTest.VALID_ORDER_JSON;
import static io.github.kafkarestgateway.schema.SchemaApiTest.avroBinary;
import static io.github.kafkarestgateway.schema.SchemaApiTest.subject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * v2 envelopes of {@code type: avro} (IBM Cloud's form, {@code serializer=confluent}), end to end: a real Apicurio
 * Registry, the gateway over HTTPS, and the records read back from the broker and decoded by Avro's own reader.
 */
class V2AvroTest {

    static final String CUSTOMER_KEY = """
            {"type":"record","name":"CustomerKey","namespace":"shop","fields":[{"name":"customer","type":"string"}]}""";
    /** ORDER's second version: one more field, with a default. */
    static final String ORDER_V2 = ORDER.substring(0, ORDER.lastIndexOf(']'))
            + ",{\"name\":\"note\",\"type\":\"string\",\"default\":\"\"}]}";

    private static final String RUN = Long.toString(System.currentTimeMillis(), 36);

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Map.of("gateway.schema-registry.url", TestRegistry.url()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    void anInlineSchemaRegisteredUnderTheTopicFramesTheValueAsConfluentsSerializerDoes() throws Exception {
        String topic = topic();
        int id = TestRegistry.register(topic + "-value", ORDER, "AVRO");
        ObjectNode envelope = TestGateway.JSON.createObjectNode();
        envelope.putArray("headers").addObject().put("name", "colour")
                .put("value", Base64.getEncoder().encodeToString(bytes("black")));
        envelope.set("value", avro(VALID_ORDER_JSON).put("schema", ORDER));

        HttpResponse<String> answer = post(topic, "?serializer=confluent", envelope.toString());

        assertEquals(200, answer.statusCode(), answer.body());
        ConsumerRecord<byte[], byte[]> record = landed(topic, TestGateway.json(answer).get("metadata"));
        GenericRecord order = decoded(ORDER, id, record.value());
        assertEquals("o-1", order.get("id").toString());
        assertEquals(12, order.get("amount"));
        GenericRecord line = (GenericRecord) ((GenericData.Array<?>) order.get("lines")).get(0);
        assertEquals("a", line.get("sku").toString());
        assertEquals(2, line.get("qty"));
        assertArrayEquals(avroBinary(ORDER, VALID_ORDER_JSON), Arrays.copyOfRange(record.value(), 5,
                record.value().length));
        // the envelope's headers, and no schema headers: the framing names the schema
        assertEquals(Map.of("colour", "black"), TestGateway.headers(record));
        assertEquals(null, record.key());
    }

    @Test
    void keyAndValueMayUseDifferentSchemasAndAnInlineSchemaMayBeAnObject() throws Exception {
        String topic = topic();
        int keyId = TestRegistry.register(topic + "-key", CUSTOMER_KEY, "AVRO");
        String valueSubject = subject("v2-order");
        int valueId = TestRegistry.register(valueSubject, ORDER, "AVRO");
        ObjectNode envelope = TestGateway.JSON.createObjectNode();
        envelope.set("key", avro("{\"customer\":\"c-7\"}").set("schema", TestGateway.JSON.readTree(CUSTOMER_KEY)));
        envelope.set("value", avro(VALID_ORDER_JSON).put("subject", valueSubject));

        HttpResponse<String> answer = post(topic, "", envelope.toString());

        assertEquals(200, answer.statusCode(), answer.body());
        ConsumerRecord<byte[], byte[]> record = landed(topic, TestGateway.json(answer).get("metadata"));
        assertNotEquals(keyId, valueId);
        assertEquals("c-7", decoded(CUSTOMER_KEY, keyId, record.key()).get("customer").toString());
        assertEquals("o-1", decoded(ORDER, valueId, record.value()).get("id").toString());
    }

    @Test
    void aSchemaIsNamedBySubjectAndVersionOrBySchemaId() throws Exception {
        String topic = topic();
        String subject = subject("v2-order");
        int first = TestRegistry.register(subject, ORDER, "AVRO");
        int second = TestRegistry.register(subject, ORDER_V2, "AVRO");
        assertNotEquals(first, second);

        // Avro's JSON encoding names every field: the latest version takes the note
        String withNote = VALID_ORDER_JSON.substring(0, VALID_ORDER_JSON.length() - 1) + ",\"note\":\"n\"}";
        ConsumerRecord<byte[], byte[]> latest = produced(topic, avro(withNote).put("subject", subject));
        assertEquals("n", decoded(ORDER_V2, second, latest.value()).get("note").toString());
        ConsumerRecord<byte[], byte[]> versionOne = produced(topic, avro(VALID_ORDER_JSON).put("subject", subject)
                .put("version", 1));
        assertEquals("o-1", decoded(ORDER, first, versionOne.value()).get("id").toString());
        ConsumerRecord<byte[], byte[]> byId = produced(topic, avro("{\"id\":\"o-2\",\"amount\":3,\"lines\":[],"
                + "\"note\":\"n\"}").put("schema_id", second));
        assertEquals("n", decoded(ORDER_V2, second, byId.value()).get("note").toString());
    }

    @Test
    void theRecordStrategiesNameTheSubjectAfterTheRecordsFullName() throws Exception {
        String topic = topic();
        String name = "Order" + System.nanoTime();
        String schema = ORDER.replace("\"name\":\"Order\"", "\"name\":\"" + name + "\"");
        int byRecord = TestRegistry.register("shop." + name + "-value", schema, "AVRO");
        int byTopicRecord = TestRegistry.register(topic + "-shop." + name + "-value", schema, "AVRO");

        ConsumerRecord<byte[], byte[]> record = produced(topic, avro(VALID_ORDER_JSON).put("schema", schema)
                .put("schema_name_strategy", "record"));
        assertEquals("o-1", decoded(schema, byRecord, record.value()).get("id").toString());
        ConsumerRecord<byte[], byte[]> topicRecord = produced(topic, avro(VALID_ORDER_JSON).put("schema", schema)
                .put("schema_name_strategy", "topic_record"));
        assertEquals("o-1", decoded(schema, byTopicRecord, topicRecord.value()).get("id").toString());
    }

    @Test
    void eachFailureIsAV2ErrorNamingTheFieldAndNothingIsProduced() throws Exception {
        String topic = topic();
        String subject = subject("v2-order");
        int id = TestRegistry.register(subject, ORDER, "AVRO");
        TestRegistry.register(topic + "-key", CUSTOMER_KEY, "AVRO");
        String jsonSchema = subject("v2-json");
        TestRegistry.register(jsonSchema, SchemaApiTest.ORDER_JSON_SCHEMA, "JSON");

        JsonNode wrongType = assertV2Error(post(topic, "", value(avro("{\"id\":\"o-1\",\"amount\":\"twelve\","
                + "\"lines\":[]}").put("subject", subject))), 400, "invalid_data", "value.data");
        assertTrue(wrongType.get("error").get("message").asText().contains("field 'amount'"), wrongType.toString());
        JsonNode nested = assertV2Error(post(topic, "", value(avro("{\"id\":\"o-1\",\"amount\":1,"
                + "\"lines\":[{\"sku\":\"a\",\"qty\":null}]}").put("schema_id", id))), 400, "invalid_data", "value.data");
        assertTrue(nested.get("error").get("message").asText().contains("field 'lines.qty'"), nested.toString());
        ObjectNode badKey = value(avro(VALID_ORDER_JSON).put("subject", subject));
        badKey.set("key", avro("{\"client\":\"c\"}").put("schema", CUSTOMER_KEY));
        assertV2Error(post(topic, "", badKey.toString()), 400, "invalid_data", "key.data");

        assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("subject", subject + "-nope"))), 404,
                "schema_not_found", "value.subject");
        assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("subject", subject).put("version", 9))), 404,
                "schema_not_found", "value.subject");
        assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("schema_id", 987654321))), 404,
                "schema_not_found", "value.schema_id");
        JsonNode unregistered = assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("schema", ORDER))),
                404, "schema_not_found", "value.schema");
        assertEquals("The schema is not registered under subject '" + topic + "-value': the gateway does not"
                + " register schemas, register it in the registry first",
                unregistered.get("error").get("message").asText());
        assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("schema", "{\"type\":\"record\"}"))), 400,
                "invalid_schema", "value.schema");
        assertV2Error(post(topic, "", value(avro("{}").put("subject", jsonSchema))), 400, "invalid_schema",
                "value.subject");
        assertV2Error(post(topic, "", value(avro(VALID_ORDER_JSON).put("subject", "no/slash"))), 400,
                "invalid_schema_reference", "value.subject");
        assertV2Error(post(topic, "?serializer=avro", value(avro(VALID_ORDER_JSON).put("subject", subject))), 400,
                "invalid_serializer", "serializer");
        assertV2Error(post(TestGateway.shared(), topic, "", value(avro(VALID_ORDER_JSON).put("subject", subject))),
                400, "no_schema_registry", "value.type");
        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void anUnreachableRegistryIs503WithRetryAfterAndNoDeadLetter() throws Exception {
        String topic = topic();
        try (TestGateway unreachable = TestGateway.start(Map.of(
                "gateway.schema-registry.url", "http://127.0.0.1:9/apis/ccompat/v7",
                "gateway.schema-registry.timeout-ms", "1000"))) {
            HttpResponse<String> answer = post(unreachable, topic, "", value(avro(VALID_ORDER_JSON)
                    .put("subject", "orders-value")));
            JsonNode body = assertV2Error(answer, 503, "schema_registry_unavailable", null);
            assertEquals("1", answer.headers().firstValue("Retry-After").orElse(null), answer.body());
            // nothing was taken on: no dead letter (its trace is the request id, not an entry's id)
            assertTrue(!body.get("trace").asText().startsWith("dl-"), answer.body());
        }
        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void aBatchRecordThatFailsGetsItsOwnErrorIn207AndTheOthersLand() throws Exception {
        String topic = topic();
        int id = TestRegistry.register(topic + "-value", ORDER, "AVRO");
        String body = "[" + value(avro(VALID_ORDER_JSON).put("schema", ORDER)) + ","
                + value(avro("{\"id\":\"o-2\",\"amount\":\"two\",\"lines\":[]}").put("schema", ORDER)) + ","
                + "{\"value\":{\"type\":\"text\",\"data\":\"plain\"}},"
                + value(avro(VALID_ORDER_JSON).put("schema_id", 987654321)) + ","
                + value(avro("{\"id\":\"o-5\",\"amount\":5,\"lines\":[]}").put("schema_id", id)) + "]";

        HttpResponse<String> answer = post(topic, "", body);

        assertEquals(207, answer.statusCode(), answer.body());
        JsonNode results = TestGateway.json(answer).get("results");
        assertEquals(5, results.size(), answer.body());
        assertEquals("o-1", decoded(ORDER, id, landed(topic, results.get(0).get("metadata")).value())
                .get("id").toString());
        JsonNode invalid = results.get(1);
        assertEquals(400, invalid.get("status").asInt(), answer.body());
        assertEquals("invalid_data", invalid.get("error").get("code").asText());
        assertEquals("[1].value.data", invalid.get("error").get("target").get("name").asText());
        assertTrue(invalid.get("error").get("message").asText().contains("field 'amount'"), answer.body());
        assertTrue(invalid.get("trace").isTextual(), answer.body());
        assertArrayEquals(bytes("plain"), landed(topic, results.get(2).get("metadata")).value());
        JsonNode unknown = results.get(3);
        assertEquals(404, unknown.get("status").asInt(), answer.body());
        assertEquals("schema_not_found", unknown.get("error").get("code").asText());
        assertEquals("[3].value.schema_id", unknown.get("error").get("target").get("name").asText());
        assertEquals("o-5", decoded(ORDER, id, landed(topic, results.get(4).get("metadata")).value())
                .get("id").toString());
        assertEquals(3, TestKafka.recordCount(topic));
    }

    /** A new topic; its name is new to the registry too, whose subjects outlive a test run. */
    private static String topic() {
        return TestKafka.createTopic("v2-avro-" + RUN);
    }

    private static ObjectNode avro(String data) {
        return TestGateway.JSON.createObjectNode().put("type", "avro").put("data", data);
    }

    private static ObjectNode value(ObjectNode part) {
        ObjectNode envelope = TestGateway.JSON.createObjectNode();
        envelope.set("value", part);
        return envelope;
    }

    private static ConsumerRecord<byte[], byte[]> produced(String topic, ObjectNode part) {
        HttpResponse<String> answer = post(topic, "", value(part).toString());
        assertEquals(200, answer.statusCode(), answer.body());
        return landed(topic, TestGateway.json(answer).get("metadata"));
    }

    private static HttpResponse<String> post(String topic, String query, Object body) {
        return post(gateway, topic, query, body);
    }

    private static HttpResponse<String> post(TestGateway to, String topic, String query, Object body) {
        return to.post("/v2/topics/" + topic + "/records" + query, "application/json", bytes(body.toString()));
    }

    private static ConsumerRecord<byte[], byte[]> landed(String topic, JsonNode metadata) {
        return TestKafka.recordAt(topic, metadata.get("partition").asInt(), metadata.get("offset").asLong());
    }

    /** Checks the Confluent framing (magic byte 0, the schema id) and decodes the rest with Avro's own reader. */
    private static GenericRecord decoded(String schema, int id, byte[] framed) throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(framed);
        assertEquals(0, buffer.get(), "magic byte");
        assertEquals(id, buffer.getInt(), "schema id");
        Schema parsed = new Schema.Parser().parse(schema);
        return (GenericRecord) new GenericDatumReader<>(parsed).read(null,
                DecoderFactory.get().binaryDecoder(framed, 5, framed.length - 5, null));
    }

    private static JsonNode assertV2Error(HttpResponse<String> response, int status, String code, String target) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        JsonNode body = TestGateway.json(response);
        assertTrue(body.get("trace").isTextual() && !body.get("trace").asText().isEmpty(), response.body());
        JsonNode error = body.get("error");
        assertEquals(code, error.get("code").asText(), response.body());
        assertTrue(error.get("message").isTextual() && error.get("more_info").isTextual(), response.body());
        if (target == null) {
            assertTrue(error.get("target") == null, response.body());
        } else {
            assertEquals("field", error.get("target").get("type").asText(), response.body());
            assertEquals(target, error.get("target").get("name").asText(), response.body());
        }
        return body;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

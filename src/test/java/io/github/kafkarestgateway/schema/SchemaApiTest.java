package io.github.kafkarestgateway.schema;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.testing.GuardedRegistry;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import io.github.kafkarestgateway.testing.TestRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * v1 with schemas, end to end: a real Apicurio Registry (its Confluent-compatible API), the gateway's routes over
 * HTTPS, and the records read back from the broker (Avro's own reader decodes the Confluent framing).
 */
class SchemaApiTest {

    static final String ORDER = """
            {"type":"record","name":"Order","namespace":"shop","fields":[
              {"name":"id","type":"string"},
              {"name":"amount","type":"int"},
              {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
                {"name":"sku","type":"string"},{"name":"qty","type":"int"}]}}}]}""";
    static final String ORDER_JSON_SCHEMA = """
            {"$schema":"http://json-schema.org/draft-07/schema#","type":"object","required":["id","amount"],
             "properties":{"id":{"type":"string"},"amount":{"type":"integer","minimum":0}}}""";
    static final String VALID_ORDER_JSON = "{\"id\":\"o-1\",\"amount\":12,\"lines\":[{\"sku\":\"a\",\"qty\":2}]}";
    private static final AtomicInteger SUBJECTS = new AtomicInteger();

    static TestGateway gateway;
    static TestGateway confluent;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Map.of("gateway.schema-registry.url", TestRegistry.url(),
                "gateway.schema.enforce", "enforced-*"));
        confluent = TestGateway.start(Map.of("gateway.schema-registry.url", TestRegistry.url(),
                "gateway.schema.wire-format", "confluent", "gateway.schema.headers", "apicurio"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        confluent.close();
    }

    static String subject(String prefix) {
        return prefix + "-" + SUBJECTS.incrementAndGet() + "-" + System.nanoTime() % 100000;
    }

    /** The record expected: this value, with Event Streams' headers of version 1 of the subject, in this encoding. */
    static Landed withSchemaHeaders(String topic, byte[] value, String subject, String encoding) {
        return Landed.expect(topic, value)
                .header(ApplySchema.ES_ENCODING, encoding)
                .header(ApplySchema.ES_SCHEMA_ID, subject)
                .header(ApplySchema.ES_SCHEMA_VERSION, "1");
    }

    static Landed withSchemaHeaders(String topic, String value, String subject, String encoding) {
        return withSchemaHeaders(topic, bytes(value), subject, encoding);
    }

    static byte[] avroBinary(String schema, String json) throws Exception {
        Schema parsed = new Schema.Parser().parse(schema);
        Object datum = new GenericDatumReader<>(parsed).read(null,
                DecoderFactory.get().jsonDecoder(parsed, json));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(parsed).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    @Test
    void avroBinaryThatValidatesIsProducedUnchangedWithEventStreamsHeaders() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        String topic = TestKafka.createTopic("schema");
        byte[] value = avroBinary(ORDER, VALID_ORDER_JSON);
        HttpResponse<String> answer = gateway.post("/topics/" + topic + "/records?schemaname=" + subject
                + "&schemaversion=1&schemavalidation=true", "application/octet-stream", value);
        withSchemaHeaders(topic, value, subject, "BINARY").in(answer);
        assertFalse(TestGateway.json(answer).has("Comment"), answer.body());
    }

    @Test
    void avroJsonIsValidatedByAvrosJsonEncodingAndSentAsReceived() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        String topic = TestKafka.createTopic("schema");
        // no version: the latest
        HttpResponse<String> answer = gateway.post("/topics/" + topic + "/records?schemaname=" + subject
                + "&schemavalidation=true", "application/json", bytes(VALID_ORDER_JSON));
        withSchemaHeaders(topic, VALID_ORDER_JSON, subject, "JSON").in(answer);
    }

    @Test
    void anInvalidValueIsA400NamingTheFieldAndTheSchema() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        String topic = TestKafka.createTopic("schema");
        String base = "/topics/" + topic + "/records?schemaname=" + subject + "&schemaversion=1&schemavalidation=true";

        JsonNode wrongType = assertError(gateway.post(base, "application/json",
                bytes("{\"id\":\"o-1\",\"amount\":\"twelve\",\"lines\":[]}")), 400);
        assertTrue(wrongType.get("message").asText().contains("field 'amount'"), wrongType.toString());
        assertEquals(subject + "/1", wrongType.get("error").get("schema").asText(), wrongType.toString());

        JsonNode nested = assertError(gateway.post(base, "application/json",
                bytes("{\"id\":\"o-1\",\"amount\":1,\"lines\":[{\"sku\":\"a\",\"qty\":null}]}")), 400);
        assertTrue(nested.get("message").asText().contains("field 'lines.qty'"), nested.toString());
        assertFalse(nested.get("message").asText().contains("content mismatch"), nested.toString());

        byte[] valid = avroBinary(ORDER, VALID_ORDER_JSON);
        JsonNode truncated = assertError(gateway.post(base, "application/octet-stream",
                Arrays.copyOf(valid, valid.length - 3)), 400);
        assertTrue(truncated.get("message").asText().contains("field 'lines"), truncated.toString());

        byte[] longer = Arrays.copyOf(valid, valid.length + 2);
        JsonNode leftOver = assertError(gateway.post(base, "application/octet-stream", longer), 400);
        assertTrue(leftOver.get("message").asText().contains("left over"), leftOver.toString());

        // a block "of a billion records" in four bytes: refused at once, nothing allocated for it
        byte[] hostile = {2, 'x', 2, (byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
        assertError(gateway.post(base, "application/octet-stream", hostile), 400);

        // without schemavalidation=true the value is not checked (Event Streams' own behaviour): headers only
        withSchemaHeaders(topic, longer, subject, "BINARY")
                .in(gateway.post("/topics/" + topic + "/records?schemaname=" + subject, "application/octet-stream",
                        longer));
        assertEquals(1, TestKafka.allRecords(topic).size(), "only the unchecked record landed");
    }

    @Test
    void aJsonSchemaValidatesJsonBodiesAndNamesThePath() throws Exception {
        String subject = subject("json-order");
        TestRegistry.register(subject, ORDER_JSON_SCHEMA, "JSON");
        String topic = TestKafka.createTopic("schema");
        String base = "/topics/" + topic + "/records?schemaname=" + subject + "&schemavalidation=true";
        String valid = "{\"id\":\"o-1\",\"amount\":3}";
        withSchemaHeaders(topic, valid, subject, "JSON").in(gateway.post(base, "application/json", bytes(valid)));
        JsonNode invalid = assertError(gateway.post(base, "application/json", bytes("{\"id\":\"o-1\",\"amount\":-3}")),
                400);
        assertTrue(invalid.get("message").asText().contains("/amount"), invalid.toString());
        JsonNode missing = assertError(gateway.post(base, "application/json", bytes("{\"id\":\"o-1\"}")), 400);
        assertTrue(missing.get("message").asText().contains("amount"), missing.toString());
    }

    @Test
    void unknownSchemasAndVersionsAre404AndMalformedReferences400() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        String topic = TestKafka.createTopic("schema");
        String records = "/topics/" + topic + "/records";
        JsonNode unknown = assertError(gateway.post(records + "?schemaname=no-such-" + subject, "application/json",
                bytes(VALID_ORDER_JSON)), 404);
        assertEquals("no-such-" + subject, unknown.get("error").get("schema").asText());
        JsonNode version = assertError(gateway.post(records + "?schemaname=" + subject + "&schemaversion=7",
                "application/json", bytes(VALID_ORDER_JSON)), 404);
        assertTrue(version.get("message").asText().contains("version 7"), version.toString());
        for (String query : new String[] {"schemaname=..%2F..%2Fapis", "schemaname=a%20b", "schemaname=" + "x".repeat(201),
                "schemaname=" + subject + "&schemaversion=99999999999", "schemaname=" + subject + "&schemaversion=-1",
                "schemaname=" + subject + "&schemaversion=1&schemaversion=2", "schemaversion=1",
                "schemavalidation=true", "schemaname=" + subject + "&schemavalidation=yes"}) {
            assertError(gateway.post(records + "?" + query, "application/json", bytes(VALID_ORDER_JSON)), 400);
        }
        // a schema of a type the gateway does not validate is refused, never produced without its check
        String proto = subject("proto");
        TestRegistry.register(proto, "syntax = \"proto3\"; message Order { string id = 1; }", "PROTOBUF");
        JsonNode unusable = assertError(gateway.post(records + "?schemaname=" + proto, "application/json",
                bytes(VALID_ORDER_JSON)), 400);
        assertTrue(unusable.get("message").asText().contains("PROTOBUF"), unusable.toString());
        assertTrue(TestKafka.allRecords(topic).isEmpty());
    }

    @Test
    void aDeprecatedVersionStillProducesAndTheAnswerSaysSo() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        TestRegistry.deprecate(subject, 1);
        String topic = TestKafka.createTopic("schema");
        HttpResponse<String> answer = gateway.post("/topics/" + topic + "/records?schemaname=" + subject
                + "&schemaversion=1", "application/json", bytes(VALID_ORDER_JSON));
        withSchemaHeaders(topic, VALID_ORDER_JSON, subject, "JSON").in(answer);
        assertEquals("Schema '" + subject + "' version 1 is deprecated",
                TestGateway.json(answer).get("Comment").asText(), answer.body());
    }

    @Test
    void anEnforcedTopicTakesOnlyRecordsOfItsSubject() throws Exception {
        String topic = TestKafka.createTopic(subject("enforced"));
        String records = "/topics/" + topic + "/records";
        JsonNode noSubject = assertError(gateway.post(records, "application/json", bytes(VALID_ORDER_JSON)), 400);
        assertEquals(topic + "-value", noSubject.get("error").get("schema").asText(), noSubject.toString());

        TestRegistry.register(topic + "-value", ORDER, "AVRO");
        // the miss above is remembered for cache-missing-ms (5 s): wait until the subject is seen
        HttpResponse<String> answer = awaitNot400(records);
        withSchemaHeaders(topic, VALID_ORDER_JSON, topic + "-value", "JSON").in(answer);
        JsonNode invalid = assertError(gateway.post(records, "application/json", bytes("{\"id\":1}")), 400);
        assertTrue(invalid.get("message").asText().contains("field 'id'"), invalid.toString());
        // a topic that is not enforced takes any record
        String free = TestKafka.createTopic("free");
        Landed.expect(free, "{\"id\":1}").in(gateway.post("/topics/" + free + "/records", "application/json",
                bytes("{\"id\":1}")));
    }

    private static HttpResponse<String> awaitNot400(String records) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            HttpResponse<String> answer = gateway.post(records, "application/json", bytes(VALID_ORDER_JSON));
            if (answer.statusCode() != 400 || System.currentTimeMillis() > deadline) {
                return answer;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void theConfluentWireFormatIsReadByAvrosOwnReaderWithApicurioHeaders() throws Exception {
        String subject = subject("order");
        int id = TestRegistry.register(subject, ORDER, "AVRO");
        String topic = TestKafka.createTopic("schema");
        HttpResponse<String> answer = confluent.post("/topics/" + topic + "/records?schemaname=" + subject,
                "application/json", bytes(VALID_ORDER_JSON));
        assertEquals(200, answer.statusCode(), answer.body());
        JsonNode metadata = TestGateway.json(answer).get("metadata");
        ConsumerRecord<byte[], byte[]> record = TestKafka.recordAt(topic, metadata.get("partition").asInt(),
                metadata.get("offset").asLong());
        ByteBuffer value = ByteBuffer.wrap(record.value());
        assertEquals(0, value.get(), "magic byte");
        assertEquals(id, value.getInt(), "schema id");
        Schema schema = new Schema.Parser().parse(ORDER);
        byte[] avro = Arrays.copyOfRange(record.value(), 5, record.value().length);
        GenericRecord read = (GenericRecord) new GenericDatumReader<>(schema).read(null,
                DecoderFactory.get().binaryDecoder(avro, null));
        assertEquals("o-1", read.get("id").toString());
        assertEquals(12, read.get("amount"));
        GenericRecord line = (GenericRecord) ((GenericData.Array<?>) read.get("lines")).get(0);
        assertEquals("a", line.get("sku").toString());
        assertEquals(2, line.get("qty"));
        assertArrayEquals(avroBinary(ORDER, VALID_ORDER_JSON), avro);

        Map<String, byte[]> headers = new java.util.LinkedHashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), header.value()));
        assertEquals(java.util.Set.of(ApplySchema.APICURIO_GLOBAL_ID, ApplySchema.APICURIO_ENCODING), headers.keySet());
        assertArrayEquals(bytes("BINARY"), headers.get(ApplySchema.APICURIO_ENCODING));
        assertEquals(8, headers.get(ApplySchema.APICURIO_GLOBAL_ID).length);
        assertEquals(TestRegistry.globalId(subject, 1), ByteBuffer.wrap(headers.get(ApplySchema.APICURIO_GLOBAL_ID))
                .getLong());

        // the Confluent framing needs a value that decodes: an invalid one is refused even without schemavalidation
        assertError(confluent.post("/topics/" + topic + "/records?schemaname=" + subject, "application/json",
                bytes("{\"id\":\"o-2\"}")), 400);
    }

    @Test
    void withoutARegistryASchemaIsA400() {
        String topic = TestKafka.createTopic("schema");
        JsonNode refused = assertError(TestGateway.shared().post("/topics/" + topic
                + "/records?schemaname=orders-value", "application/json", bytes(VALID_ORDER_JSON)), 400);
        assertTrue(refused.get("message").asText().contains("gateway.schema-registry.url"), refused.toString());
        // a request without a schema is not touched
        Landed.expect(topic, VALID_ORDER_JSON).in(TestGateway.shared().post("/topics/" + topic + "/records",
                "application/json", bytes(VALID_ORDER_JSON)));
    }

    @Test
    void readinessReportsTheRegistry() throws Exception {
        HttpResponse<String> ready = gateway.send(gateway.request("/ready").GET().build());
        assertEquals(200, ready.statusCode(), ready.body());
        assertEquals("UP", TestGateway.json(ready).get("checks").get("schemaRegistry").get("status").asText());
        HttpResponse<String> plain = TestGateway.shared().send(TestGateway.shared().request("/ready").GET().build());
        assertFalse(TestGateway.json(plain).get("checks").has("schemaRegistry"), plain.body());
    }

    @Test
    void whenTheRegistryStopsAnsweringCachedSchemasGoOnAndUncachedOnesAre503InBound() throws Exception {
        String cached = subject("order");
        String uncached = subject("order");
        TestRegistry.register(cached, ORDER, "AVRO");
        TestRegistry.register(uncached, ORDER, "AVRO");
        URI registry = URI.create(TestRegistry.url());
        try (PausableProxy proxy = PausableProxy.inFrontOf(registry.getHost(), registry.getPort());
             TestGateway behindProxy = TestGateway.start(Map.of("gateway.schema-registry.url",
                     "http://127.0.0.1:" + proxy.port() + registry.getPath(),
                     "gateway.schema-registry.timeout-ms", "1500"))) {
            String topic = TestKafka.createTopic("schema");
            String records = "/topics/" + topic + "/records?schemavalidation=true&schemaname=";
            withSchemaHeaders(topic, VALID_ORDER_JSON, cached, "JSON")
                    .in(behindProxy.post(records + cached, "application/json", bytes(VALID_ORDER_JSON)));

            proxy.pause();
            withSchemaHeaders(topic, VALID_ORDER_JSON, cached, "JSON")
                    .in(behindProxy.post(records + cached, "application/json", bytes(VALID_ORDER_JSON)));
            long start = System.nanoTime();
            HttpResponse<String> refused = behindProxy.post(records + uncached, "application/json",
                    bytes(VALID_ORDER_JSON));
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            JsonNode body = assertError(refused, 503);
            assertEquals(uncached, body.get("error").get("schema").asText(), body.toString());
            assertTrue(refused.headers().firstValue("Retry-After").isPresent(), refused.headers().toString());
            assertTrue(tookMs < 5000, "503 after " + tookMs + " ms, beyond the 1.5 s bound");
            // right after a failed call, uncached lookups are refused at once, without waiting for the registry
            long again = System.nanoTime();
            assertError(behindProxy.post(records + uncached, "application/json", bytes(VALID_ORDER_JSON)), 503);
            assertTrue((System.nanoTime() - again) / 1_000_000 < 1000, "the backoff answers at once");
            HttpResponse<String> ready = behindProxy.send(behindProxy.request("/ready").GET().build());
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("DOWN", TestGateway.json(ready).get("checks").get("schemaRegistry").get("status").asText(),
                    ready.body());

            proxy.resume();
            HttpResponse<String> answer = awaitStatus(behindProxy, records + uncached, 200);
            withSchemaHeaders(topic, VALID_ORDER_JSON, uncached, "JSON").in(answer);

            // the registry gone altogether (connections refused): cached schemas still produce, others are 503
            String third = subject("order");
            TestRegistry.register(third, ORDER, "AVRO");
            proxy.close();
            withSchemaHeaders(topic, VALID_ORDER_JSON, cached, "JSON")
                    .in(behindProxy.post(records + cached, "application/json", bytes(VALID_ORDER_JSON)));
            JsonNode gone = assertError(behindProxy.post(records + third, "application/json", bytes(VALID_ORDER_JSON)),
                    503);
            assertEquals(third, gone.get("error").get("schema").asText(), gone.toString());
        }
    }

    private static HttpResponse<String> awaitStatus(TestGateway gateway, String path, int status)
            throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            HttpResponse<String> answer = gateway.post(path, "application/json", bytes(VALID_ORDER_JSON));
            if (answer.statusCode() == status || System.currentTimeMillis() > deadline) {
                return answer;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void anHttpsRegistryWithBasicCredentialsIsReachedWithTheCaAndTheCredentialsOfTheSettings() throws Exception {
        String subject = subject("order");
        TestRegistry.register(subject, ORDER, "AVRO");
        try (GuardedRegistry guarded = new GuardedRegistry("gateway", "s3cret");
             TestGateway right = TestGateway.start(Map.of("gateway.schema-registry.url", guarded.url(),
                     "gateway.schema-registry.username", "gateway", "gateway.schema-registry.password", "s3cret",
                     "gateway.schema-registry.ca-certificate", TestGateway.CERTS.resolve("ca.pem").toString()));
             TestGateway wrong = TestGateway.start(Map.of("gateway.schema-registry.url", guarded.url(),
                     "gateway.schema-registry.username", "gateway", "gateway.schema-registry.password", "guess",
                     "gateway.schema-registry.ca-certificate", TestGateway.CERTS.resolve("ca.pem").toString()))) {
            String topic = TestKafka.createTopic("schema");
            String records = "/topics/" + topic + "/records?schemavalidation=true&schemaname=" + subject;
            withSchemaHeaders(topic, VALID_ORDER_JSON, subject, "JSON")
                    .in(right.post(records, "application/json", bytes(VALID_ORDER_JSON)));
            assertTrue(guarded.forwarded() > 0, "the lookup went through the HTTPS registry");
            JsonNode refused = assertError(wrong.post(records, "application/json", bytes(VALID_ORDER_JSON)), 503);
            assertTrue(refused.get("message").asText().contains("401"), refused.toString());
            assertTrue(guarded.refused() > 0);
        }
    }
}

package io.github.kafkarestgateway.produce;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.kafka.AvroPart;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The v2 envelope parsing, without a server: exact records, and each refusal's status, code and field. */
class EnvelopeParserUnitTest {

    private static final String RECORDS = "/v2/topics/orders/records";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Exchange exchange(String uri, String contentType, Object body) {
        return contentType == null ? FakeHttpRequest.post(uri, body) : FakeHttpRequest.post(uri, body, "Content-Type", contentType);
    }

    private static Exchange parsed(EnvelopeParser parser, String json) {
        Exchange exchange = exchange(RECORDS, "application/json", Buffer.buffer(json));
        parser.process(exchange);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static List<OutgoingRecord> records(Exchange exchange) {
        return exchange.getVariable(GatewayNames.RECORDS, List.class);
    }

    private static OutgoingRecord one(String json) {
        List<OutgoingRecord> records = records(parsed(new EnvelopeParser(), json));
        assertEquals(1, records.size());
        return records.get(0);
    }

    private static GatewayException refused(EnvelopeParser parser, String json) {
        return refused(parser, RECORDS, "application/json", Buffer.buffer(json));
    }

    private static GatewayException refused(EnvelopeParser parser, String uri, String contentType, Object body) {
        Exchange exchange = exchange(uri, contentType, body);
        return assertThrows(GatewayException.class, () -> parser.process(exchange));
    }

    private static void assertRefused(int status, String code, String target, String message, GatewayException e) {
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(code, e.code(), e.getMessage());
        assertEquals(target, e.target(), e.getMessage());
        if (message != null) {
            assertEquals(message, e.getMessage());
        }
    }

    private static void assertRefused(String code, String target, String json) {
        assertRefused(400, code, target, null, refused(new EnvelopeParser(), json));
    }

    @Test
    void aFullEnvelopeIsOneRecordWithExactKeyValueHeadersPartitionAndTimestamp() {
        Exchange exchange = parsed(new EnvelopeParser(), "{\"headers\":[{\"name\":\"colour\",\"value\":\"YmxhY2s=\"},"
                + "{\"name\":\"colour\",\"value\":\"\"}],\"key\":{\"type\":\"text\",\"data\":\"customer-7\"},"
                + "\"value\":{\"type\":\"json\",\"data\":{\"order\": 42}},\"partition\":0,\"timestamp\":1700000000000}");
        assertEquals(false, exchange.getVariable(GatewayNames.BATCH));
        assertEquals("orders", exchange.getVariable(GatewayNames.TOPIC));
        OutgoingRecord record = records(exchange).get(0);
        assertArrayEquals(utf8("customer-7"), record.key());
        assertArrayEquals(utf8("{\"order\":42}"), record.value());
        assertEquals(2, record.headers().size());
        assertEquals("colour", record.headers().get(0).getKey());
        assertArrayEquals(utf8("black"), record.headers().get(0).getValue());
        assertArrayEquals(new byte[0], record.headers().get(1).getValue());
        assertEquals(0, record.partition());
        assertEquals(1700000000000L, record.timestamp());
        assertEquals(12, valueBytes(exchange));
    }

    @Test
    void aMinimalEnvelopeHasNoKeyHeadersPartitionOrTimestamp() {
        OutgoingRecord record = one("{\"value\":{\"type\":\"text\",\"data\":\"é\"},\"key\":null,\"headers\":null,"
                + "\"partition\":null,\"timestamp\":null}");
        assertArrayEquals(utf8("é"), record.value());
        assertNull(record.key());
        assertEquals(List.of(), record.headers());
        assertNull(record.partition());
        assertNull(record.timestamp());
    }

    @Test
    void binaryIsBase64AndJsonIsItsJsonText() {
        assertArrayEquals(new byte[] {0, 1, 2}, one("{\"value\":{\"type\":\"binary\",\"data\":\"AAEC\"}}").value());
        assertArrayEquals(utf8("\"s\""), one("{\"value\":{\"type\":\"json\",\"data\":\"s\"}}").value());
        assertArrayEquals(utf8("null"), one("{\"value\":{\"type\":\"json\",\"data\":null}}").value());
        assertArrayEquals(utf8("[1,true]"), one("{\"value\":{\"type\":\"json\",\"data\":[1, true]}}").value());
        assertArrayEquals(new byte[] {(byte) 0xff}, one("{\"value\":{\"type\":\"text\",\"data\":\"v\"},"
                + "\"key\":{\"type\":\"binary\",\"data\":\"/w==\"}}").key());
    }

    @Test
    void aBatchIsRecordsInRequestOrder() {
        Exchange exchange = parsed(new EnvelopeParser(), "[{\"value\":{\"type\":\"text\",\"data\":\"one\"}},"
                + "{\"value\":{\"type\":\"binary\",\"data\":\"AAEC\"},\"partition\":9}]");
        assertEquals(true, exchange.getVariable(GatewayNames.BATCH));
        List<OutgoingRecord> records = records(exchange);
        assertEquals(2, records.size());
        assertArrayEquals(utf8("one"), records.get(0).value());
        assertArrayEquals(new byte[] {0, 1, 2}, records.get(1).value());
        assertEquals(9, records.get(1).partition());
        assertEquals(6, valueBytes(exchange));
    }

    @Test
    void theRecordLimitAllowsExactlyNAndRefusesNPlusOneAndZero() {
        EnvelopeParser parser = new EnvelopeParser();
        parser.setMaxRecords(2);
        String record = "{\"value\":{\"type\":\"text\",\"data\":\"x\"}}";
        assertEquals(2, records(parsed(parser, "[" + record + "," + record + "]")).size());
        assertRefused(400, "invalid_batch", null, "A batch has 1 to 2 records, not 3",
                refused(parser, "[" + record + "," + record + "," + record + "]"));
        assertRefused(400, "invalid_batch", null, "A batch has 1 to 2 records, not 0", refused(parser, "[]"));
    }

    @Test
    void theDefaultRecordLimitIs500() {
        String record = "{\"value\":{\"type\":\"text\",\"data\":\"x\"}}";
        String five100 = "[" + (record + ",").repeat(499) + record + "]";
        assertEquals(500, records(parsed(new EnvelopeParser(), five100)).size());
        assertRefused(400, "invalid_batch", null, "A batch has 1 to 500 records, not 501",
                refused(new EnvelopeParser(), "[" + record + "," + five100.substring(1)));
    }

    @Test
    void theRequestByteLimitAllowsExactlyNAndRefusesNPlusOne() {
        String json = "{\"value\":{\"type\":\"text\",\"data\":\"x\"}}";
        EnvelopeParser parser = new EnvelopeParser();
        parser.setMaxBytes(json.length());
        parsed(parser, json);
        assertRefused(400, "request_too_large", null, "The request is larger than " + json.length() + " bytes",
                refused(parser, json + " "));
    }

    @Test
    void theDefaultRequestByteLimitIs5MiB() {
        GatewayException e = refused(new EnvelopeParser(), RECORDS, "application/json", Buffer.buffer(new byte[5 * 1024 * 1024 + 1]));
        assertRefused(400, "request_too_large", null, "The request is larger than 5242880 bytes", e);
        // exactly 5 MiB is read (and here is not JSON)
        assertRefused(400, "invalid_json", null, "The body is not valid JSON",
                refused(new EnvelopeParser(), RECORDS, "application/json", Buffer.buffer(new byte[5 * 1024 * 1024])));
    }

    @Test
    void theValueAndKeyLimitsAllowExactlyNBytesAndRefuseNPlusOne() {
        EnvelopeParser parser = new EnvelopeParser();
        parser.setMaxValueBytes(3);
        parser.setMaxKeyBytes(2);
        parsed(parser, "{\"value\":{\"type\":\"text\",\"data\":\"abc\"},\"key\":{\"type\":\"text\",\"data\":\"ab\"}}");
        assertRefused(400, "value_too_large", "value", "The value is larger than 3 bytes",
                refused(parser, "{\"value\":{\"type\":\"text\",\"data\":\"abcd\"}}"));
        assertRefused(400, "key_too_large", "[1].key", "The key is larger than 2 bytes",
                refused(parser, "[{\"value\":{\"type\":\"text\",\"data\":\"a\"}},{\"value\":{\"type\":\"text\","
                        + "\"data\":\"a\"},\"key\":{\"type\":\"text\",\"data\":\"abc\"}}]"));
    }

    @Test
    void theDefaultValueAndKeyLimitsAre65536And4096Bytes() {
        String value = "x".repeat(65536);
        String key = "k".repeat(4096);
        OutgoingRecord record = one("{\"value\":{\"type\":\"text\",\"data\":\"" + value + "\"},"
                + "\"key\":{\"type\":\"text\",\"data\":\"" + key + "\"}}");
        assertEquals(65536, record.value().length);
        assertEquals(4096, record.key().length);
        assertRefused("value_too_large", "value", "{\"value\":{\"type\":\"text\",\"data\":\"" + value + "x\"}}");
        assertRefused("key_too_large", "key", "{\"value\":{\"type\":\"text\",\"data\":\"v\"},"
                + "\"key\":{\"type\":\"text\",\"data\":\"" + key + "k\"}}");
    }

    @Test
    void aBadTopicIs400InvalidTopic() {
        for (String topic : new String[] {"..", "a%20b", "x".repeat(250)}) {
            GatewayException e = refused(new EnvelopeParser(), "/v2/topics/" + topic + "/records", "application/json",
                    Buffer.buffer("{}"));
            assertRefused(400, "invalid_topic", "topic_name", null, e);
        }
    }

    @Test
    void onlyApplicationJsonIsTaken() {
        for (String type : new String[] {null, "text/plain", "application/vnd.ibm-event-streams.json.v1"}) {
            assertRefused(415, null, null, "The v2 API takes application/json",
                    refused(new EnvelopeParser(), RECORDS, type, Buffer.buffer("{}")));
        }
        assertEquals(1, records(parsed(new EnvelopeParser(), "{\"value\":{\"type\":\"text\",\"data\":\"x\"}}")).size());
        Exchange charset = exchange(RECORDS, "Application/JSON; charset=utf-8",
                Buffer.buffer("{\"value\":{\"type\":\"text\",\"data\":\"x\"}}"));
        new EnvelopeParser().process(charset);
        assertEquals(1, records(charset).size());
    }

    @Test
    void anEmptyBodyIs411() {
        for (Object body : new Object[] {Buffer.buffer(), null}) {
            assertRefused(411, null, null, "The request has no data",
                    refused(new EnvelopeParser(), RECORDS, "application/json", body));
        }
    }

    @Test
    void invalidJsonIs400() {
        for (String json : new String[] {"{", "{\"value\":}", "[1,]", "{'a':1}"}) {
            assertRefused(400, "invalid_json", null, "The body is not valid JSON", refused(new EnvelopeParser(), json));
        }
    }

    @Test
    void anEnvelopeIsAnObjectWithAValue() {
        assertRefused(400, "invalid_envelope", null, "A record is a JSON object with a value",
                refused(new EnvelopeParser(), "42"));
        assertRefused("invalid_envelope", null, "null");
        assertRefused("invalid_envelope", null, "  ");
        assertRefused("invalid_envelope", "[1]", "[{\"value\":{\"type\":\"text\",\"data\":\"x\"}},\"s\"]");
        assertRefused(400, "missing_field", "value", "'value' is required", refused(new EnvelopeParser(), "{}"));
        assertRefused("missing_field", "[0].value", "[{\"key\":{\"type\":\"text\",\"data\":\"x\"}}]");
    }

    @Test
    void aDataFieldHasATypeAndData() {
        assertRefused(400, "invalid_field", "value", "'value' is an object with type and data",
                refused(new EnvelopeParser(), "{\"value\":\"x\"}"));
        assertRefused("invalid_field", "value", "{\"value\":null}");
        assertRefused(400, "invalid_type", "value.type", "'type' field in 'value' object is required",
                refused(new EnvelopeParser(), "{\"value\":{\"data\":\"x\"}}"));
        assertRefused("invalid_type", "value.type", "{\"value\":{\"type\":1,\"data\":\"x\"}}");
        assertRefused(400, "missing_field", "value.data", "'data' field in 'value' object is required",
                refused(new EnvelopeParser(), "{\"value\":{\"type\":\"text\"}}"));
        assertRefused(400, "invalid_data", "value.data", "text data is a string",
                refused(new EnvelopeParser(), "{\"value\":{\"type\":\"text\",\"data\":1}}"));
        assertRefused(400, "invalid_data", "key.data", "binary data is a Base64 string",
                refused(new EnvelopeParser(), "{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"key\":{\"type\":\"binary\",\"data\":{}}}"));
        assertRefused(400, "invalid_base64", "value.data", "Not valid Base64",
                refused(new EnvelopeParser(), "{\"value\":{\"type\":\"binary\",\"data\":\"***\"}}"));
        assertRefused("invalid_field", "[0].key", "[{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"key\":[]}]");
    }

    @Test
    void unknownTypesAreInvalid() {
        assertRefused(400, "invalid_type", "value.type", "Unknown type 'TEXT': use text, binary, json or avro",
                refused(new EnvelopeParser(), "{\"value\":{\"type\":\"TEXT\",\"data\":\"x\"}}"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void avroPartsAreReadAndKeptWithTheirDataInTheRecord() {
        Exchange exchange = parsed(new EnvelopeParser(), "[{\"value\":{\"type\":\"text\",\"data\":\"t\"}},"
                + "{\"key\":{\"type\":\"avro\",\"data\":\"{\\\"a\\\":1}\",\"schema_id\":7},"
                + "\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"schema\":{\"type\":\"record\",\"name\":\"E\",\"fields\":[]},"
                + "\"schema_name_strategy\":\"topic_record\"}},"
                + "{\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"subject\":\"s\",\"version\":2}},"
                + "{\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"subject\":\"s\"}},"
                + "{\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"schema\":\"\\\"string\\\"\"}}]");
        List<OutgoingRecord> records = records(exchange);
        assertArrayEquals(utf8("{\"a\":1}"), records.get(1).key());
        assertArrayEquals(utf8("{}"), records.get(1).value());
        assertEquals(List.of(
                new AvroPart(1, false, "{\"type\":\"record\",\"name\":\"E\",\"fields\":[]}", "topic_record", null, null,
                        null),
                new AvroPart(1, true, null, null, null, null, 7),
                new AvroPart(2, false, null, null, "s", "2", null),
                new AvroPart(3, false, null, null, "s", "latest", null),
                new AvroPart(4, false, "\"string\"", "topic", null, null, null)),
                exchange.getVariable(GatewayNames.AVRO_PARTS, List.class));
        // a request without avro parts has no such variable
        assertNull(parsed(new EnvelopeParser(), "{\"value\":{\"type\":\"text\",\"data\":\"t\"}}")
                .getVariable(GatewayNames.AVRO_PARTS));
    }

    @Test
    void anAvroPartNamesItsSchemaOneWayAndItsDataIsAString() {
        String data = "\"type\":\"avro\",\"data\":\"{}\"";
        assertRefused("invalid_schema_reference", "value", "{\"value\":{" + data + "}}");
        assertRefused("invalid_schema_reference", "[0].key", "[{\"value\":{\"type\":\"text\",\"data\":\"v\"},"
                + "\"key\":{" + data + ",\"subject\":\"s\",\"schema_id\":1}}]");
        assertRefused("invalid_data", "value.data", "{\"value\":{\"type\":\"avro\",\"data\":{},\"schema_id\":1}}");
        assertRefused("invalid_schema", "value.schema", "{\"value\":{" + data + ",\"schema\":[]}}");
        assertRefused("invalid_schema_reference", "value.version", "{\"value\":{" + data + ",\"schema_id\":1,"
                + "\"version\":1}}");
        assertRefused("invalid_schema_reference", "value.version", "{\"value\":{" + data + ",\"subject\":\"s\","
                + "\"version\":0}}");
        assertRefused("invalid_schema_reference", "value.schema_id", "{\"value\":{" + data + ",\"schema_id\":\"1\"}}");
        assertRefused("invalid_schema_reference", "value.schema_name_strategy", "{\"value\":{" + data
                + ",\"subject\":\"s\",\"schema_name_strategy\":\"record\"}}");
        assertRefused("invalid_schema_name_strategy", "value.schema_name_strategy", "{\"value\":{" + data
                + ",\"schema\":\"\\\"string\\\"\",\"schema_name_strategy\":\"TopicRecord\"}}");
        assertRefused("invalid_schema", "value.schema", "{\"value\":{" + data + ",\"schema\":\""
                + "x".repeat(EnvelopeParser.MAX_SCHEMA_CHARS + 1) + "\"}}");
    }

    @Test
    void theSerializerIsConfluentWhenGiven() {
        String envelope = "{\"value\":{\"type\":\"text\",\"data\":\"v\"}}";
        assertRefused(400, "invalid_serializer", "serializer", "Unknown serializer 'avro': the only one is confluent",
                refused(new EnvelopeParser(), RECORDS + "?serializer=avro", "application/json", Buffer.buffer(envelope)));
        Exchange exchange = exchange(RECORDS + "?serializer=confluent", "application/json", Buffer.buffer(envelope));
        new EnvelopeParser().process(exchange);
        assertEquals(1, records(exchange).size());
    }

    @Test
    void headersAreAnArrayOfNamesAndBase64Values() {
        String value = "\"value\":{\"type\":\"text\",\"data\":\"v\"}";
        assertRefused(400, "invalid_headers", "headers", "'headers' is an array of {name, value}",
                refused(new EnvelopeParser(), "{" + value + ",\"headers\":{\"name\":\"a\",\"value\":\"\"}}"));
        assertRefused(400, "invalid_header", "[0].headers[1]", "A header has a name and a Base64 value",
                refused(new EnvelopeParser(), "[{" + value + ",\"headers\":[{\"name\":\"a\",\"value\":\"\"},{\"value\":\"\"}]}]"));
        assertRefused("invalid_header", "headers[0]", "{" + value + ",\"headers\":[{\"name\":\"\",\"value\":\"\"}]}");
        assertRefused("invalid_header", "headers[0]", "{" + value + ",\"headers\":[{\"name\":1,\"value\":\"\"}]}");
        assertRefused("invalid_header", "headers[0]", "{" + value + ",\"headers\":[{\"name\":\"a\"}]}");
        assertRefused("invalid_header", "headers[0]", "{" + value + ",\"headers\":[{\"name\":\"a\",\"value\":1}]}");
        assertRefused("invalid_base64", "headers[0].value", "{" + value + ",\"headers\":[{\"name\":\"a\",\"value\":\"!\"}]}");
        Map.Entry<String, byte[]> header = one("{" + value + ",\"headers\":[{\"name\":\"a\",\"value\":\"AQ==\"}]}").headers().get(0);
        assertEquals("a", header.getKey());
        assertArrayEquals(new byte[] {1}, header.getValue());
    }

    @Test
    void partitionIsAnIntegerFromZero() {
        String value = "\"value\":{\"type\":\"text\",\"data\":\"v\"}";
        assertEquals(0, one("{" + value + ",\"partition\":0}").partition());
        assertEquals(Integer.MAX_VALUE, one("{" + value + ",\"partition\":2147483647}").partition());
        for (String partition : new String[] {"-1", "1.5", "1.0", "\"1\"", "2147483648", "true", "{}"}) {
            GatewayException e = refused(new EnvelopeParser(), "[{" + value + ",\"partition\":" + partition + "}]");
            assertRefused(400, "invalid_partition", "[0].partition", "'partition' is a number from 0", e);
        }
    }

    @Test
    void timestampIsNonNegativeEpochMillis() {
        String value = "\"value\":{\"type\":\"text\",\"data\":\"v\"}";
        assertEquals(0L, one("{" + value + ",\"timestamp\":0}").timestamp());
        assertEquals(Long.MAX_VALUE, one("{" + value + ",\"timestamp\":9223372036854775807}").timestamp());
        for (String timestamp : new String[] {"-1", "1.5", "\"1700000000000\"", "false"}) {
            GatewayException e = refused(new EnvelopeParser(), "{" + value + ",\"timestamp\":" + timestamp + "}");
            assertRefused(400, "invalid_timestamp", "timestamp", "'timestamp' is epoch milliseconds", e);
        }
    }

    /** The value's size as the request's facts tell it (for the metrics). */
    private static Integer valueBytes(Exchange exchange) {
        return RequestFacts.of(exchange).valueBytes();
    }
}

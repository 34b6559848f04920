package io.github.kafkarestgateway.produce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping of a v1 request to the record's key and headers, without a server. */
class RecordMapperUnitTest {

    private static final String RECORDS = "/topics/orders/records";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The mapper as the routes configure it (application.properties). */
    private static RecordMapper configured() {
        RecordMapper mapper = new RecordMapper();
        mapper.setKeyHeader("X-Kafka-Key");
        mapper.setHeaderPrefix("X-Kafka-Header-");
        mapper.setHeaderMap("X-Correlation-ID:correlation-id");
        return mapper;
    }

    private static Exchange mapped(RecordMapper mapper, String uri, String... headers) {
        Exchange exchange = FakeHttpRequest.post(uri, utf8("v"), headers);
        mapper.process(exchange);
        return exchange;
    }

    private static GatewayException refused(RecordMapper mapper, String uri, String... headers) {
        Exchange exchange = FakeHttpRequest.post(uri, utf8("v"), headers);
        return assertThrows(GatewayException.class, () -> mapper.process(exchange));
    }

    private static byte[] key(Exchange exchange) {
        return exchange.getVariable(GatewayNames.RECORD_KEY, byte[].class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, byte[]> headers(Exchange exchange) {
        return exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
    }

    /** Header names in order, with their values as text. */
    private static List<String> described(Map<String, byte[]> headers) {
        List<String> out = new ArrayList<>();
        headers.forEach((name, value) -> out.add(name + "=" + new String(value, StandardCharsets.UTF_8)));
        return out;
    }

    @Test
    void withoutKeyOrHeadersTheKeyIsNullAndNoHeaderIsSet() {
        Exchange exchange = mapped(configured(), RECORDS, "Content-Type", "text/plain", "Authorization", "Bearer x",
                "X-Other", "y");
        assertNull(key(exchange));
        assertTrue(headers(exchange).isEmpty());
    }

    @Test
    void aTextKeyIsItsUtf8Bytes() {
        assertArrayEquals(utf8("customer-7"), key(mapped(configured(), RECORDS + "?key=customer-7")));
        assertArrayEquals(utf8("é"), key(mapped(configured(), RECORDS + "?key=%C3%A9&keyType=text")));
        assertArrayEquals(new byte[0], key(mapped(configured(), RECORDS + "?key=")));
    }

    @Test
    void aBinaryKeyIsHex() {
        assertArrayEquals(new byte[] {0x0a, (byte) 0xff, 0x00}, key(mapped(configured(), RECORDS + "?key=0aFF00&keyType=binary")));
        GatewayException e = refused(configured(), RECORDS + "?key=0g&keyType=binary");
        assertEquals(400, e.status());
        assertEquals("Invalid key: binary values must be hex (base16) encoded", e.getMessage());
        assertEquals(400, refused(configured(), RECORDS + "?key=abc&keyType=binary").status());
    }

    @Test
    void anUnknownKeyTypeIs400() {
        GatewayException e = refused(configured(), RECORDS + "?key=a&keyType=avro");
        assertEquals(400, e.status());
        assertEquals("Unsupported keyType 'avro': use text or binary", e.getMessage());
        // keyType without a key: nothing to map
        assertNull(key(mapped(configured(), RECORDS + "?keyType=avro")));
    }

    @Test
    void aRepeatedQueryParameterIs400() {
        for (String param : new String[] {"key", "keyType", "headers"}) {
            String value = param.equals("headers") ? "a:00" : param.equals("keyType") ? "text" : "k";
            GatewayException e = refused(configured(), RECORDS + "?key=k&" + param + "=" + value + "&" + param + "=" + value);
            assertEquals(400, e.status(), param);
            assertEquals("The query parameter '" + param + "' is given more than once", e.getMessage());
        }
    }

    @Test
    void theKeyLimitAllowsExactlyNBytesAndRefusesNPlusOne() {
        RecordMapper mapper = configured();
        mapper.setMaxKeyBytes(4);
        assertArrayEquals(utf8("abcd"), key(mapped(mapper, RECORDS + "?key=abcd")));
        GatewayException e = refused(mapper, RECORDS + "?key=abcde");
        assertEquals(400, e.status());
        assertEquals("The key is larger than the limit of 4 bytes", e.getMessage());
        // counted in bytes, not characters, and after hex decoding
        assertEquals(400, refused(mapper, RECORDS + "?key=%C3%A9%C3%A9%C3%A9").status());
        assertArrayEquals(new byte[4], key(mapped(mapper, RECORDS + "?key=00000000&keyType=binary")));
        assertEquals(400, refused(mapper, RECORDS + "?key=0000000000&keyType=binary").status());
    }

    @Test
    void theDefaultKeyLimitIs4096Bytes() {
        assertEquals(4096, key(mapped(new RecordMapper(), RECORDS + "?key=" + "k".repeat(4096))).length);
        GatewayException e = refused(new RecordMapper(), RECORDS + "?key=" + "k".repeat(4097));
        assertEquals("The key is larger than the limit of 4096 bytes", e.getMessage());
    }

    @Test
    void theKeyHeaderGivesTheKeyWhenTheQueryHasNone() {
        assertArrayEquals(utf8("from-header"), key(mapped(configured(), RECORDS, "x-kafka-key", "from-header")));
        assertArrayEquals(utf8("from-query"), key(mapped(configured(), RECORDS + "?key=from-query",
                "X-Kafka-Key", "from-header")));
        assertArrayEquals(new byte[] {1, 2}, key(mapped(configured(), RECORDS + "?keyType=binary",
                "X-Kafka-Key", "0102")));
        // the key header is not also a record header
        assertTrue(headers(mapped(configured(), RECORDS, "X-Kafka-Key", "k")).isEmpty());
    }

    @Test
    void withoutAKeyHeaderConfiguredNoRequestHeaderGivesTheKey() {
        RecordMapper mapper = new RecordMapper();
        assertNull(key(mapped(mapper, RECORDS, "X-Kafka-Key", "k", "key", "k")));
        mapper.setKeyHeader(null);
        assertNull(key(mapped(mapper, RECORDS, "X-Kafka-Key", "k")));
        mapper.setKeyHeader("  My-Key ");
        assertArrayEquals(utf8("k"), key(mapped(mapper, RECORDS, "my-key", "k")));
    }

    @Test
    void queryHeadersAreNameHexvaluePairs() {
        Map<String, byte[]> headers = headers(mapped(configured(), RECORDS + "?headers=colour:726564,empty:,bin:00ff"));
        assertEquals(List.of("colour", "empty", "bin"), new ArrayList<>(headers.keySet()));
        assertArrayEquals(utf8("red"), headers.get("colour"));
        assertArrayEquals(new byte[0], headers.get("empty"));
        assertArrayEquals(new byte[] {0, (byte) 0xff}, headers.get("bin"));
        assertTrue(headers(mapped(configured(), RECORDS + "?headers=")).isEmpty());
        // the value holds everything after the first colon
        assertEquals(400, refused(configured(), RECORDS + "?headers=a:00:00").status());
    }

    @Test
    void malformedQueryHeadersAre400() {
        for (String headers : new String[] {"colour", ":00", "a:00,", ",a:00", "a:00,,b:01"}) {
            GatewayException e = refused(configured(), RECORDS + "?headers=" + headers);
            assertEquals(400, e.status(), headers);
            assertEquals("Invalid headers parameter: expected name:hexvalue pairs separated by commas", e.getMessage());
        }
        GatewayException hex = refused(configured(), RECORDS + "?headers=colour:zz");
        assertEquals(400, hex.status());
        assertEquals("Invalid header 'colour': binary values must be hex (base16) encoded", hex.getMessage());
    }

    @Test
    void prefixedRequestHeadersBecomeRecordHeadersAsUtf8() {
        Map<String, byte[]> headers = headers(mapped(configured(), RECORDS,
                "X-Kafka-Header-Colour", "red", "x-kafka-header-size", "L", "X-Kafka-Header-", "nameless",
                "X-Kafka-Header-Multi", "a", "X-Kafka-Header-Multi", "b", "X-Kafka-Headerless", "no"));
        // in the order the request gives them (a repeated name where it first comes, its values joined)
        assertEquals(List.of("Colour=red", "size=L", "Multi=a, b"), described(headers));
        // a name repeated in another case is one header too
        assertEquals(List.of("Multi=a, b", "Colour=red"), described(headers(mapped(configured(), RECORDS,
                "X-Kafka-Header-Multi", "a", "X-Kafka-Header-Colour", "red", "x-kafka-header-multi", "b"))));
    }

    @Test
    void withoutAPrefixNoRequestHeaderBecomesARecordHeader() {
        RecordMapper mapper = new RecordMapper();
        mapper.setHeaderPrefix(null);
        assertTrue(headers(mapped(mapper, RECORDS, "X-Kafka-Header-Colour", "red")).isEmpty());
        mapper.setHeaderPrefix(" H- ");
        assertEquals(List.of("a=1"), described(headers(mapped(mapper, RECORDS, "h-a", "1"))));
    }

    @Test
    void mappedRequestHeadersAreCopiedUnderTheirRecordName() {
        Map<String, byte[]> headers = headers(mapped(configured(), RECORDS, "x-correlation-id", "order-42"));
        assertEquals(List.of("correlation-id=order-42"), described(headers));
        assertTrue(headers(mapped(configured(), RECORDS, "X-Correlation", "x")).isEmpty());
    }

    @Test
    void headersComeInOrderQueryThenPrefixThenMap() {
        Map<String, byte[]> headers = headers(mapped(configured(), RECORDS + "?headers=q:71",
                "X-Correlation-ID", "c", "X-Kafka-Header-p", "p"));
        assertEquals(List.of("q=q", "p=p", "correlation-id=c"), described(headers));
    }

    @Test
    void reservedHeaderNamesAre400() {
        for (String name : new String[] {"camelFoo", "CamelKafkaKey", "org.apache.camel.x", "kafka.KEY", "KAFKA.x"}) {
            String hexName = name;
            GatewayException e = refused(configured(), RECORDS + "?headers=" + hexName + ":00");
            assertEquals(400, e.status(), name);
            assertEquals("The record header name '" + name + "' is reserved", e.getMessage());
        }
        GatewayException prefixed = refused(configured(), RECORDS, "X-Kafka-Header-kafka.partition", "1");
        assertEquals("The record header name 'kafka.partition' is reserved", prefixed.getMessage());
        assertEquals(List.of("kafka=k", "camera=c", "org.apache.x=o"), described(headers(mapped(configured(),
                RECORDS + "?headers=kafka:6b,camera:63,org.apache.x:6f"))));
    }

    @Test
    void aHeaderNameGivenTwiceIgnoringCaseIs400() {
        GatewayException e = refused(configured(), RECORDS + "?headers=colour:00,Colour:01");
        assertEquals(400, e.status());
        assertEquals("The record header 'Colour' is given more than once", e.getMessage());
        GatewayException across = refused(configured(), RECORDS + "?headers=correlation-id:00", "X-Correlation-ID", "c");
        assertEquals("The record header 'correlation-id' is given more than once", across.getMessage());
    }

    @Test
    void theHeaderMapIsParsedAndChecked() {
        RecordMapper mapper = new RecordMapper();
        mapper.setHeaderMap(" X-A : a , X-B:b:c ");
        assertEquals(List.of("a=1", "b:c=2"), described(headers(mapped(mapper, RECORDS, "X-B", "2", "X-A", "1"))));
        mapper.setHeaderMap(null);
        assertTrue(headers(mapped(mapper, RECORDS, "X-A", "1")).isEmpty());
        mapper.setHeaderMap("  ");
        assertTrue(headers(mapped(mapper, RECORDS, "X-A", "1")).isEmpty());
        for (String bad : new String[] {"X-A", "X-A:", ":a", " :a", "X-A: "}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mapper.setHeaderMap(bad));
            assertEquals("Header map entries are Request-Header:kafka-header, not '" + bad + "'", e.getMessage());
        }
    }

    @Test
    void applyHeadersPutsTheMappedHeadersOnTheMessage() {
        Exchange exchange = FakeHttpRequest.post(RECORDS, utf8("v"));
        new SetRecordHeaders().process(exchange);
        assertTrue(exchange.getMessage().getHeaders().isEmpty());
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("colour", utf8("red"));
        headers.put("size", new byte[] {1});
        exchange.setVariable(GatewayNames.RECORD_HEADERS, headers);
        new SetRecordHeaders().process(exchange);
        assertArrayEquals(utf8("red"), exchange.getMessage().getHeader("colour", byte[].class));
        assertArrayEquals(new byte[] {1}, exchange.getMessage().getHeader("size", byte[].class));
        assertEquals(2, exchange.getMessage().getHeaders().size());
    }
}

package io.github.kafkarestgateway.schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The record a schema makes: its headers in each style, byte for byte, and the Confluent framing. */
class ApplySchemaUnitTest {

    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"n\",\"type\":\"int\"}]}";
    private static final RegisteredSchema REGISTERED = new RegisteredSchema("orders-value", 3, 21, 0x0102030405060708L,
            false, AvroFormat.parse(SCHEMA));

    private static Exchange exchange(String contentType, byte[] body, boolean validate) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(body);
        exchange.setVariable(GatewayNames.CONTENT_TYPE, contentType);
        exchange.setVariable(GatewayNames.SCHEMA, REGISTERED);
        exchange.setVariable(GatewayNames.SCHEMA_VALIDATION, validate);
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("colour", bytes("red"));
        // a caller's header posing as the gateway's: replaced
        headers.put("COM.IBM.EVENTSTREAMS.SCHEMAREGISTRY.SCHEMA.ID", bytes("spoofed"));
        exchange.setVariable(GatewayNames.RECORD_HEADERS, headers);
        return exchange;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, byte[]> headers(Exchange exchange) {
        return exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eventStreamsHeadersAreTextAndReplaceTheCallersOwn() {
        Exchange exchange = exchange("application/json", bytes("{\"n\":1}"), false);
        new ApplySchema(ApplySchema.HeaderStyle.EVENT_STREAMS, ApplySchema.WireFormat.HEADERS).process(exchange);
        Map<String, byte[]> headers = headers(exchange);
        assertEquals(java.util.List.of("colour", ApplySchema.ES_SCHEMA_ID, ApplySchema.ES_SCHEMA_VERSION,
                ApplySchema.ES_ENCODING), java.util.List.copyOf(headers.keySet()));
        assertArrayEquals(bytes("orders-value"), headers.get(ApplySchema.ES_SCHEMA_ID));
        assertArrayEquals(bytes("3"), headers.get(ApplySchema.ES_SCHEMA_VERSION));
        assertArrayEquals(bytes("JSON"), headers.get(ApplySchema.ES_ENCODING));
        assertArrayEquals(bytes("{\"n\":1}"), exchange.getMessage().getBody(byte[].class));
    }

    @Test
    void apicurioHeadersCarryTheGlobalIdAsAnEightByteBigEndianLong() {
        Exchange exchange = exchange("application/octet-stream", new byte[] {2}, false);
        new ApplySchema(ApplySchema.HeaderStyle.APICURIO, ApplySchema.WireFormat.HEADERS).process(exchange);
        Map<String, byte[]> headers = headers(exchange);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, headers.get(ApplySchema.APICURIO_GLOBAL_ID));
        assertArrayEquals(bytes("BINARY"), headers.get(ApplySchema.APICURIO_ENCODING));
        assertNull(headers.get(ApplySchema.ES_SCHEMA_VERSION));
    }

    @Test
    void noneLeavesTheCallersHeadersAndTheConfluentFramingPrefixesMagicByteAndId() {
        Exchange exchange = exchange("application/json", bytes("{\"n\":-2}"), false);
        new ApplySchema(ApplySchema.HeaderStyle.NONE, ApplySchema.WireFormat.CONFLUENT).process(exchange);
        assertEquals(java.util.Set.of("colour", "COM.IBM.EVENTSTREAMS.SCHEMAREGISTRY.SCHEMA.ID"), headers(exchange).keySet());
        byte[] framed = exchange.getMessage().getBody(byte[].class);
        // magic byte 0, id 21 big-endian, then the Avro binary of {"n":-2}: zig-zag 3
        assertArrayEquals(new byte[] {0, 0, 0, 0, 21, 3}, framed);
        assertEquals(21, ByteBuffer.wrap(framed, 1, 4).getInt());
    }

    @Test
    void aValueThatDoesNotDecodeIsA400AboutTheSchema() {
        Exchange exchange = exchange("application/json", bytes("{\"n\":\"one\"}"), true);
        GatewayException refused = assertThrows(GatewayException.class,
                () -> new ApplySchema(ApplySchema.HeaderStyle.EVENT_STREAMS, ApplySchema.WireFormat.HEADERS)
                        .process(exchange));
        assertEquals(400, refused.status());
        assertEquals("orders-value/3", refused.schema());
        assertTrue(refused.getMessage().contains("field 'n'"), refused.getMessage());
    }
}

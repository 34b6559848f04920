package io.github.kafkarestgateway.produce;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v1 request checks, without a server: URI length, topic name, content type, body presence, size and JSON. */
class RequestValidatorUnitTest {

    private static final String RECORDS = "/topics/orders/records";

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Exchange validated(RequestValidator validator, String uri, Object body, String... headers) {
        Exchange exchange = FakeHttpRequest.post(uri, body, headers);
        validator.process(exchange);
        return exchange;
    }

    private static GatewayException refused(RequestValidator validator, String uri, Object body, String... headers) {
        Exchange exchange = FakeHttpRequest.post(uri, body, headers);
        return assertThrows(GatewayException.class, () -> validator.process(exchange));
    }

    @Test
    void aValidTextRequestKeepsTheExactBytesAndSetsTopicContentTypeAndSize() {
        byte[] body = bytes("test message");
        Exchange exchange = validated(new RequestValidator(), RECORDS, body, "Content-Type", "text/plain; charset=UTF-8");
        assertEquals("orders", exchange.getVariable(GatewayNames.TOPIC));
        assertEquals("text/plain; charset=UTF-8", exchange.getVariable(GatewayNames.CONTENT_TYPE));
        assertEquals(12, valueBytes(exchange));
        assertSame(body, exchange.getMessage().getBody());
    }

    @Test
    void everyDocumentedContentTypeIsAccepted() {
        for (String type : new String[] {"text/plain", "application/octet-stream", "text/xml", "application/xml",
                "application/vnd.ibm-event-streams.text.v1", "vnd.ibm-event-streams.text.v1",
                "application/vnd.ibm-event-streams.binary.v1", "vnd.ibm-event-streams.binary.v1",
                "TEXT/PLAIN;charset=iso-8859-1", " text/xml ; charset=utf-8"}) {
            Exchange exchange = validated(new RequestValidator(), RECORDS, bytes("<a/>"), "Content-Type", type);
            assertEquals(4, valueBytes(exchange), type);
        }
        for (String type : new String[] {"application/json", "application/vnd.ibm-event-streams.json.v1",
                "vnd.ibm-event-streams.json.v1", "Application/JSON; charset=utf-8"}) {
            Exchange exchange = validated(new RequestValidator(), RECORDS, bytes("{\"a\":1}"), "Content-Type", type);
            assertEquals(7, valueBytes(exchange), type);
        }
    }

    @Test
    void aMissingContentTypeIs415() {
        GatewayException e = refused(new RequestValidator(), RECORDS, bytes("x"));
        assertEquals(415, e.status());
        assertEquals("Unsupported content type: a Content-Type header is required", e.getMessage());
    }

    @Test
    void aFormPostOrAnotherTypeIs415NamingTheMediaType() {
        GatewayException form = refused(new RequestValidator(), RECORDS, bytes("a=1"),
                "Content-Type", "application/x-www-form-urlencoded");
        assertEquals(415, form.status());
        assertEquals("Unsupported content type 'application/x-www-form-urlencoded'", form.getMessage());
        GatewayException image = refused(new RequestValidator(), RECORDS, bytes("x"), "Content-Type", "Image/PNG; q=1");
        assertEquals("Unsupported content type 'image/png'", image.getMessage());
        assertEquals(415, refused(new RequestValidator(), RECORDS, bytes("x"), "Content-Type", "").status());
    }

    @Test
    void anEmptyOrAbsentBodyIs411() {
        for (Object body : new Object[] {new byte[0], null}) {
            GatewayException e = refused(new RequestValidator(), RECORDS, body, "Content-Type", "text/plain");
            assertEquals(411, e.status());
            assertEquals("Length Required: the request has no data", e.getMessage());
        }
    }

    @Test
    void theValueLimitAllowsExactlyNBytesAndRefusesNPlusOne() {
        RequestValidator validator = new RequestValidator();
        validator.setMaxValueBytes(10);
        Exchange exchange = validated(validator, RECORDS, new byte[10], "Content-Type", "application/octet-stream");
        assertEquals(10, valueBytes(exchange));
        GatewayException e = refused(validator, RECORDS, new byte[11], "Content-Type", "application/octet-stream");
        assertEquals(400, e.status());
        assertEquals("The message is larger than the limit of 10 bytes", e.getMessage());
    }

    @Test
    void theDefaultValueLimitIs65536Bytes() {
        RequestValidator validator = new RequestValidator();
        byte[] max = new byte[65536];
        Arrays.fill(max, (byte) 'a');
        assertEquals(65536, valueBytes(validated(validator, RECORDS, max, "Content-Type", "text/plain")));
        GatewayException e = refused(validator, RECORDS, new byte[65537], "Content-Type", "text/plain");
        assertEquals(400, e.status());
        assertEquals("The message is larger than the limit of 65536 bytes", e.getMessage());
    }

    @Test
    void theUriLimitAllowsExactlyNBytesAndRefusesNPlusOne() {
        RequestValidator validator = new RequestValidator();
        validator.setMaxUriBytes(40);
        String atLimit = RECORDS + "?key=" + "k".repeat(40 - RECORDS.length() - 5);
        assertEquals(40, atLimit.length());
        validated(validator, atLimit, bytes("x"), "Content-Type", "text/plain");
        GatewayException e = refused(validator, atLimit + "k", bytes("x"), "Content-Type", "text/plain");
        assertEquals(400, e.status());
        assertEquals("The request URI is longer than 40 bytes", e.getMessage());
    }

    @Test
    void theDefaultUriLimitIs10240Bytes() {
        String atLimit = RECORDS + "?key=" + "k".repeat(10240 - RECORDS.length() - 5);
        validated(new RequestValidator(), atLimit, bytes("x"), "Content-Type", "text/plain");
        GatewayException e = refused(new RequestValidator(), atLimit + "k", bytes("x"), "Content-Type", "text/plain");
        assertEquals(400, e.status());
        assertEquals("The request URI is longer than 10240 bytes", e.getMessage());
    }

    @Test
    void invalidTopicNamesAre400() {
        for (String topic : new String[] {".", "..", "a%20b", "a%2Fb", "caf%C3%A9", "a+b", "t".repeat(250)}) {
            GatewayException e = refused(new RequestValidator(), "/topics/" + topic + "/records", bytes("x"),
                    "Content-Type", "text/plain");
            assertEquals(400, e.status(), topic);
            assertTrue(e.getMessage().startsWith("Invalid topic name: a topic name has 1 to 249 characters"), topic);
        }
        // no topic segment at all
        assertEquals(400, refused(new RequestValidator(), "/topics//records", bytes("x"),
                "Content-Type", "text/plain").status());
    }

    @Test
    void theTopicIsCheckedBeforeTheContentTypeAndTheBody() {
        GatewayException e = refused(new RequestValidator(), "/topics/../records", new byte[0]);
        assertEquals(400, e.status());
        GatewayException type = refused(new RequestValidator(), RECORDS, new byte[0]);
        assertEquals(415, type.status());
    }

    @Test
    void topicNamesOfOneTo249LegalCharactersAreAccepted() {
        for (String topic : new String[] {"a", "t".repeat(249), "Orders.v1_2-x", "...", ".a", "%61bc"}) {
            Exchange exchange = validated(new RequestValidator(), "/topics/" + topic + "/records", bytes("x"),
                    "Content-Type", "text/plain");
            assertEquals(topic.equals("%61bc") ? "abc" : topic, exchange.getVariable(GatewayNames.TOPIC));
        }
    }

    @Test
    void isLegalTopicNameBoundaries() {
        assertFalse(RequestValidator.isLegalTopicName(null));
        assertFalse(RequestValidator.isLegalTopicName(""));
        assertFalse(RequestValidator.isLegalTopicName("."));
        assertFalse(RequestValidator.isLegalTopicName(".."));
        assertTrue(RequestValidator.isLegalTopicName("..."));
        assertTrue(RequestValidator.isLegalTopicName("x".repeat(249)));
        assertFalse(RequestValidator.isLegalTopicName("x".repeat(250)));
        assertFalse(RequestValidator.isLegalTopicName("a/b"));
        assertFalse(RequestValidator.isLegalTopicName("a b"));
    }

    @Test
    void invalidJsonUnderAJsonTypeIs400() {
        for (String body : new String[] {"{", "{\"a\":1} x", "{} {}", "   ", "nul", "{'a':1}", "[1,]"}) {
            GatewayException e = refused(new RequestValidator(), RECORDS, bytes(body), "Content-Type", "application/json");
            assertEquals(400, e.status(), body);
            assertEquals("The body is not valid JSON, as Content-Type 'application/json' requires", e.getMessage());
        }
    }

    @Test
    void anyJsonValueIsValidJsonAndTextTypesAreNotParsed() {
        for (String body : new String[] {"{}", "[]", "42", "\"s\"", "null", " {\"a\":[1,{\"b\":2}]} \n", "true"}) {
            assertEquals(bytes(body).length, valueBytes(validated(new RequestValidator(), RECORDS, bytes(body),
                    "Content-Type", "application/json")), body);
        }
        validated(new RequestValidator(), RECORDS, bytes("{"), "Content-Type", "text/plain");
    }

    @Test
    void isJsonAndMediaType() {
        assertTrue(RequestValidator.isJson(bytes("{\"a\":1}")));
        assertFalse(RequestValidator.isJson(new byte[0]));
        assertFalse(RequestValidator.isJson(bytes("1 2")));
        assertEquals("", HttpRequests.mediaType(null));
        assertEquals("", HttpRequests.mediaType(" ; charset=x"));
        assertEquals("text/plain", HttpRequests.mediaType(" Text/Plain ; charset=x"));
        assertEquals("application/json", HttpRequests.mediaType("application/JSON"));
    }

    @Test
    void aStringBodyIsConvertedToItsBytes() {
        Exchange exchange = validated(new RequestValidator(), RECORDS, "héllo", "Content-Type", "text/plain");
        assertArrayEquals(bytes("héllo"), exchange.getMessage().getBody(byte[].class));
        assertEquals(6, valueBytes(exchange));
    }

    @Test
    void nothingIsSetWhenTheRequestIsRefused() {
        Exchange exchange = FakeHttpRequest.post(RECORDS, new byte[0], "Content-Type", "text/plain");
        assertThrows(GatewayException.class, () -> new RequestValidator().process(exchange));
        assertNull(valueBytes(exchange));
    }

    /** The value's size as the request's facts tell it (for the metrics). */
    private static Integer valueBytes(Exchange exchange) {
        return RequestFacts.of(exchange).valueBytes();
    }
}

package io.github.kafkarestgateway.error;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** How failures become answers: the status mapping of Kafka's errors, and the answer's headers and body. */
class ErrorResponseUnitTest {

    private static void assertMapped(int status, String message, Integer kafkaCode, Map<String, String> headers,
                                     Throwable failure) {
        GatewayException e = ErrorResponse.toGatewayException(failure);
        assertEquals(status, e.status(), String.valueOf(failure));
        assertEquals(message, e.getMessage());
        assertEquals(kafkaCode, e.kafkaErrorCode());
        assertEquals(headers, e.responseHeaders());
        Throwable cause = failure instanceof org.apache.kafka.common.errors.TimeoutException timeout
                && timeout.getCause() != null ? timeout.getCause() : failure;
        assertSame(cause, e.getCause());
    }

    @Test
    void aGatewayExceptionIsAnsweredAsItIs() {
        GatewayException given = new GatewayException(411, "Length Required");
        assertSame(given, ErrorResponse.toGatewayException(given));
    }

    @Test
    void kafkaTimeoutsAre408UnlessTheMetadataIsMissingThen503() {
        assertMapped(408, "Request timed out producing to Kafka", 7, Map.of(),
                new TimeoutException("Expiring 1 record(s) for orders-0: 10001 ms has passed"));
        assertMapped(408, "Request timed out producing to Kafka", 7, Map.of(), new TimeoutException());
        assertMapped(503, "Kafka brokers are unavailable", 7, Map.of("Retry-After", "1"),
                new TimeoutException("Topic orders not present in metadata after 5000 ms."));
    }

    @Test
    void kafkaErrorsMapToEventStreamsStatuses() {
        assertMapped(404, "Topic does not exist", 3, Map.of(), new UnknownTopicOrPartitionException("x"));
        assertMapped(400, "Kafka refused the record: too big", 10, Map.of(), new RecordTooLargeException("too big"));
        assertMapped(400, "Kafka refused the record: bad name", 17, Map.of(), new InvalidTopicException("bad name"));
        assertMapped(400, "Kafka refused the record: bad record", 87, Map.of(), new InvalidRecordException("bad record"));
        assertMapped(403, "Forbidden: Kafka's ACLs do not allow this principal to produce to this topic", 29, Map.of(),
                new TopicAuthorizationException("no"));
        // the producer waited for metadata that the brokers refused: the refusal, not a timeout (nor a dead letter)
        assertMapped(403, "Forbidden: Kafka's ACLs do not allow this principal to produce to this topic", 29, Map.of(),
                new org.apache.kafka.common.errors.TimeoutException("Topic t not present in metadata after 5000 ms.",
                        new TopicAuthorizationException("no")));
        assertMapped(401, "Unauthorized: Kafka did not accept the credentials", 58, Map.of("WWW-Authenticate",
                "Basic realm=\"kafka-rest-gateway\", Bearer realm=\"kafka-rest-gateway\""),
                new org.apache.kafka.common.errors.SaslAuthenticationException("changed password"));
        assertMapped(503, "Kafka brokers are unavailable: NotEnoughReplicasException", 19, Map.of("Retry-After", "1"),
                new NotEnoughReplicasException("isr"));
        assertMapped(500, "Kafka error: InvalidRequestException", 42, Map.of(), new InvalidRequestException("?"));
    }

    @Test
    void anythingElseIs500WithoutAKafkaCode() {
        assertMapped(500, "Internal server error", null, Map.of(), new IOException("disk"));
        assertMapped(500, "Internal server error", null, Map.of(), new IllegalStateException("bug"));
        GatewayException none = ErrorResponse.toGatewayException(null);
        assertEquals(500, none.status());
        assertNull(none.getCause());
    }

    @Test
    void unwrapRemovesCompletionExecutionAndCamelWrappers() {
        IOException root = new IOException("x");
        Exchange exchange = new DefaultExchange(FakeHttpRequest.CONTEXT);
        Throwable wrapped = new CompletionException(new ExecutionException(
                new CamelExecutionException("camel", exchange, root)));
        assertSame(root, ErrorResponse.unwrap(wrapped));
        CompletionException bare = new CompletionException("no cause", null);
        assertSame(bare, ErrorResponse.unwrap(bare));
        assertNull(ErrorResponse.unwrap(null));
        RuntimeException other = new RuntimeException(root);
        assertSame(other, ErrorResponse.unwrap(other));
    }

    private static Exchange failed(GatewayException failure) {
        Exchange exchange = FakeHttpRequest.post("/topics/orders/records", "body");
        exchange.setVariable(GatewayNames.FAILURE, failure);
        exchange.setVariable(GatewayNames.TOPIC, "orders");
        exchange.setVariable(GatewayNames.REQUEST_ID, "req-1");
        exchange.getMessage().setHeader("Authorization", "Bearer secret");
        exchange.getMessage().setHeader("X-Kafka-Key", "k");
        return exchange;
    }

    @Test
    void aClientErrorIsAnsweredWithItsStatusJsonAndNoOtherHeader() {
        Exchange exchange = failed(new GatewayException(415, "Unsupported content type 'image/png'"));
        new ErrorResponse().process(exchange);
        assertEquals(Map.of(Exchange.HTTP_RESPONSE_CODE, 415, Exchange.CONTENT_TYPE, "application/json"),
                exchange.getMessage().getHeaders());
        assertEquals(ErrorBody.json(415, "Unsupported content type 'image/png'"), exchange.getMessage().getBody());
        assertEquals("Unsupported content type 'image/png'", exchange.getVariable(GatewayNames.ERROR_MESSAGE));
    }

    @Test
    void a404NamesTheTopic() {
        Exchange exchange = failed(new GatewayException(404, "Topic does not exist"));
        new ErrorResponse().process(exchange);
        assertEquals(ErrorBody.json(404, "Topic does not exist", null, "orders", null), exchange.getMessage().getBody());
    }

    @Test
    void aServerSideFailureHasRetryAfterKafkaCodeTopicAndTheDeadLetterAsIncident() {
        Exchange exchange = failed(ErrorResponse.toGatewayException(new TimeoutException("Topic orders not present in metadata")));
        exchange.setVariable(GatewayNames.DEAD_LETTER_ID, "dl-7");
        new ErrorResponse().process(exchange);
        assertEquals(Map.of(Exchange.HTTP_RESPONSE_CODE, 503, Exchange.CONTENT_TYPE, "application/json",
                "Retry-After", "1"), exchange.getMessage().getHeaders());
        assertEquals(ErrorBody.json(503, "Kafka brokers are unavailable", 7, "orders", "dl-7"),
                exchange.getMessage().getBody());
    }

    @Test
    void withoutADeadLetterTheIncidentOfA408Or5xxIsTheRequestId() {
        for (int status : new int[] {408, 500, 503}) {
            Exchange exchange = failed(new GatewayException(status, "m"));
            new ErrorResponse().process(exchange);
            assertEquals(ErrorBody.json(status, "m", null, null, "req-1"), exchange.getMessage().getBody());
        }
        // the exchange id when the request has none
        Exchange exchange = failed(new GatewayException(500, "m"));
        exchange.removeVariable(GatewayNames.REQUEST_ID);
        new ErrorResponse().process(exchange);
        assertEquals(ErrorBody.json(500, "m", null, null, exchange.getExchangeId()), exchange.getMessage().getBody());
        // a client error has no incident, even with a dead letter id around
        Exchange client = failed(new GatewayException(499, "m"));
        new ErrorResponse().process(client);
        assertEquals(ErrorBody.json(499, "m"), client.getMessage().getBody());
    }

    @Test
    void withoutAClassifiedFailureTheCaughtExceptionIsMapped() {
        Exchange exchange = FakeHttpRequest.post("/topics/orders/records", "body");
        exchange.setVariable(GatewayNames.TOPIC, "orders");
        exchange.setVariable(GatewayNames.REQUEST_ID, "req-2");
        exchange.setProperty(Exchange.EXCEPTION_CAUGHT, new CompletionException(new UnknownTopicOrPartitionException("x")));
        new ErrorResponse().process(exchange);
        assertEquals(404, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(ErrorBody.json(404, "Topic does not exist", 3, "orders", null), exchange.getMessage().getBody());
    }

    @Test
    void theV2ShapeCarriesCodeTargetAndTrace() {
        Exchange exchange = failed(GatewayException.v2(400, "invalid_partition", "'partition' is a number from 0",
                "[1].partition"));
        exchange.setVariable(GatewayNames.API, GatewayNames.API_V2);
        new ErrorResponse().process(exchange);
        assertEquals(400, exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
        assertEquals(ErrorBody.v2Json(400, "invalid_partition", "'partition' is a number from 0", "[1].partition",
                "req-1"), exchange.getMessage().getBody());
        Exchange timeout = failed(new GatewayException(408, "Request timed out producing to Kafka"));
        timeout.setVariable(GatewayNames.DEAD_LETTER_ID, "dl-9");
        timeout.setVariable(GatewayNames.API, GatewayNames.API_V2);
        new ErrorResponse().process(timeout);
        assertEquals(ErrorBody.v2Json(408, null, "Request timed out producing to Kafka", null, "dl-9"),
                timeout.getMessage().getBody());
    }
}

package io.github.kafkarestgateway.error;

import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure into the HTTP answer, in the shape of the API the request came in by (variable
 * {@code api}: Event Streams v1.1.0, or the v2 shape): status code, the JSON error body, and a
 * warning for a 408 or 5xx (client errors are told by the access log line, which carries the message). The {@code incident} of a 408 or 5xx answer is the dead-letter entry's id (or the request id when nothing
 * was kept). Never a stack trace to the client.
 */
public class ErrorResponse implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponse.class);

    @Override
    public void process(Exchange exchange) {
        GatewayException error = exchange.getVariable(GatewayNames.FAILURE, GatewayException.class);
        if (error == null) {
            error = toGatewayException(unwrap(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));
        }
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        String principal = exchange.getVariable(GatewayNames.PRINCIPAL, String.class);
        String deadLetterId = exchange.getVariable(GatewayNames.DEAD_LETTER_ID, String.class);
        boolean serverSide = error.serverSide();
        String requestId = GatewayNames.requestId(exchange);
        String incident = deadLetterId != null ? deadLetterId : serverSide ? requestId : null;
        if (serverSide) {
            LOG.warn("{} {} topic={} principal={} requestId={} incident={} cause={}", error.status(), error.getMessage(),
                    topic, principal, requestId, incident, rootCause(error.getCause()));
        } else {
            // the access log line has the status and this message; a client error is no event of the gateway's own
            LOG.debug("{} {} topic={} principal={} requestId={}", error.status(), error.getMessage(), topic, principal,
                    requestId);
        }
        exchange.setVariable(GatewayNames.ERROR_MESSAGE, error.getMessage());
        boolean v2 = GatewayNames.API_V2.equals(exchange.getVariable(GatewayNames.API));
        Message message = exchange.getMessage();
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, error.status());
        message.setHeader(Exchange.CONTENT_TYPE, ErrorBody.CONTENT_TYPE);
        error.responseHeaders().forEach(message::setHeader);
        message.setBody(v2
                ? ErrorBody.v2Json(error.status(), error.code(), error.getMessage(), error.target(),
                        incident != null ? incident : requestId)
                : ErrorBody.json(error.status(), error.getMessage(), error.kafkaErrorCode(),
                        error.status() == 404 && error.schema() == null || error.kafkaErrorCode() != null ? topic : null,
                        incident, error.schema()));
    }

    /** Maps a failure to the Event Streams status codes. */
    public static GatewayException toGatewayException(Throwable failure) {
        if (failure instanceof GatewayException gateway) {
            return gateway;
        }
        if (failure instanceof java.io.IOException io) {
            return new GatewayException(500, "Internal server error", null, Map.of(), io);
        }
        if (failure instanceof TimeoutException timeout && timeout.getCause() instanceof ApiException cause
                && !(cause instanceof RetriableException)) {
            // the producer waited for metadata the brokers refused (a topic its ACLs do not allow): that refusal
            return toGatewayException(cause);
        }
        if (failure instanceof TimeoutException timeout) {
            // the topic check passed, so missing metadata means the brokers stopped answering
            return timeout.getMessage() != null && timeout.getMessage().contains("not present in metadata")
                    ? kafka(503, "Kafka brokers are unavailable", timeout, Map.of("Retry-After", "1"))
                    : kafka(408, "Request timed out producing to Kafka", timeout, Map.of());
        }
        if (failure instanceof UnknownTopicOrPartitionException e) {
            return kafka(404, "Topic does not exist", e, Map.of());
        }
        if (failure instanceof RecordTooLargeException || failure instanceof InvalidTopicException
                || failure instanceof InvalidRecordException) {
            return kafka(400, "Kafka refused the record: " + failure.getMessage(), (ApiException) failure, Map.of());
        }
        if (failure instanceof TopicAuthorizationException || failure instanceof ClusterAuthorizationException) {
            return kafka(403, "Forbidden: Kafka's ACLs do not allow this principal to produce to this topic",
                    (ApiException) failure, Map.of());
        }
        if (failure instanceof AuthenticationException e) {
            // a caller's own Kafka login (gateway.auth.kafka-identity) refused since it was verified
            return kafka(401, "Unauthorized: Kafka did not accept the credentials", e,
                    Map.of("WWW-Authenticate", "Basic realm=\"kafka-rest-gateway\", Bearer realm=\"kafka-rest-gateway\""));
        }
        if (failure instanceof RetriableException && failure instanceof ApiException e) {
            return kafka(503, "Kafka brokers are unavailable: " + e.getClass().getSimpleName(), e,
                    Map.of("Retry-After", "1"));
        }
        if (failure instanceof ApiException e) {
            return kafka(500, "Kafka error: " + e.getClass().getSimpleName(), e, Map.of());
        }
        return new GatewayException(500, "Internal server error", null, Map.of(), failure);
    }

    private static GatewayException kafka(int status, String message, ApiException cause, Map<String, String> headers) {
        return new GatewayException(status, message, (int) Errors.forException(cause).code(), headers, cause);
    }

    private static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == null ? null : root.toString();
    }

    public static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException
                || current instanceof CamelExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}

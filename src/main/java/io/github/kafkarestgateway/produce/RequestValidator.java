package io.github.kafkarestgateway.produce;

import java.io.IOException;
import java.util.Set;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.common.internals.Topic;

/**
 * Checks what the Event Streams v1 API checks before producing: URI length, topic name, content type, body present
 * and within the value limit, and that a JSON body parses. Sets the variable {@code topic} and the body as the exact
 * bytes received.
 */
public class RequestValidator implements Processor {

    private static final Set<String> TEXT_TYPES = Set.of(
            "text/plain", "application/octet-stream", "text/xml", "application/xml",
            "application/vnd.ibm-event-streams.text.v1", "vnd.ibm-event-streams.text.v1",
            "application/vnd.ibm-event-streams.binary.v1", "vnd.ibm-event-streams.binary.v1");
    private static final Set<String> JSON_TYPES = Set.of(
            "application/json", "application/vnd.ibm-event-streams.json.v1", "vnd.ibm-event-streams.json.v1");
    private static final JsonFactory JSON = new JsonFactory();

    private int maxValueBytes = 65536;
    private int maxUriBytes = 10240;

    @Override
    public void process(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        if (request.uri().length() > maxUriBytes) {
            throw new GatewayException(400, "The request URI is longer than " + maxUriBytes + " bytes");
        }
        String topic = HttpRequests.topic(exchange);
        if (!isLegalTopicName(topic)) {
            throw new GatewayException(400, "Invalid topic name: a topic name has 1 to 249 characters among"
                    + " a-z, A-Z, 0-9, '.', '_' and '-', and is not '.' or '..'");
        }
        exchange.setVariable(GatewayNames.TOPIC, topic);

        String contentType = request.getHeader("Content-Type");
        String mediaType = HttpRequests.mediaType(contentType);
        boolean json = JSON_TYPES.contains(mediaType);
        if (!json && !TEXT_TYPES.contains(mediaType)) {
            throw new GatewayException(415, mediaType.isEmpty()
                    ? "Unsupported content type: a Content-Type header is required"
                    : "Unsupported content type '" + mediaType + "'");
        }

        exchange.setVariable(GatewayNames.CONTENT_TYPE, contentType);
        // the gateway's HTTP engine hands the body over as bytes: no conversion, no copy
        Object body = exchange.getMessage().getBody();
        byte[] value = body instanceof byte[] bytes ? bytes : exchange.getMessage().getBody(byte[].class);
        if (value == null || value.length == 0) {
            throw new GatewayException(411, "Length Required: the request has no data");
        }
        if (value.length > maxValueBytes) {
            throw new GatewayException(400, "The message is larger than the limit of " + maxValueBytes + " bytes");
        }
        if (json && !isJson(value)) {
            throw new GatewayException(400, "The body is not valid JSON, as Content-Type '" + mediaType + "' requires");
        }
        RequestFacts.of(exchange).valueBytes(value.length);
        exchange.getMessage().setBody(value);
    }

    /** Kafka's own rule for topic names (1 to 249 of a-z, A-Z, 0-9, '.', '_', '-'; not '.' or '..'). */
    static boolean isLegalTopicName(String topic) {
        return topic != null && Topic.isValid(topic);
    }

    /** One complete JSON value and nothing after it, parsed as a stream without building a tree. */
    static boolean isJson(byte[] value) {
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() == null) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    public void setMaxValueBytes(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }

    public void setMaxUriBytes(int maxUriBytes) {
        this.maxUriBytes = maxUriBytes;
    }
}

package io.github.kafkarestgateway.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Reads the original HTTP request. Camel merges request headers, query parameters and path parameters into one
 * header map; the gateway keeps them apart (a header named {@code key} must not act as the {@code key} query
 * parameter, and a query parameter must not pose as {@code Authorization}).
 */
public final class HttpRequests {


    private HttpRequests() {
    }

    public static HttpServerRequest of(Exchange exchange) {
        HttpMessage message = exchange.getIn(HttpMessage.class);
        if (message == null) {
            throw new IllegalStateException("Not an HTTP exchange of platform-http (Vert.x)");
        }
        return message.getRequest();
    }

    /**
     * The topic name of {@code /topics/{topic}/records} (and {@code /v2/topics/{topic}/records}), percent-decoded,
     * or null when the path has no such segment.
     */
    public static String topic(Exchange exchange) {
        String known = exchange.getVariable(GatewayNames.PATH_TOPIC, String.class);
        if (known != null) {
            return known;
        }
        String topic = decodeTopic(of(exchange).path());
        if (topic != null) {
            // authentication and validation both need it: decode once per request
            exchange.setVariable(GatewayNames.PATH_TOPIC, topic);
        }
        return topic;
    }

    private static String decodeTopic(String path) {
        int start = path.indexOf("/topics/");
        int end = path.lastIndexOf('/');
        if (start < 0 || end <= start + "/topics/".length()) {
            return null;
        }
        String raw = path.substring(start + "/topics/".length(), end);
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return raw;
        }
    }

    /** The media type without parameters (such as charset), lower case; empty when absent. */
    public static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semicolon = contentType.indexOf(';');
        String type = semicolon < 0 ? contentType : contentType.substring(0, semicolon);
        return type.trim().toLowerCase(Locale.ROOT);
    }

    /** A query parameter given at most once (names are case-sensitive, as Event Streams prints them), or null. */
    public static String queryParam(HttpServerRequest request, String name) {
        List<String> values = request.params().getAll(name);
        if (values.size() > 1) {
            throw new GatewayException(400, "The query parameter '" + name + "' is given more than once");
        }
        return values.isEmpty() ? null : values.get(0);
    }
}

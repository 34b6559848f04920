package io.github.kafkarestgateway.testing;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.http.HttpRequests;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;

/**
 * For the unit tests: a Vert.x {@link HttpServerRequest} without a server, answering what the processors read
 * ({@link HttpRequests#of} takes it from Camel's {@link HttpMessage}): method, URI, raw path, headers (case-insensitive,
 * repeatable) and the query parameters decoded as Vert.x decodes them. Anything else fails the test loudly.
 */
public final class FakeHttpRequest {

    /** One context for all unit tests, never started: exchanges only need it for their type converter. */
    public static final CamelContext CONTEXT = new DefaultCamelContext();

    private FakeHttpRequest() {
    }

    /** A request; {@code headers} are name, value, name, value, … (a name may repeat). */
    public static HttpServerRequest request(String method, String uri, String... headers) {
        // the header map of Vert.x's server
        MultiMap headerMap = HeadersMultiMap.httpHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            headerMap.add(headers[i], headers[i + 1]);
        }
        MultiMap params = MultiMap.caseInsensitiveMultiMap();
        QueryStringDecoder decoder = new QueryStringDecoder(uri, StandardCharsets.UTF_8);
        for (Map.Entry<String, List<String>> param : decoder.parameters().entrySet()) {
            params.add(param.getKey(), param.getValue());
        }
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        InvocationHandler handler = (proxy, m, args) -> {
            switch (m.getName()) {
                case "method":
                    return HttpMethod.valueOf(method);
                case "uri":
                    return uri;
                case "path":
                    return path;
                case "headers":
                    return headerMap;
                case "getHeader":
                    return headerMap.get(args[0].toString());
                case "params":
                    return params;
                case "toString":
                    return method + " " + uri;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    throw new UnsupportedOperationException("FakeHttpRequest." + m.getName());
            }
        };
        return (HttpServerRequest) Proxy.newProxyInstance(FakeHttpRequest.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, handler);
    }

    /** An exchange of platform-http whose request is {@code request} and whose body is {@code body}. */
    public static Exchange exchange(HttpServerRequest request, Object body) {
        Exchange exchange = new DefaultExchange(CONTEXT);
        HttpMessage message = new HttpMessage(exchange, request, null);
        message.setBody(body);
        exchange.setIn(message);
        return exchange;
    }

    public static Exchange post(String uri, Object body, String... headers) {
        return exchange(request("POST", uri, headers), body);
    }
}

package io.github.kafkarestgateway.tracing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * An OTLP/HTTP trace receiver, as a collector serves it ({@code POST /v1/traces}, protobuf): keeps every span it is
 * sent, with the {@code service.name} of its resource, decoded by the OpenTelemetry protocol's own classes.
 */
final class OtlpReceiver implements AutoCloseable {

    /** A received span and the service that sent it. */
    record Received(String service, Span span) {
        String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        /** The attribute's value as text (a string, or an integer's digits), or null. */
        String attribute(String key) {
            for (KeyValue attribute : span.getAttributesList()) {
                if (attribute.getKey().equals(key)) {
                    return text(attribute.getValue());
                }
            }
            return null;
        }
    }

    private final HttpServer server;
    private final String scheme;
    private final Queue<Received> spans = new ConcurrentLinkedQueue<>();
    private final AtomicInteger refused = new AtomicInteger();

    /** Plain HTTP, taking every export. */
    OtlpReceiver() throws IOException {
        this(HttpServer.create(new InetSocketAddress("localhost", 0), 0), "http", null, null);
    }

    /**
     * HTTPS with the key and certificate of {@code keyStore} (PKCS12), taking only exports that carry the header
     * {@code name: value} (others get 401), as a collector behind authentication does.
     */
    static OtlpReceiver https(Path keyStore, String password, String name, String value)
            throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(Files.newInputStream(keyStore), password.toCharArray());
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, password.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress("localhost", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new OtlpReceiver(server, "https", name, value);
    }

    private OtlpReceiver(HttpServer server, String scheme, String name, String value) {
        this.server = server;
        this.scheme = scheme;
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                if (name != null && !value.equals(exchange.getRequestHeaders().getFirst(name))) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(401, -1);
                    return;
                }
                ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
                for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                    String service = serviceName(resourceSpans.getResource());
                    for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                        scopeSpans.getSpansList().forEach(span -> spans.add(new Received(service, span)));
                    }
                }
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** Exports refused for want of the required header. */
    int refused() {
        return refused.get();
    }

    /** The traces URL to give {@code gateway.tracing.otlp-endpoint}. */
    String endpoint() {
        return scheme + "://localhost:" + server.getAddress().getPort() + "/v1/traces";
    }

    /** The spans received so far of this service and trace. */
    List<Received> spans(String service, String traceId) {
        List<Received> found = new ArrayList<>();
        for (Received received : spans) {
            if (received.service().equals(service) && received.traceId().equals(traceId)) {
                found.add(received);
            }
        }
        return found;
    }

    /** The spans received so far of this service. */
    List<Received> spans(String service) {
        return spans.stream().filter(received -> received.service().equals(service)).toList();
    }

    private static String serviceName(Resource resource) {
        for (KeyValue attribute : resource.getAttributesList()) {
            if (attribute.getKey().equals("service.name")) {
                return text(attribute.getValue());
            }
        }
        return "";
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            default -> value.toString();
        };
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

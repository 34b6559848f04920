package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The API's OpenAPI 3.0 document ({@code src/main/resources/openapi/gateway-api.yaml}, the contract), served as YAML
 * at {@code /openapi.yaml} and as JSON at {@code /openapi.json}: one bean per format ({@code format} {@code yaml} or
 * {@code json}), each answering with the document read once.
 */
public final class OpenApiDocument implements Processor {

    static final String RESOURCE = "openapi/gateway-api.yaml";

    /** Read when the bean is made, so that a missing document stops the start, not a request. */
    private final String yaml = read();
    private boolean asJson;
    private String body = yaml;

    /** {@code yaml} (the default) or {@code json}. */
    public void setFormat(String format) {
        if (!"yaml".equals(format) && !"json".equals(format)) {
            throw new IllegalArgumentException("format is yaml or json, not " + format);
        }
        asJson = "json".equals(format);
        body = asJson ? toJson(yaml) : yaml;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, asJson ? "application/json" : "application/yaml");
        exchange.getMessage().setBody(body);
    }

    private static String read() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No " + RESOURCE + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toJson(String yaml) {
        try {
            Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The API's OpenAPI 3.0 document ({@code src/main/resources/openapi/gateway-api.yaml}, the contract), served as YAML
 * at {@code /openapi.yaml} and as JSON at {@code /openapi.json}.
 */
public final class OpenApiDocument {

    static final String RESOURCE = "openapi/gateway-api.yaml";

    private final String yaml;
    private final String json;

    public OpenApiDocument() {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("No " + RESOURCE + " on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Object tree = new Load(LoadSettings.builder().build()).loadFromString(yaml);
            json = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Processor asYaml() {
        return exchange -> answer(exchange.getMessage(), "application/yaml", yaml);
    }

    public Processor asJson() {
        return exchange -> answer(exchange.getMessage(), "application/json", json);
    }

    private static void answer(Message message, String contentType, String body) {
        message.getHeaders().clear();
        message.setHeader(Exchange.CONTENT_TYPE, contentType);
        message.setBody(body);
    }
}

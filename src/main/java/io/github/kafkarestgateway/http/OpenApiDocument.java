package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * The API's contract, served: the OpenAPI 3.0 document ({@code src/main/resources/openapi/gateway-api.yaml}, the one
 * source) at {@code /openapi.yaml} and {@code /openapi.json}, and the Swagger 2.0 document made from it at build time
 * ({@link Swagger2Converter}) at {@code /swagger.json} and {@code /swagger.yaml}. One bean per route: {@code document}
 * {@code openapi} (the default) or {@code swagger}, {@code format} {@code yaml} (the default) or {@code json}.
 * <p>
 * The served document names the gateway's own address, in {@code servers} (3.0) or {@code host} and {@code schemes}
 * (2.0), so that a client generated from it, anywhere, calls this gateway rather than the source's
 * {@code https://localhost:9443}: {@code endpoint} names the registry's {@code Supplier<String>} of that URL
 * ({@code gateway.http.public-host} and the port the server listens on, bound by {@code GatewayConfiguration} after
 * the route files' beans are made). The answer is made at the first request, when both are known, and kept.
 */
public final class OpenApiDocument implements Processor {

    /** The contract on the classpath. */
    static final String OPENAPI_RESOURCE = "openapi/gateway-api.yaml";
    /** Where the build writes the Swagger 2.0 document ({@code pom.xml}, execution {@code swagger-document}). */
    static final String SWAGGER_RESOURCE = "openapi/gateway-api.swagger.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Read when the bean is made (and again when document is set), so that a missing document stops the start. */
    private JsonNode tree = tree(read(OPENAPI_RESOURCE));
    private boolean swagger;
    private boolean asJson;
    private String endpoint;
    private volatile String body;

    /** {@code openapi} (the default) or {@code swagger}. */
    public void setDocument(String document) {
        if (!"openapi".equals(document) && !"swagger".equals(document)) {
            throw new IllegalArgumentException("document is openapi or swagger, not " + document);
        }
        swagger = "swagger".equals(document);
        tree = tree(read(swagger ? SWAGGER_RESOURCE : OPENAPI_RESOURCE));
    }

    /** {@code yaml} (the default) or {@code json}. */
    public void setFormat(String format) {
        if (!"yaml".equals(format) && !"json".equals(format)) {
            throw new IllegalArgumentException("format is yaml or json, not " + format);
        }
        asJson = "json".equals(format);
    }

    /**
     * The name of the registry's {@code Supplier<String>} of the gateway's public URL ({@code https://host:port});
     * without one, the document's own servers stay.
     */
    public void setEndpoint(String endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) {
        String answer = body;
        if (answer == null) {
            JsonNode document = endpoint == null ? tree : at(tree.deepCopy(), URI.create(publicUrl(exchange)));
            answer = asJson ? json(document) : yaml(document);
            body = answer;
        }
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, asJson ? "application/json" : "application/yaml");
        exchange.getMessage().setBody(answer);
    }

    private String publicUrl(Exchange exchange) {
        Supplier<?> url = exchange.getContext().getRegistry().lookupByNameAndType(endpoint, Supplier.class);
        if (url == null) {
            throw new IllegalStateException("No bean " + endpoint + " (the gateway's public URL) in the registry");
        }
        return String.valueOf(url.get());
    }

    /** The document with the endpoint as its server: the first of {@code servers}, or {@code host} and scheme. */
    private JsonNode at(JsonNode document, URI url) {
        ObjectNode root = (ObjectNode) document;
        if (swagger) {
            root.put("host", url.getAuthority());
            root.putArray("schemes").add(url.getScheme());
        } else {
            ArrayNode servers = root.has("servers") ? (ArrayNode) root.get("servers") : root.putArray("servers");
            (servers.isEmpty() ? servers.addObject() : (ObjectNode) servers.get(0)).put("url", url.toString());
        }
        return root;
    }

    /** A YAML (or JSON) document as a tree, keys in their order. */
    static JsonNode tree(String yaml) {
        return JSON.valueToTree(new Load(LoadSettings.builder().build()).loadFromString(yaml));
    }

    static String json(JsonNode tree) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String yaml(JsonNode tree) {
        return new Dump(DumpSettings.builder().setDefaultFlowStyle(FlowStyle.BLOCK).setWidth(120).build())
                .dumpToString(JSON.convertValue(tree, Object.class));
    }

    private static String read(String resource) {
        try (InputStream in = OpenApiDocument.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("No " + resource + " on the classpath"
                        + (resource.equals(SWAGGER_RESOURCE) ? " (the build makes it: mvn process-classes)" : ""));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

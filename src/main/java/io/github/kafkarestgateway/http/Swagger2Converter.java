package io.github.kafkarestgateway.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Makes the Swagger 2.0 document ({@code /swagger.json}) from the OpenAPI 3.0 contract, at build time
 * ({@code exec-maven-plugin}, phase {@code process-classes}), for tools that take only 2.0 (z/OS Connect's
 * {@code zconbt} build toolkit, older API Connect gateways): the contract is written once, in 3.0, and never edited
 * twice. No converter in that direction is published on Maven Central, hence this class; it converts what 3.0 and
 * 2.0 both express, and stops the build on anything of 3.0 that 2.0 cannot say ({@code oneOf}, {@code anyOf},
 * {@code not}, cookie parameters, form bodies, OAuth), so that the two documents never silently differ.
 * <p>
 * What changes: {@code servers[0]} becomes {@code host}, {@code basePath} and {@code schemes}; a request body becomes
 * one {@code body} parameter with the schema of its first media type and {@code consumes} listing them all; a
 * response takes the schema of its JSON media type (else its first), and {@code produces} lists them all;
 * parameter and response references are written out in place; an exploded form query parameter of an object schema
 * becomes one query parameter per property (which is what it sends); schemas move to {@code definitions}; a bearer
 * scheme becomes an {@code apiKey} in the {@code Authorization} header.
 */
public final class Swagger2Converter {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch");
    /** Schema keywords of 3.0 that 2.0 has no equivalent for: the document must not use them. */
    private static final Set<String> UNSUPPORTED = Set.of("oneOf", "anyOf", "not", "nullable", "writeOnly",
            "deprecated", "discriminator");
    /** What a non-body parameter or a response header takes of its schema in 2.0. */
    private static final List<String> SIMPLE_KEYWORDS = List.of("type", "format", "items", "collectionFormat",
            "default", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength", "minLength",
            "pattern", "maxItems", "minItems", "uniqueItems", "enum", "multipleOf");

    private final JsonNode openApi;

    private Swagger2Converter(JsonNode openApi) {
        this.openApi = openApi;
    }

    /** {@code Swagger2Converter <OpenAPI 3.0 YAML or JSON> <Swagger 2.0 JSON to write>}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("Usage: Swagger2Converter <openapi.yaml> <swagger.json>");
        }
        JsonNode swagger = convert(OpenApiDocument.tree(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)));
        Path target = Path.of(args[1]);
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, OpenApiDocument.json(swagger), StandardCharsets.UTF_8);
    }

    /** The Swagger 2.0 document of an OpenAPI 3.0 one; an {@link IllegalArgumentException} names what 2.0 cannot say. */
    public static ObjectNode convert(JsonNode openApi) {
        if (!openApi.path("openapi").asText().startsWith("3.0.")) {
            throw new IllegalArgumentException("Not an OpenAPI 3.0 document: openapi " + openApi.path("openapi"));
        }
        return new Swagger2Converter(openApi).document();
    }

    private ObjectNode document() {
        ObjectNode swagger = NODES.objectNode();
        swagger.put("swagger", "2.0");
        swagger.set("info", openApi.get("info"));
        server(swagger);
        copy(openApi, swagger, "security");
        copy(openApi, swagger, "tags");
        copy(openApi, swagger, "externalDocs");
        ObjectNode paths = swagger.putObject("paths");
        openApi.path("paths").fields().forEachRemaining(path -> paths.set(path.getKey(), pathItem(path.getKey(),
                path.getValue())));
        ObjectNode securityDefinitions = NODES.objectNode();
        openApi.path("components").path("securitySchemes").fields().forEachRemaining(scheme ->
                securityDefinitions.set(scheme.getKey(), securityScheme(scheme.getKey(), resolve(scheme.getValue()))));
        if (!securityDefinitions.isEmpty()) {
            swagger.set("securityDefinitions", securityDefinitions);
        }
        ObjectNode definitions = NODES.objectNode();
        openApi.path("components").path("schemas").fields().forEachRemaining(schema ->
                definitions.set(schema.getKey(), schema("#/components/schemas/" + schema.getKey(), schema.getValue())));
        if (!definitions.isEmpty()) {
            swagger.set("definitions", definitions);
        }
        copyExtensions(openApi, swagger);
        return swagger;
    }

    /** The first server (2.0 has one host): an absolute URL, or a path relative to where the document is served. */
    private void server(ObjectNode swagger) {
        JsonNode servers = openApi.path("servers");
        if (servers.size() > 1) {
            throw new IllegalArgumentException("Swagger 2.0 has one host: the document names " + servers.size()
                    + " servers");
        }
        if (servers.isEmpty()) {
            swagger.put("basePath", "/");
            return;
        }
        URI url = URI.create(servers.get(0).path("url").asText());
        if (url.getHost() != null) {
            swagger.put("host", url.getAuthority());
        }
        swagger.put("basePath", url.getPath() == null || url.getPath().isEmpty() ? "/" : url.getPath());
        if (url.getScheme() != null) {
            swagger.putArray("schemes").add(url.getScheme());
        }
    }

    private ObjectNode pathItem(String path, JsonNode item) {
        if (item.has("$ref") || item.has("servers")) {
            throw new IllegalArgumentException(path + ": path references and path servers are not converted");
        }
        ObjectNode converted = NODES.objectNode();
        for (Iterator<String> names = item.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!METHODS.contains(name) && !name.equals("parameters") && !name.equals("summary")
                    && !name.equals("description") && !name.startsWith("x-")) {
                throw new IllegalArgumentException(path + ": " + name + " has no equivalent in Swagger 2.0");
            }
        }
        for (String method : METHODS) {
            if (item.has(method)) {
                converted.set(method, operation(path + " " + method, item.path("parameters"), item.get(method)));
            }
        }
        copyExtensions(item, converted);
        return converted;
    }

    private ObjectNode operation(String where, JsonNode pathParameters, JsonNode operation) {
        if (operation.has("callbacks") || operation.has("servers")) {
            throw new IllegalArgumentException(where + ": callbacks and operation servers have no equivalent in 2.0");
        }
        ObjectNode converted = NODES.objectNode();
        for (String field : List.of("tags", "summary", "description", "externalDocs", "operationId", "deprecated")) {
            copy(operation, converted, field);
        }
        ArrayNode parameters = NODES.arrayNode();
        for (JsonNode parameter : pathParameters) {
            parameters(where, resolve(parameter), parameters);
        }
        for (JsonNode parameter : operation.path("parameters")) {
            parameters(where, resolve(parameter), parameters);
        }
        if (operation.has("requestBody")) {
            JsonNode body = resolve(operation.get("requestBody"));
            ArrayNode consumes = converted.putArray("consumes");
            body.path("content").fieldNames().forEachRemaining(consumes::add);
            ObjectNode parameter = parameters.addObject().put("name", "body").put("in", "body");
            copy(body, parameter, "description");
            parameter.put("required", body.path("required").asBoolean(false));
            Map.Entry<String, JsonNode> first = body.path("content").fields().next();
            if (first.getKey().startsWith("multipart/") || first.getKey().equals("application/x-www-form-urlencoded")) {
                throw new IllegalArgumentException(where + ": form bodies are not converted");
            }
            parameter.set("schema", schema(where + " body", first.getValue().path("schema")));
        }
        if (!parameters.isEmpty()) {
            converted.set("parameters", parameters);
        }
        Set<String> produces = new LinkedHashSet<>();
        ObjectNode responses = converted.putObject("responses");
        operation.path("responses").fields().forEachRemaining(status -> responses.set(status.getKey(),
                response(where + " " + status.getKey(), resolve(status.getValue()), produces)));
        if (!produces.isEmpty()) {
            ArrayNode list = NODES.arrayNode();
            produces.forEach(list::add);
            converted.set("produces", list);
        }
        copy(operation, converted, "security");
        copyExtensions(operation, converted);
        return converted;
    }

    /** One 3.0 parameter as 2.0 parameters: itself, or each property of an exploded form object in the query. */
    private void parameters(String where, JsonNode parameter, ArrayNode into) {
        String in = parameter.path("in").asText();
        String name = parameter.path("name").asText();
        if (!Set.of("path", "query", "header").contains(in)) {
            throw new IllegalArgumentException(where + ": parameter " + name + " in " + in + " has no equivalent in 2.0");
        }
        if (parameter.has("content")) {
            throw new IllegalArgumentException(where + ": parameter " + name + " with content is not converted");
        }
        JsonNode schema = resolve(parameter.path("schema"));
        if (in.equals("query") && "object".equals(schema.path("type").asText())
                && parameter.path("style").asText("form").equals("form") && parameter.path("explode").asBoolean(true)) {
            Set<String> required = new LinkedHashSet<>();
            schema.path("required").forEach(property -> required.add(property.asText()));
            schema.path("properties").fields().forEachRemaining(property -> {
                JsonNode propertySchema = resolve(property.getValue());
                ObjectNode converted = into.addObject().put("name", property.getKey()).put("in", "query");
                String description = propertySchema.path("description").asText(parameter.path("description").asText());
                if (!description.isEmpty()) {
                    converted.put("description", description);
                }
                converted.put("required", parameter.path("required").asBoolean(false)
                        && required.contains(property.getKey()));
                simpleSchema(where + " " + property.getKey(), propertySchema, converted);
            });
            return;
        }
        ObjectNode converted = into.addObject().put("name", name).put("in", in);
        copy(parameter, converted, "description");
        converted.put("required", parameter.path("required").asBoolean(false));
        simpleSchema(where + " " + name, schema, converted);
        copyExtensions(parameter, converted);
    }

    private ObjectNode response(String where, JsonNode response, Set<String> produces) {
        ObjectNode converted = NODES.objectNode();
        converted.put("description", response.path("description").asText(""));
        if (response.has("headers")) {
            ObjectNode headers = converted.putObject("headers");
            response.get("headers").fields().forEachRemaining(header -> {
                JsonNode resolved = resolve(header.getValue());
                ObjectNode convertedHeader = headers.putObject(header.getKey());
                copy(resolved, convertedHeader, "description");
                simpleSchema(where + " header " + header.getKey(), resolve(resolved.path("schema")), convertedHeader);
            });
        }
        JsonNode content = response.path("content");
        content.fieldNames().forEachRemaining(produces::add);
        if (!content.isEmpty()) {
            JsonNode media = content.has("application/json") ? content.get("application/json")
                    : content.fields().next().getValue();
            if (media.has("schema")) {
                converted.set("schema", schema(where, media.get("schema")));
            }
        }
        if (response.has("links")) {
            throw new IllegalArgumentException(where + ": links have no equivalent in 2.0");
        }
        copyExtensions(response, converted);
        return converted;
    }

    /** The keywords of a non-body parameter's or a header's schema, written onto it (2.0 has no schema there). */
    private void simpleSchema(String where, JsonNode schema, ObjectNode into) {
        if (!schema.has("type") || "object".equals(schema.path("type").asText())) {
            throw new IllegalArgumentException(where + ": a parameter or header needs a scalar or array type");
        }
        JsonNode converted = schema(where, schema);
        for (String keyword : SIMPLE_KEYWORDS) {
            if (converted.has(keyword)) {
                into.set(keyword, converted.get(keyword));
            }
        }
        if (converted.has("items")) {
            into.put("collectionFormat", "csv");
        }
    }

    /** A schema with its references into {@code definitions}; stops on what 2.0 cannot say. */
    private JsonNode schema(String where, JsonNode schema) {
        if (schema.isArray()) {
            ArrayNode converted = NODES.arrayNode();
            schema.forEach(item -> converted.add(schema(where, item)));
            return converted;
        }
        if (!schema.isObject()) {
            return schema;
        }
        ObjectNode converted = NODES.objectNode();
        schema.fields().forEachRemaining(field -> {
            String keyword = field.getKey();
            if (UNSUPPORTED.contains(keyword)) {
                throw new IllegalArgumentException(where + ": " + keyword + " has no equivalent in Swagger 2.0");
            }
            if (keyword.equals("$ref")) {
                String ref = field.getValue().asText();
                if (!ref.startsWith("#/components/schemas/")) {
                    throw new IllegalArgumentException(where + ": only schema references are converted, not " + ref);
                }
                converted.put("$ref", "#/definitions/" + ref.substring("#/components/schemas/".length()));
            } else if (keyword.equals("properties") || keyword.equals("enum") || keyword.equals("default")
                    || keyword.equals("example") || keyword.startsWith("x-")) {
                // names and values, not schemas: properties' values are schemas, their names are not keywords
                converted.set(keyword, keyword.equals("properties") ? properties(where, field.getValue())
                        : field.getValue());
            } else {
                converted.set(keyword, schema(where, field.getValue()));
            }
        });
        return converted;
    }

    private ObjectNode properties(String where, JsonNode properties) {
        ObjectNode converted = NODES.objectNode();
        properties.fields().forEachRemaining(property -> converted.set(property.getKey(),
                schema(where + "." + property.getKey(), property.getValue())));
        return converted;
    }

    private ObjectNode securityScheme(String name, JsonNode scheme) {
        ObjectNode converted = NODES.objectNode();
        String type = scheme.path("type").asText();
        String description = scheme.path("description").asText("");
        if (type.equals("http") && scheme.path("scheme").asText().equalsIgnoreCase("basic")) {
            converted.put("type", "basic");
        } else if (type.equals("http") && scheme.path("scheme").asText().equalsIgnoreCase("bearer")) {
            // 2.0 has no bearer scheme: the header it sends, as an API key
            converted.put("type", "apiKey").put("in", "header").put("name", "Authorization");
            description = (description.isEmpty() ? "" : description + " ") + "Sent as: Authorization: Bearer <key>.";
        } else if (type.equals("apiKey") && !scheme.path("in").asText().equals("cookie")) {
            converted.put("type", "apiKey").put("in", scheme.path("in").asText()).put("name", scheme.path("name").asText());
        } else {
            throw new IllegalArgumentException("security scheme " + name + " (" + type + ") is not converted");
        }
        if (!description.isEmpty()) {
            converted.put("description", description);
        }
        return converted;
    }

    /**
     * The component the node refers to ({@code #/components/...}), or the node itself: parameters, bodies, responses
     * and headers are written out in place, and so is a parameter's schema (2.0 has none there); body and response
     * schemas keep their references ({@link #schema}).
     */
    private JsonNode resolve(JsonNode node) {
        if (!node.has("$ref")) {
            return node;
        }
        String ref = node.get("$ref").asText();
        if (!ref.startsWith("#/components/")) {
            return missing(ref);
        }
        JsonNode target = openApi;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part);
        }
        return target.isMissingNode() ? missing(ref) : resolve(target);
    }

    private static JsonNode missing(String ref) {
        throw new IllegalArgumentException("Unresolvable reference " + ref);
    }

    private static void copy(JsonNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }

    private static void copyExtensions(JsonNode from, ObjectNode to) {
        List<String> names = new ArrayList<>();
        from.fieldNames().forEachRemaining(names::add);
        names.stream().filter(name -> name.startsWith("x-")).forEach(name -> to.set(name, from.get(name)));
    }
}

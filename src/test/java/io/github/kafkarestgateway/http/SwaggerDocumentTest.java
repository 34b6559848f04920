package io.github.kafkarestgateway.http;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.models.HttpMethod;
import io.swagger.models.Operation;
import io.swagger.models.Swagger;
import io.swagger.models.parameters.BodyParameter;
import io.swagger.parser.SwaggerParser;
import io.swagger.parser.util.SwaggerDeserializationResult;
import io.github.kafkarestgateway.testing.TestGateway;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Swagger 2.0 contract for tools that take only 2.0 (z/OS Connect's zconbt, older API Connect gateways): served at
 * {@code /swagger.json} and {@code /swagger.yaml}, read without a message by swagger-parser's 2.0 parser, made from
 * the OpenAPI 3.0 source (the same operations, answers and schemas), and with what such a toolkit needs to generate
 * code: a unique operationId per operation, a schema for every request body and every answer, and no
 * oneOf/anyOf/allOf anywhere.
 */
class SwaggerDocumentTest {

    private static final Path SOURCE = Path.of("src/main/resources/openapi/gateway-api.yaml");

    @Test
    void isServedAsJsonAndYamlThatSwaggerParserReadsAsSwagger20WithoutAMessage() throws Exception {
        TestGateway gateway = TestGateway.shared();
        HttpResponse<String> json = gateway.send(gateway.request("/swagger.json").GET().build());
        HttpResponse<String> yaml = gateway.send(gateway.request("/swagger.yaml").GET().build());
        assertEquals(200, json.statusCode(), json.body());
        assertEquals(200, yaml.statusCode(), yaml.body());
        assertEquals("application/json", json.headers().firstValue("Content-Type").orElse(null));
        assertEquals("application/yaml", yaml.headers().firstValue("Content-Type").orElse(null));
        assertEquals(TestGateway.json(json), OpenApiDocument.tree(yaml.body()));
        for (String body : List.of(json.body(), yaml.body())) {
            SwaggerDeserializationResult parsed = new SwaggerParser().readWithInfo(body);
            assertEquals(List.of(), parsed.getMessages());
            assertEquals("2.0", parsed.getSwagger().getSwagger());
        }
        assertEquals(gateway.uri("/").getAuthority(), TestGateway.json(json).get("host").asText());
    }

    @Test
    void isMadeFromTheOpenApiDocumentWithTheSameOperationsAnswersAndSchemas() throws Exception {
        JsonNode source = OpenApiDocument.tree(Files.readString(SOURCE));
        JsonNode swagger = served();
        assertEquals(operations(source), operations(swagger));
        Set<String> schemas = new TreeSet<>();
        source.get("components").get("schemas").fieldNames().forEachRemaining(schemas::add);
        Set<String> definitions = new TreeSet<>();
        swagger.get("definitions").fieldNames().forEachRemaining(definitions::add);
        assertEquals(schemas, definitions);
        assertEquals(source.get("info"), swagger.get("info"));
    }

    @Test
    void hasWhatACodeGeneratingToolkitNeeds() throws Exception {
        Swagger swagger = new SwaggerParser().parse(served().toString());
        Set<String> operationIds = new TreeSet<>();
        List<String> problems = new ArrayList<>();
        swagger.getPaths().forEach((path, item) -> item.getOperationMap().forEach((method, operation) -> {
            String where = method + " " + path;
            if (operation.getOperationId() == null || !operationIds.add(operation.getOperationId())) {
                problems.add(where + ": no operationId, or one another operation has: " + operation.getOperationId());
            }
            operation.getParameters().stream().filter(BodyParameter.class::isInstance).map(BodyParameter.class::cast)
                    .filter(body -> body.getSchema() == null).forEach(body -> problems.add(where + ": a body without schema"));
            operation.getResponses().forEach((status, response) -> {
                if (response.getResponseSchema() == null) {
                    problems.add(where + " " + status + ": an answer without schema");
                }
            });
        }));
        assertEquals(List.of(), problems);
        assertTrue(operationIds.containsAll(List.of("produceMessage", "produceRecordsV2")), operationIds.toString());
        List<String> composed = new ArrayList<>();
        OpenApiContractTest.walk(served(), "", (where, node) -> {
            for (String keyword : List.of("oneOf", "anyOf", "allOf")) {
                if (node.has(keyword)) {
                    composed.add(where + "/" + keyword);
                }
            }
        });
        assertEquals(List.of(), composed, "schema composition, which code generators of 2.0 cannot map");
    }

    @Test
    void describesTheV1AndV2ProduceRequestsAsTheyAreSent() throws Exception {
        Swagger swagger = new SwaggerParser().parse(served().toString());
        Operation v1 = swagger.getPath("/topics/{topic_name}/records").getOperationMap().get(HttpMethod.POST);
        Map<String, String> v1Parameters = new TreeMap<>();
        v1.getParameters().forEach(parameter -> v1Parameters.put(parameter.getName(), parameter.getIn()));
        // the 3.0 exploded form object of the query parameter headers is the query parameter headers again
        assertEquals("query", v1Parameters.get("headers"));
        assertEquals("query", v1Parameters.get("key"));
        assertEquals("header", v1Parameters.get("Idempotency-Key"));
        assertEquals("body", v1Parameters.get("body"));
        assertTrue(v1.getConsumes().containsAll(List.of("text/plain", "application/json", "application/octet-stream")));
        JsonNode v2Body = served().get("paths").get("/v2/topics/{topic_name}/records").get("post").get("parameters")
                .findParents("in").stream().filter(p -> p.get("in").asText().equals("body")).findFirst().orElseThrow();
        assertEquals("#/definitions/Envelopes", v2Body.get("schema").get("$ref").asText());
        assertNotNull(swagger.getSecurityDefinitions().get("bearerAuth"));
        assertEquals("Authorization", served().get("securityDefinitions").get("bearerAuth").get("name").asText());
    }

    /** "METHOD path operationId status…" of every operation. */
    private static Set<String> operations(JsonNode document) {
        Set<String> operations = new TreeSet<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            List<String> statuses = new ArrayList<>();
            operation.getValue().get("responses").fieldNames().forEachRemaining(statuses::add);
            operations.add(operation.getKey() + " " + path.getKey() + " " + operation.getValue().get("operationId")
                    .asText() + " " + statuses);
        }));
        return operations;
    }

    private static JsonNode served() {
        TestGateway gateway = TestGateway.shared();
        return TestGateway.json(gateway.send(gateway.request("/swagger.json").GET().build()));
    }
}

package io.github.kafkarestgateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The build-time OpenAPI 3.0 to Swagger 2.0 conversion, on small documents. */
class Swagger2ConverterUnitTest {

    private static final String HEAD = """
            openapi: 3.0.3
            info: {title: t, version: '1'}
            servers:
              - url: https://gateway.example:9443/base
            """;

    private static JsonNode convert(String paths) {
        return Swagger2Converter.convert(OpenApiDocument.tree(HEAD + paths));
    }

    @Test
    void theServerBecomesHostBasePathAndScheme() {
        JsonNode swagger = convert("paths: {}\n");
        assertEquals("2.0", swagger.get("swagger").asText());
        assertEquals("gateway.example:9443", swagger.get("host").asText());
        assertEquals("/base", swagger.get("basePath").asText());
        assertEquals("https", swagger.get("schemes").get(0).asText());
        JsonNode relative = Swagger2Converter.convert(OpenApiDocument.tree("""
                openapi: 3.0.3
                info: {title: t, version: '1'}
                servers: [{url: /api}]
                paths: {}
                """));
        assertFalse(relative.has("host"), "no host: the host that serves the document");
        assertEquals("/api", relative.get("basePath").asText());
    }

    @Test
    void aBodyIsOneBodyParameterOfItsFirstMediaTypeAndAnAnswerTakesItsJsonSchema() {
        JsonNode operation = convert("""
                paths:
                  /p:
                    post:
                      operationId: op
                      requestBody:
                        required: true
                        content:
                          text/plain: {schema: {type: string, maxLength: 5}}
                          application/json: {schema: {}}
                      responses:
                        '200':
                          description: ok
                          headers:
                            Retry-After: {$ref: '#/components/headers/Retry'}
                          content:
                            text/plain: {schema: {type: string}}
                            application/json: {schema: {$ref: '#/components/schemas/A'}}
                        '400': {$ref: '#/components/responses/Bad'}
                components:
                  headers:
                    Retry: {description: seconds, schema: {type: integer, format: int32}}
                  responses:
                    Bad: {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/A'}}}}
                  schemas:
                    A: {type: object, properties: {b: {$ref: '#/components/schemas/B'}}}
                    B: {type: integer, format: int64}
                """).get("paths").get("/p").get("post");
        assertEquals("[\"text/plain\",\"application/json\"]", operation.get("consumes").toString());
        JsonNode body = operation.get("parameters").get(0);
        assertEquals("body", body.get("in").asText());
        assertTrue(body.get("required").asBoolean());
        assertEquals("{\"type\":\"string\",\"maxLength\":5}", body.get("schema").toString());
        assertEquals("#/definitions/A", operation.get("responses").get("200").get("schema").get("$ref").asText());
        assertEquals("integer", operation.get("responses").get("200").get("headers").get("Retry-After").get("type").asText());
        assertEquals("bad", operation.get("responses").get("400").get("description").asText());
        assertEquals("#/definitions/A", operation.get("responses").get("400").get("schema").get("$ref").asText());
        assertEquals("[\"text/plain\",\"application/json\"]", operation.get("produces").toString());
    }

    @Test
    void anExplodedFormObjectInTheQueryIsOneQueryParameterPerProperty() {
        JsonNode parameters = convert("""
                paths:
                  /p:
                    get:
                      operationId: op
                      parameters:
                        - name: wrapper
                          in: query
                          style: form
                          explode: true
                          schema: {$ref: '#/components/schemas/W'}
                        - {$ref: '#/components/parameters/Id'}
                      responses:
                        '200': {description: ok}
                components:
                  parameters:
                    Id: {name: X-Id, in: header, schema: {type: string, maxLength: 128}}
                  schemas:
                    W: {type: object, properties: {headers: {type: string, description: the headers}}}
                """).get("paths").get("/p").get("get").get("parameters");
        assertEquals("{\"name\":\"headers\",\"in\":\"query\",\"description\":\"the headers\",\"required\":false,"
                + "\"type\":\"string\"}", parameters.get(0).toString());
        assertEquals("{\"name\":\"X-Id\",\"in\":\"header\",\"required\":false,\"type\":\"string\",\"maxLength\":128}",
                parameters.get(1).toString());
    }

    @Test
    void bearerBecomesAnApiKeyInTheAuthorizationHeaderAndBasicStaysBasic() {
        JsonNode definitions = convert("""
                paths: {}
                components:
                  securitySchemes:
                    bearer: {type: http, scheme: bearer}
                    basic: {type: http, scheme: basic}
                    token: {type: apiKey, in: header, name: X-Auth-Token}
                """).get("securityDefinitions");
        assertEquals("{\"type\":\"apiKey\",\"in\":\"header\",\"name\":\"Authorization\","
                + "\"description\":\"Sent as: Authorization: Bearer <key>.\"}", definitions.get("bearer").toString());
        assertEquals("{\"type\":\"basic\"}", definitions.get("basic").toString());
        assertEquals("X-Auth-Token", definitions.get("token").get("name").asText());
    }

    @Test
    void whatSwagger20CannotSayStopsTheConversion() {
        IllegalArgumentException oneOf = assertThrows(IllegalArgumentException.class, () -> convert("""
                paths: {}
                components:
                  schemas:
                    A: {oneOf: [{type: string}, {type: integer}]}
                """));
        assertTrue(oneOf.getMessage().contains("oneOf"), oneOf.getMessage());
        assertThrows(IllegalArgumentException.class, () -> convert("""
                paths:
                  /p:
                    get:
                      parameters: [{name: c, in: cookie, schema: {type: string}}]
                      responses: {'200': {description: ok}}
                """));
        assertThrows(IllegalArgumentException.class, () -> Swagger2Converter.convert(OpenApiDocument.tree("""
                swagger: '2.0'
                info: {title: t, version: '1'}
                paths: {}
                """)));
    }
}

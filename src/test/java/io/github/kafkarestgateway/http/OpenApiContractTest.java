package io.github.kafkarestgateway.http;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.github.kafkarestgateway.deadletter.DeadLetterTest;
import io.github.kafkarestgateway.idempotency.ClaimIdempotencyKey;
import io.github.kafkarestgateway.produce.EnvelopeParser;
import io.github.kafkarestgateway.produce.ProduceSettings;
import io.github.kafkarestgateway.produce.RequestValidator;
import io.github.kafkarestgateway.testing.HoldingInterceptor;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.PoisonPartitioner;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is the contract: it is a valid OpenAPI 3.0 document, it is what the gateway serves (naming the
 * gateway's own address as its server), every status code it documents is one the gateway really answers, with a
 * body of the documented shape and the response headers it declares; its limits are the gateway's, its integers have
 * a format.
 */
class OpenApiContractTest {

    private static final Path DOCUMENT = Path.of("src/main/resources/openapi/gateway-api.yaml");
    private static final Set<String> SEEN = new TreeSet<>();
    /** The response headers the gateway sets itself (besides Content-Type): each must be declared where it is sent. */
    private static final List<String> DECLARED_HEADERS = List.of("X-Request-ID", "Idempotent-Replayed",
            "WWW-Authenticate", "Retry-After");
    private static JsonNode document;

    @Test
    void isAValidOpenApi30DocumentWithoutErrors() throws Exception {
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(DOCUMENT), null, null);
        assertNotNull(result.getOpenAPI(), String.valueOf(result.getMessages()));
        assertEquals(java.util.List.of(), result.getMessages());
        assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.0."), "3.0, for tools that take no 3.1");
    }

    @Test
    void isServedAsYamlAndJsonNamingTheGatewayAsItsServer() throws Exception {
        TestGateway gateway = TestGateway.shared();
        HttpResponse<String> yaml = gateway.send(gateway.request("/openapi.yaml").GET().build());
        HttpResponse<String> json = gateway.send(gateway.request("/openapi.json").GET().build());

        ObjectNode expected = doc().deepCopy();
        ((ObjectNode) expected.get("servers").get(0)).put("url", gateway.uri("/").toString().replaceAll("/$", ""));
        assertEquals(expected, OpenApiDocument.tree(yaml.body()));
        assertEquals(expected, TestGateway.json(json));
        check("GET", "/openapi.yaml", 200, yaml);
        check("GET", "/openapi.json", 200, json);
        check("GET", "/swagger.json", 200, gateway.send(gateway.request("/swagger.json").GET().build()));
        check("GET", "/swagger.yaml", 200, gateway.send(gateway.request("/swagger.yaml").GET().build()));
    }

    @Test
    void namesTheConfiguredPublicHostAndThePortItListensOnAsItsServer() throws Exception {
        try (TestGateway behind = TestGateway.start(Map.of("gateway.http.public-host", "gateway.example.test"))) {
            String authority = "gateway.example.test:" + behind.uri("/").getPort();
            assertEquals("https://" + authority, TestGateway.json(behind.send(behind.request("/openapi.json").GET().build()))
                    .get("servers").get(0).get("url").asText());
            assertEquals("https://" + authority, OpenApiDocument.tree(behind.send(behind.request("/openapi.yaml").GET()
                    .build()).body()).get("servers").get(0).get("url").asText());
            for (String swagger : List.of("/swagger.json", "/swagger.yaml")) {
                JsonNode served = OpenApiDocument.tree(behind.send(behind.request(swagger).GET().build()).body());
                assertEquals(authority, served.get("host").asText(), swagger);
                assertEquals(List.of("https"), List.of(served.get("schemes").get(0).asText()), swagger);
                assertEquals(1, served.get("schemes").size(), swagger);
            }
        }
    }

    @Test
    void declaresTheLimitsOfTheSettingsAndOfTheGatewayAsSchemaConstraints() throws Exception {
        JsonNode v1 = doc().get("paths").get("/topics/{topic_name}/records").get("post");
        JsonNode schemas = doc().get("components").get("schemas");
        int key = Integer.parseInt(ProduceSettings.MAX_KEY_BYTES.defaultValue());
        int value = Integer.parseInt(ProduceSettings.MAX_VALUE_BYTES.defaultValue());
        // a binary key is hex, two characters a byte: the longest key the gateway takes is that long
        assertEquals(2 * key, parameter(v1, "key").get("schema").get("maxLength").asInt());
        String topic = TestKafka.createTopic("longest-key");
        byte[] longest = new byte[key];
        java.util.Arrays.fill(longest, (byte) 0xab);
        String hex = java.util.HexFormat.of().formatHex(longest);
        Landed.expect(topic, "v").key(longest).in(TestGateway.shared().post("/topics/" + topic
                + "/records?keyType=binary&key=" + hex, "text/plain", TestGateway.bytes("v")));
        TestGateway.assertError(TestGateway.shared().post("/topics/" + topic + "/records?keyType=binary&key=" + hex
                + "ab", "text/plain", TestGateway.bytes("v")), 400);
        assertTrue(parameter(v1, "key").get("description").asText().contains(ProduceSettings.MAX_KEY_BYTES.key()));
        assertEquals(key, parameter(v1, "X-Kafka-Key").get("schema").get("maxLength").asInt());
        for (String media : List.of("TextValue", "BinaryValue")) {
            assertEquals(value, schemas.get(media).get("maxLength").asInt(), media);
            assertTrue(schemas.get(media).get("description").asText().contains(ProduceSettings.MAX_VALUE_BYTES.key()));
        }
        assertEquals(Integer.parseInt(ProduceSettings.V2_MAX_RECORDS.defaultValue()),
                schemas.get("Envelopes").get("maxItems").asInt());
        assertTrue(schemas.get("Envelopes").get("description").asText().contains(ProduceSettings.V2_MAX_RECORDS.key()));
        assertEquals(EnvelopeParser.MAX_SCHEMA_CHARS, schemas.get("Data").get("properties").get("schema")
                .get("maxLength").asInt());
        assertEquals(RequestObserver.MAX_REQUEST_ID_LENGTH, parameter(v1, "X-Request-ID").get("schema")
                .get("maxLength").asInt());
        assertEquals(RequestObserver.MAX_REQUEST_ID_LENGTH,
                doc().get("components").get("headers").get("RequestId").get("schema").get("maxLength").asInt());
        assertEquals(ClaimIdempotencyKey.MAX_KEY_LENGTH, parameter(v1, "Idempotency-Key").get("schema")
                .get("maxLength").asInt());
        assertEquals(1, parameter(v1, "Idempotency-Key").get("schema").get("minLength").asInt());
    }

    @Test
    void givesEveryIntegerAFormat() throws Exception {
        List<String> without = new java.util.ArrayList<>();
        walk(doc(), "", (where, node) -> {
            if ("integer".equals(node.path("type").asText()) && !Set.of("int32", "int64").contains(node.path("format").asText())) {
                without.add(where);
            }
        });
        assertEquals(List.of(), without, "integers without format int32 or int64");
    }

    @Test
    void declaresTheRequestIdOnEveryAnswer() throws Exception {
        List<String> without = new java.util.ArrayList<>();
        doc().get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation ->
                operation.getValue().path("responses").fields().forEachRemaining(status -> {
                    JsonNode response = status.getValue().has("$ref")
                            ? resolveUnchecked(status.getValue().get("$ref").asText()) : status.getValue();
                    if (!response.path("headers").has("X-Request-ID")) {
                        without.add(operation.getKey() + " " + path.getKey() + " " + status.getKey());
                    }
                })));
        assertEquals(List.of(), without, "answers without X-Request-ID declared");
    }

    @Test
    void everyAnswerOfTheProduceApiIsDocumentedAndShapedAsDocumented() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("contract");
        String records = "/topics/" + topic + "/records";
        String template = "/topics/{topic_name}/records";
        String v2Records = "/v2" + records;
        String v2 = "/v2/topics/{topic_name}/records";
        String operator = "Bearer " + TestGateway.OPERATOR_KEY;

        Landed.expect(topic, "v").in(check("POST", template, 200, gateway.post(records, "text/plain", bytes("v"))));
        check("POST", template, 400, gateway.post(records, "application/json", bytes("{")));
        check("POST", template, 401, gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer nope"));
        check("POST", template, 403, gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer " + TestGateway.ORDERS_KEY));
        check("POST", template, 404, gateway.post("/topics/contract-missing/records", "text/plain", bytes("v")));
        check("POST", template, 405, gateway.send(gateway.request(records).GET().build()));
        check("POST", template, 411, gateway.post(records, "text/plain", new byte[0]));
        check("POST", template, 415, gateway.post(records, "image/png", bytes("v")));
        String idempotencyKey = java.util.UUID.randomUUID().toString();
        Landed.expect(topic, "a").in(check("POST", template, 200,
                gateway.post(records, "text/plain", bytes("a"), "Idempotency-Key", idempotencyKey)));
        HttpResponse<String> replayed = check("POST", template, 200,
                gateway.post(records, "text/plain", bytes("a"), "Idempotency-Key", idempotencyKey));
        assertEquals("true", replayed.headers().firstValue("Idempotent-Replayed").orElse(null), replayed.body());
        Landed.expect(topic, "a").in(replayed);
        check("POST", template, 422, gateway.post(records, "text/plain", bytes("b"), "Idempotency-Key", idempotencyKey));

        String envelope = "{\"value\":{\"type\":\"text\",\"data\":\"v\"}}";
        Landed.expect(topic, "v").in(check("POST", v2, 200, gateway.post(v2Records, "application/json", bytes(envelope))));
        JsonNode batch = TestGateway.json(check("POST", v2, 200,
                gateway.post(v2Records, "application/json", bytes("[" + envelope + "," + envelope + "]"))));
        Landed.expect(topic, "v").at(batch.get("results").get(0).get("metadata"));
        Landed.expect(topic, "v").at(batch.get("results").get(1).get("metadata"));
        JsonNode mixed = TestGateway.json(check("POST", v2, 207, gateway.post(v2Records, "application/json",
                bytes("[" + envelope + ",{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"partition\":9}]"))));
        Landed.expect(topic, "v").at(mixed.get("results").get(0).get("metadata"));
        check("POST", v2, 400, gateway.post(v2Records, "application/json", bytes("{\"value\":{\"type\":\"avro\"}}")));
        check("POST", v2, 400, gateway.post(v2Records + "?serializer=confluent", "application/json",
                bytes("{\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"schema_id\":1}}")));
        check("POST", v2, 401, gateway.post(v2Records, "application/json", bytes(envelope), "Authorization", "Bearer x"));
        check("POST", v2, 403, gateway.post(v2Records, "application/json", bytes(envelope),
                "Authorization", "Bearer " + TestGateway.ORDERS_KEY));
        check("POST", v2, 404, gateway.post("/v2/topics/contract-missing/records", "application/json", bytes(envelope)));
        check("POST", v2, 405, gateway.send(gateway.request(v2Records).GET().build()));
        check("POST", v2, 411, gateway.post(v2Records, "application/json", new byte[0]));
        check("POST", v2, 415, gateway.post(v2Records, "text/plain", bytes(envelope)));
        String v2Key = java.util.UUID.randomUUID().toString();
        Landed.expect(topic, "v").in(check("POST", v2, 200,
                gateway.post(v2Records, "application/json", bytes(envelope), "Idempotency-Key", v2Key)));
        HttpResponse<String> v2Replayed = check("POST", v2, 200,
                gateway.post(v2Records, "application/json", bytes(envelope), "Idempotency-Key", v2Key));
        assertEquals("true", v2Replayed.headers().firstValue("Idempotent-Replayed").orElse(null), v2Replayed.body());
        check("POST", v2, 422, gateway.post(v2Records, "application/json", bytes("[" + envelope + "]"),
                "Idempotency-Key", v2Key));

        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()))) {
            HoldingInterceptor.gate = new java.util.concurrent.CountDownLatch(1);
            long claims = TestKafka.recordCount("rest-gateway-idempotency");
            var held = slow.client().sendAsync(slow.request(records)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).header("Content-Type", "text/plain")
                    .header("Idempotency-Key", idempotencyKey + "-held")
                    .POST(HttpRequest.BodyPublishers.ofString("hold")).build(), HttpResponse.BodyHandlers.ofString());
            var heldV2 = slow.client().sendAsync(slow.request(v2Records)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).header("Content-Type", "application/json")
                    .header("Idempotency-Key", v2Key + "-held")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"value\":{\"type\":\"text\",\"data\":\"hold\"}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            try {
                // both claims are on the idempotency topic: both requests are in flight for every instance
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                        .until(() -> TestKafka.recordCount("rest-gateway-idempotency") >= claims + 2);
                check("POST", template, 409, gateway.post(records, "text/plain", bytes("hold"),
                        "Idempotency-Key", idempotencyKey + "-held"));
                check("POST", v2, 409, gateway.post(v2Records, "application/json",
                        bytes("{\"value\":{\"type\":\"text\",\"data\":\"hold\"}}"), "Idempotency-Key", v2Key + "-held"));
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            Landed.expect(topic, "hold").in(check("POST", template, 200, held.get(30, java.util.concurrent.TimeUnit.SECONDS)));
            Landed.expect(topic, "hold").in(check("POST", v2, 200, heldV2.get(30, java.util.concurrent.TimeUnit.SECONDS)));
        }
        headersTooLarge(gateway, records);
        try (TestGateway limited = TestGateway.start(Map.of("gateway.quota.requests-per-second", "1",
                "gateway.auth.max-failures", "1"))) {
            check("POST", template, 429, overTheQuota(limited, topic, records, "text/plain", "v"));
            check("POST", v2, 429, overTheQuota(limited, topic, v2Records, "application/json", envelope));
            // a wrong key once, then the address is blocked for wrong keys
            check("GET", "/admin/dead-letters", 401, limited.send(limited.request("/admin/dead-letters")
                    .header("Authorization", "Bearer wrong").GET().build()));
            check("GET", "/admin/dead-letters", 429, limited.send(limited.request("/admin/dead-letters")
                    .header("Authorization", "Bearer wrong").GET().build()));
            check("POST", "/admin/dead-letters/replay", 429, limited.send(limited.request("/admin/dead-letters/replay")
                    .header("Authorization", "Bearer wrong").POST(HttpRequest.BodyPublishers.noBody()).build()));
        }
        try (TestGateway poisoned = TestGateway.start(Map.of("kafka.partitioner.class", PoisonPartitioner.class.getName()))) {
            check("POST", template, 500, poisoned.post(records + "?key=poison", "text/plain", bytes("v")));
            check("POST", v2, 500, poisoned.post(v2Records, "application/json",
                    bytes("{\"key\":{\"type\":\"text\",\"data\":\"poison\"},\"value\":{\"type\":\"text\",\"data\":\"v\"}}")));
        }
        try (TestGateway full = TestGateway.start(Map.of("gateway.dead-letter.min-free-bytes", String.valueOf(Long.MAX_VALUE)))) {
            check("POST", template, 503, full.post(records, "text/plain", bytes("v")));
            check("POST", v2, 503, full.post(v2Records, "application/json", bytes(envelope)));
            check("GET", "/ready", 503, full.send(full.request("/ready").GET().build()));
        }
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway slow = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "camel.component.kafka.deliveryTimeoutMs", "2000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0",
                "gateway.v2.delivery-timeout-ms", "2000",
                "gateway.dead-letter.replay-timeout-ms", "2000"))) {
            Landed.expect(topic, "warm").in(check("POST", template, 200, slow.post(records, "text/plain", bytes("warm"))));
            Landed.expect(topic, "v").in(check("POST", v2, 200, slow.post(v2Records, "application/json", bytes(envelope))));
            proxy.pause();
            try {
                check("POST", template, 408, slow.post(records, "text/plain", bytes("v")));
                // the dead letter cannot be delivered while Kafka does not answer
                check("POST", "/admin/dead-letters/replay", 503, DeadLetterTest.replay(slow, TestGateway.OPERATOR_KEY));
            } finally {
                proxy.resume();
            }
            // a timeout makes the gateway check the cluster again (503 while it does not answer): once it is ready
            // again, the same for v2
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
                    slow.send(slow.request("/ready").GET().build()).statusCode() == 200);
            Landed.expect(topic, "v").in(check("POST", v2, 200, slow.post(v2Records, "application/json", bytes(envelope))));
            proxy.pause();
            try {
                check("POST", v2, 408, slow.post(v2Records, "application/json", bytes(envelope)));
            } finally {
                proxy.resume();
            }
            check("POST", "/admin/dead-letters/replay", 200, DeadLetterTest.replay(slow, TestGateway.OPERATOR_KEY));
            check("GET", "/admin/dead-letters", 200, slow.send(slow.request("/admin/dead-letters")
                    .header("Authorization", operator).GET().build()));
            check("GET", "/admin/dead-letters", 200, slow.send(slow.request("/admin/dead-letters?limit=1&pending=false")
                    .header("Authorization", operator).GET().build()));
            check("GET", "/admin/dead-letters", 400, slow.send(slow.request("/admin/dead-letters?limit=many")
                    .header("Authorization", operator).GET().build()));
        }
        check("GET", "/admin/dead-letters", 401, gateway.send(gateway.request("/admin/dead-letters").GET().build()));
        check("GET", "/admin/dead-letters", 403, gateway.send(gateway.request("/admin/dead-letters")
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).GET().build()));
        check("GET", "/admin/dead-letters", 405, gateway.send(gateway.request("/admin/dead-letters")
                .header("Authorization", operator).DELETE().build()));
        check("POST", "/admin/dead-letters/replay", 401, gateway.send(gateway.request("/admin/dead-letters/replay")
                .POST(HttpRequest.BodyPublishers.noBody()).build()));
        check("POST", "/admin/dead-letters/replay", 403, gateway.send(gateway.request("/admin/dead-letters/replay")
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).POST(HttpRequest.BodyPublishers.noBody()).build()));
        check("POST", "/admin/dead-letters/replay", 405, gateway.send(gateway.request("/admin/dead-letters/replay")
                .header("Authorization", operator).GET().build()));
        check("GET", "/alive", 200, gateway.send(gateway.request("/alive").GET().build()));
        check("GET", "/ready", 200, gateway.send(gateway.request("/ready").GET().build()));
        check("GET", "/metrics", 200, gateway.send(gateway.request("/metrics").GET().build()));
    }

    /**
     * Sends the same request until the quota refuses one (a bucket of one second's worth, so almost always the
     * second; bounded); the ones that pass are read back once the refusal came, not in between (that would slow them).
     */
    private static HttpResponse<String> overTheQuota(TestGateway limited, String topic, String path, String contentType,
                                                     String body) {
        java.util.List<HttpResponse<String>> passed = new java.util.ArrayList<>();
        HttpResponse<String> refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            HttpResponse<String> response = limited.post(path, contentType, bytes(body));
            if (response.statusCode() == 200) {
                passed.add(response);
            } else {
                refused = response;
            }
        }
        assertNotNull(refused, "20 requests in a row exceed 1 per second");
        String value = path.startsWith("/v2/") ? "v" : body;
        for (HttpResponse<String> response : passed) {
            Landed.expect(topic, value).in(response);
        }
        return refused;
    }

    @AfterAll
    static void everyDocumentedStatusWasSeen() throws Exception {
        Set<String> documented = new TreeSet<>();
        doc().get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(operation -> {
            if (operation.getValue().has("responses")) {
                operation.getValue().get("responses").fieldNames().forEachRemaining(status -> documented.add(
                        operation.getKey().toUpperCase() + " " + path.getKey() + " " + status));
            }
        }));
        Set<String> missing = new TreeSet<>(documented);
        missing.removeAll(SEEN);
        assertEquals(Set.of(), missing, "documented but never answered in this test");
    }

    /**
     * The answer has the status this case expects, that status is documented for the operation, and its body has the
     * documented shape (validated against the schema of that status); returns the answer.
     */
    private static HttpResponse<String> check(String method, String path, int expected, HttpResponse<String> response)
            throws Exception {
        assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        check(method, path, response.statusCode(), response.headers().map(), response.body());
        return response;
    }

    /**
     * As above, and every header of {@link #DECLARED_HEADERS} the gateway answered is declared for that status, with
     * a value of its schema, and every header declared as required is there.
     */
    private static void check(String method, String path, int status, Map<String, List<String>> headers, String body)
            throws Exception {
        String contentType = headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                .map(h -> h.getValue().get(0)).findFirst().orElse("");
        JsonNode operation = doc().get("paths").get(path).get(method.toLowerCase());
        assertNotNull(operation, method + " " + path + " is not documented");
        JsonNode documented = operation.get("responses").get(String.valueOf(status));
        assertNotNull(documented, method + " " + path + " answered " + status + ", which is not documented: " + body);
        if (documented.has("$ref")) {
            documented = resolve(documented.get("$ref").asText());
        }
        checkHeaders(method + " " + path + " " + status, documented.path("headers"), headers);
        String mediaType = HttpRequests.mediaType(contentType);
        JsonNode content = documented.get("content").get(mediaType);
        assertNotNull(content, status + " answered as " + contentType + ", documented as " + documented.get("content"));
        if (mediaType.equals("application/json")) {
            ObjectNode schema = TestGateway.JSON.createObjectNode();
            schema.set("components", doc().get("components"));
            schema.setAll((ObjectNode) content.get("schema"));
            Schema validator = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema);
            List<com.networknt.schema.Error> problems = validator.validate(TestGateway.JSON.readTree(body));
            assertEquals(List.of(), problems, method + " " + path + " " + status + " " + body);
        }
        SEEN.add(method + " " + path + " " + status);
    }

    private static void checkHeaders(String where, JsonNode declared, Map<String, List<String>> answered) throws Exception {
        Map<String, JsonNode> byName = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (var header : (Iterable<Map.Entry<String, JsonNode>>) declared::fields) {
            byName.put(header.getKey(), header.getValue().has("$ref") ? resolve(header.getValue().get("$ref").asText())
                    : header.getValue());
        }
        Map<String, String> sent = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        answered.forEach((name, values) -> sent.put(name, values.get(0)));
        for (String name : DECLARED_HEADERS) {
            if (sent.containsKey(name)) {
                JsonNode header = byName.get(name);
                assertNotNull(header, where + " answered " + name + ", which is not declared");
                JsonNode schema = header.get("schema");
                JsonNode value = "integer".equals(schema.path("type").asText())
                        ? TestGateway.JSON.getNodeFactory().numberNode(Long.parseLong(sent.get(name)))
                        : TestGateway.JSON.getNodeFactory().textNode(sent.get(name));
                assertEquals(List.of(), SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4).getSchema(schema)
                        .validate(value), where + " " + name + ": " + sent.get(name));
            }
        }
        byName.forEach((name, header) -> {
            if (header.path("required").asBoolean(false)) {
                assertTrue(sent.containsKey(name), where + " declares " + name + " as always sent; answered " + sent);
            }
        });
    }

    private static JsonNode parameter(JsonNode operation, String name) throws Exception {
        for (JsonNode parameter : operation.get("parameters")) {
            JsonNode resolved = parameter.has("$ref") ? resolve(parameter.get("$ref").asText()) : parameter;
            if (resolved.get("name").asText().equals(name)) {
                return resolved;
            }
        }
        throw new AssertionError("no parameter " + name);
    }

    /** Every object node of the tree, with where it is. */
    static void walk(JsonNode node, String where, java.util.function.BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            visit.accept(where, node);
            node.fields().forEachRemaining(field -> walk(field.getValue(), where + "/" + field.getKey(), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), where + "/" + i, visit);
            }
        }
    }

    private static JsonNode resolveUnchecked(String ref) {
        try {
            return resolve(ref);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode resolve(String ref) throws Exception {
        JsonNode node = doc();
        for (String part : ref.substring(2).split("/")) {
            node = node.get(part);
        }
        return node;
    }

    private static synchronized JsonNode doc() throws Exception {
        if (document == null) {
            Object tree = new org.snakeyaml.engine.v2.api.Load(org.snakeyaml.engine.v2.api.LoadSettings.builder().build())
                    .loadFromString(Files.readString(DOCUMENT));
            document = TestGateway.JSON.valueToTree(tree);
        }
        return document;
    }

    /** A header block over the server's limit, sent raw (the answer comes before the connection closes). */
    private static void headersTooLarge(TestGateway gateway, String path) throws Exception {
        URI uri = gateway.uri("/");
        String head = "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nX-Huge: " + "h".repeat(20_000) + "\r\n\r\n";
        try (Socket socket = TestGateway.trustingTestCa().getSocketFactory().createSocket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                if (answer.toString(StandardCharsets.UTF_8).contains("}}")) {
                    break;
                }
            }
            String text = answer.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            String answeredHead = text.substring(0, text.indexOf("\r\n\r\n"));
            String body = text.substring(answeredHead.length() + 4);
            Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            answeredHead.lines().skip(1).forEach(line -> headers.put(line.substring(0, line.indexOf(':')).trim(),
                    List.of(line.substring(line.indexOf(':') + 1).trim())));
            assertEquals(431, status, text);
            check("POST", "/topics/{topic_name}/records", status, headers, body);
        }
    }
}

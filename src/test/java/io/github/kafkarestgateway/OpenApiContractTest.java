package io.github.kafkarestgateway;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAPI document is the contract: it is a valid OpenAPI 3.0 document, it is what the gateway serves, and every
 * status code it documents is one the gateway really answers, with a body of the documented shape.
 */
class OpenApiContractTest {

    private static final Path DOCUMENT = Path.of("src/main/resources/openapi/gateway-api.yaml");
    private static final Set<String> SEEN = new TreeSet<>();
    private static JsonNode document;

    @Test
    void isAValidOpenApi30DocumentWithoutErrors() throws Exception {
        SwaggerParseResult result = new OpenAPIV3Parser().readContents(Files.readString(DOCUMENT), null, null);
        assertNotNull(result.getOpenAPI(), String.valueOf(result.getMessages()));
        assertEquals(java.util.List.of(), result.getMessages());
        assertTrue(result.getOpenAPI().getOpenapi().startsWith("3.0."), "3.0, for tools that take no 3.1");
    }

    @Test
    void isServedAsYamlAndJson() throws Exception {
        TestGateway gateway = TestGateway.shared();
        HttpResponse<String> yaml = gateway.send(gateway.request("/openapi.yaml").GET().build());
        HttpResponse<String> json = gateway.send(gateway.request("/openapi.json").GET().build());

        assertEquals(Files.readString(DOCUMENT), yaml.body());
        assertEquals(doc(), TestGateway.json(json));
        check("GET", "/openapi.yaml", yaml);
        check("GET", "/openapi.json", json);
    }

    @Test
    void everyAnswerOfTheProduceApiIsDocumentedAndShapedAsDocumented() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("contract");
        String records = "/topics/" + topic + "/records";
        String template = "/topics/{topic_name}/records";

        check("POST", template, gateway.post(records, "text/plain", bytes("v")));
        check("POST", template, gateway.post(records, "application/json", bytes("{")));
        check("POST", template, gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer nope"));
        check("POST", template, gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer " + TestGateway.ORDERS_KEY));
        check("POST", template, gateway.post("/topics/contract-missing/records", "text/plain", bytes("v")));
        check("POST", template, gateway.send(gateway.request(records).GET().build()));
        check("POST", template, gateway.post(records, "text/plain", new byte[0]));
        check("POST", template, gateway.post(records, "image/png", bytes("v")));
        String idempotencyKey = java.util.UUID.randomUUID().toString();
        check("POST", template, gateway.post(records, "text/plain", bytes("a"), "Idempotency-Key", idempotencyKey));
        check("POST", template, gateway.post(records, "text/plain", bytes("b"), "Idempotency-Key", idempotencyKey));
        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()))) {
            HoldingInterceptor.gate = new java.util.concurrent.CountDownLatch(1);
            long claims = TestKafka.recordCount("rest-gateway-idempotency");
            var held = slow.client().sendAsync(slow.request(records)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).header("Content-Type", "text/plain")
                    .header("Idempotency-Key", idempotencyKey + "-held")
                    .POST(HttpRequest.BodyPublishers.ofString("hold")).build(), HttpResponse.BodyHandlers.ofString());
            try {
                org.awaitility.Awaitility.await().until(() -> TestKafka.recordCount("rest-gateway-idempotency") > claims);
                check("POST", template, gateway.post(records, "text/plain", bytes("hold"),
                        "Idempotency-Key", idempotencyKey + "-held"));
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            held.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        headersTooLarge(gateway, records);
        try (TestGateway limited = TestGateway.start(Map.of("gateway.quota.requests-per-second", "1"))) {
            HttpResponse<String> last = null;
            for (int i = 0; i < 5; i++) {
                last = limited.post(records, "text/plain", bytes("v"));
            }
            check("POST", template, last);
        }
        try (TestGateway poisoned = TestGateway.start(Map.of("kafka.partitioner.class", PoisonPartitioner.class.getName()))) {
            check("POST", template, poisoned.post(records + "?key=poison", "text/plain", bytes("v")));
        }
        try (TestGateway full = TestGateway.start(Map.of("gateway.dead-letter.min-free-bytes", String.valueOf(Long.MAX_VALUE)))) {
            check("POST", template, full.post(records, "text/plain", bytes("v")));
            check("GET", "/ready", full.send(full.request("/ready").GET().build()));
        }
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway slow = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "camel.component.kafka.deliveryTimeoutMs", "2000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0"))) {
            slow.post(records, "text/plain", bytes("warm"));
            proxy.pause();
            try {
                check("POST", template, slow.post(records, "text/plain", bytes("v")));
            } finally {
                proxy.resume();
            }
            check("POST", "/admin/dead-letters/replay", DeadLetterTest.replay(slow, TestGateway.OPERATOR_KEY));
            check("GET", "/admin/dead-letters", slow.send(slow.request("/admin/dead-letters")
                    .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY).GET().build()));
            check("GET", "/admin/dead-letters", slow.send(slow.request("/admin/dead-letters?limit=1&pending=false")
                    .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY).GET().build()));
            check("GET", "/admin/dead-letters", slow.send(slow.request("/admin/dead-letters?limit=many")
                    .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY).GET().build()));
        }
        check("GET", "/admin/dead-letters", gateway.send(gateway.request("/admin/dead-letters").GET().build()));
        check("GET", "/admin/dead-letters", gateway.send(gateway.request("/admin/dead-letters")
                .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY).GET().build()));
        String v2 = "/v2/topics/{topic_name}/records";
        String envelope = "{\"value\":{\"type\":\"text\",\"data\":\"v\"}}";
        check("POST", v2, gateway.post("/v2" + records, "application/json", bytes(envelope)));
        check("POST", v2, gateway.post("/v2" + records, "application/json", bytes("[" + envelope + "," + envelope + "]")));
        check("POST", v2, gateway.post("/v2" + records, "application/json",
                bytes("[" + envelope + ",{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"partition\":9}]")));
        check("POST", v2, gateway.post("/v2" + records, "application/json", bytes("{\"value\":{\"type\":\"avro\"}}")));
        check("POST", v2, gateway.post("/v2" + records, "application/json", bytes(envelope), "Authorization", "Bearer x"));
        check("GET", "/alive", gateway.send(gateway.request("/alive").GET().build()));
        check("GET", "/ready", gateway.send(gateway.request("/ready").GET().build()));
        check("GET", "/metrics", gateway.send(gateway.request("/metrics").GET().build()));
    }

    @AfterAll
    static void everyDocumentedStatusOfTheProduceApiWasSeen() throws Exception {
        Set<String> documented = new TreeSet<>();
        doc().get("paths").get("/topics/{topic_name}/records").get("post").get("responses").fieldNames()
                .forEachRemaining(status -> documented.add("POST /topics/{topic_name}/records " + status));
        Set<String> missing = new HashSet<>(documented);
        missing.removeAll(SEEN);
        assertEquals(Set.of(), missing, "documented but never answered in this test");
    }

    /** The answer's status is documented for the operation, and its body has the documented shape. */
    private static void check(String method, String path, HttpResponse<String> response) throws Exception {
        check(method, path, response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body());
    }

    private static void check(String method, String path, int status, String contentType, String body) throws Exception {
        JsonNode operation = doc().get("paths").get(path).get(method.toLowerCase());
        assertNotNull(operation, method + " " + path + " is not documented");
        JsonNode documented = operation.get("responses").get(String.valueOf(status));
        assertNotNull(documented, method + " " + path + " answered " + status + ", which is not documented: " + body);
        if (documented.has("$ref")) {
            documented = resolve(documented.get("$ref").asText());
        }
        String mediaType = RequestValidator.mediaType(contentType);
        JsonNode content = documented.get("content").get(mediaType);
        assertNotNull(content, status + " answered as " + contentType + ", documented as " + documented.get("content"));
        if (mediaType.equals("application/json")) {
            ObjectNode schema = TestGateway.JSON.createObjectNode();
            schema.set("components", doc().get("components"));
            schema.setAll((ObjectNode) content.get("schema"));
            JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
            Set<ValidationMessage> problems = validator.validate(TestGateway.JSON.readTree(body));
            assertEquals(Set.of(), problems, method + " " + path + " " + status + " " + body);
        }
        SEEN.add(method + " " + path + " " + status);
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
            String body = text.substring(text.indexOf("\r\n\r\n") + 4);
            check("POST", "/topics/{topic_name}/records", status, "application/json", body);
        }
    }
}

package io.github.kafkarestgateway;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.ProduceApiTest.bytes;
import static io.github.kafkarestgateway.ProduceApiTest.headers;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Request ids and the access log. */
class OperationsTest {

    private static final Path LOG = Path.of("target/test-gateway.log");

    @Test
    void echoesTheRequestIdAndWritesOneAccessLogLinePerRequest() throws Exception {
        TestGateway gateway = TestGateway.shared();
        String topic = TestKafka.createTopic("access");

        HttpResponse<String> produced = gateway.post("/topics/" + topic + "/records?key=k", "text/plain", bytes("v"),
                "X-Request-ID", "order-42.attempt-1");
        HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "image/png", bytes("v"));

        assertEquals("order-42.attempt-1", produced.headers().firstValue("X-Request-ID").orElse(null));
        String generated = refused.headers().firstValue("X-Request-ID").orElse("");
        assertFalse(generated.isEmpty(), "an id is made when the caller sends none");
        JsonNode metadata = TestGateway.json(produced).get("metadata");
        JsonNode line = await().atMost(Duration.ofSeconds(5)).until(() -> accessLine("order-42.attempt-1"), l -> l != null);
        assertEquals(200, line.get("status").asInt());
        assertEquals("POST", line.get("method").asText());
        assertEquals("/topics/" + topic + "/records", line.get("path").asText());
        assertEquals("all-topics", line.get("principal").asText());
        assertEquals("bearer", line.get("authMethod").asText());
        assertEquals(topic, line.get("topic").asText());
        assertEquals(metadata.get("partition").asInt(), line.get("partition").asInt());
        assertEquals(metadata.get("offset").asLong(), line.get("offset").asLong());
        assertTrue(line.get("bytesIn").asLong() > 0 && line.get("bytesOut").asLong() > 0, line.toString());
        assertTrue(line.has("latencyMs") && line.has("time"), line.toString());
        JsonNode refusedLine = await().atMost(Duration.ofSeconds(5)).until(() -> accessLine(generated), l -> l != null);
        assertEquals(415, refusedLine.get("status").asInt());
        assertFalse(Files.readString(LOG).contains(TestGateway.ALL_TOPICS_KEY), "no key in the access log");
    }

    @Test
    void copiesTheRequestIdIntoARecordHeaderThroughTheMapping() throws Exception {
        String topic = TestKafka.createTopic("request-id");
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.mapping.headers", "X-Request-ID:request-id"))) {
            HttpResponse<String> given = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("a"),
                    "X-Request-ID", "given-1");
            HttpResponse<String> made = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("b"));

            assertEquals(Map.of("request-id", "given-1"), headers(ProduceApiTest.record(TestGateway.json(given).get("metadata"))));
            assertEquals(Map.of("request-id", made.headers().firstValue("X-Request-ID").orElseThrow()),
                    headers(ProduceApiTest.record(TestGateway.json(made).get("metadata"))));
        }
    }

    private static JsonNode accessLine(String requestId) throws Exception {
        for (String line : Files.readAllLines(LOG)) {
            int json = line.indexOf(" - {");
            if (line.contains(" access - ") && json > 0 && line.contains("\"requestId\":\"" + requestId + "\"")) {
                return TestGateway.JSON.readTree(line.substring(json + 3));
            }
        }
        return null;
    }
}

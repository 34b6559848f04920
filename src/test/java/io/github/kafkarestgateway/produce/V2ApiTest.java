package io.github.kafkarestgateway.produce;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.admission.Backpressure;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.testing.HoldingInterceptor;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.PoisonPartitioner;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The v2 envelope and batches: each type, each error in the v2 shape, mixed outcomes, limits. */
class V2ApiTest {

    private final TestGateway gateway = TestGateway.shared();

    @Test
    void producesAnEnvelopeWithTextKeyHeadersPartitionAndTimestampExactly() {
        String topic = TestKafka.createTopic("v2-text", 2, Map.of());
        String body = "{\"headers\":[{\"name\":\"colour\",\"value\":\"" + b64("black") + "\"}],"
                + "\"key\":{\"type\":\"text\",\"data\":\"Test Key\"},\"value\":{\"type\":\"text\",\"data\":\"Test Value\"},"
                + "\"partition\":1,\"timestamp\":1700000000123}";

        HttpResponse<String> response = post(topic, body);

        ConsumerRecord<byte[], byte[]> record = Landed.expect(topic, "Test Value").key("Test Key")
                .header("colour", "black").in(response);
        JsonNode metadata = TestGateway.json(response).get("metadata");
        assertEquals(1, metadata.get("partition").asInt());
        assertEquals(1, record.partition());
        assertEquals("1700000000123", metadata.get("timestamp").asText());
        assertEquals(1700000000123L, record.timestamp());
    }

    @Test
    void decodesBinaryDataAndKeepsJsonDataAsItsJsonText() {
        String topic = TestKafka.createTopic("v2-types");
        byte[] binary = {0, (byte) 0xFF, 0x10, 0x7F};

        HttpResponse<String> asBinary = post(topic, "{\"key\":{\"type\":\"binary\",\"data\":\""
                + Base64.getEncoder().encodeToString(binary) + "\"},\"value\":{\"type\":\"json\",\"data\":{\"a\":[1,true,null]}}}");
        HttpResponse<String> asNumber = post(topic, "{\"value\":{\"type\":\"json\",\"data\":42}}");

        Landed.expect(topic, "{\"a\":[1,true,null]}").key(binary).in(asBinary);
        Landed.expect(topic, "42").in(asNumber);
    }

    @Test
    void answersEnvelopeErrorsInTheV2ShapeNamingTheField() {
        String topic = TestKafka.createTopic("v2-errors");

        assertV2Error(post(topic, "{\"value\":{\"type\":\"avro\",\"data\":\"{}\",\"schema_id\":1}}"), 400,
                "no_schema_registry", "value.type");
        assertV2Error(post(topic, "{\"key\":{\"type\":\"text\",\"data\":\"k\"}}"), 400, "missing_field", "value");
        assertV2Error(post(topic, "{\"value\":{\"data\":\"x\"}}"), 400, "invalid_type", "value.type");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"binary\",\"data\":\"***\"}}"), 400, "invalid_base64", "value.data");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"headers\":[{\"name\":\"h\"}]}"),
                400, "invalid_header", "headers[0]");
        assertV2Error(post(topic, "{\"value\":{\"type\":\"text\",\"data\":\"v\"},\"partition\":-1}"), 400,
                "invalid_partition", "partition");
        assertV2Error(post(topic, "{nope"), 400, "invalid_json", null);
        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "text/plain", bytes("v")), 415,
                "unsupported_media_type", null);
        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "application/json", bytes("{}"),
                "Authorization", "Bearer nope"), 401, "unauthorized", null);
        assertV2Error(gateway.post("/v2/topics/v2-missing-topic/records", "application/json",
                bytes("{\"value\":{\"type\":\"text\",\"data\":\"v\"}}")), 404, "not_found", null);
        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void producesABatchInOrderAndAnswers207WithEachRecordsOutcome() {
        String topic = TestKafka.createTopic("v2-batch");
        String body = "[" + value("one") + "," + "{\"value\":{\"type\":\"text\",\"data\":\"bad\"},\"partition\":7}"
                + "," + value("three") + "]";

        HttpResponse<String> response = post(topic, body);

        assertEquals(207, response.statusCode(), response.body());
        JsonNode results = TestGateway.json(response).get("results");
        assertEquals(3, results.size());
        Landed.expect(topic, "one").at(results.get(0).get("metadata"));
        assertEquals(400, results.get(1).get("status").asInt(), response.body());
        assertEquals("invalid_partition", results.get(1).get("error").get("code").asText());
        Landed.expect(topic, "three").at(results.get(2).get("metadata"));
        assertTrue(results.get(2).get("metadata").get("offset").asLong()
                > results.get(0).get("metadata").get("offset").asLong(), "request order");
        assertEquals(2, TestKafka.recordCount(topic), "exactly the records reported as produced");

        HttpResponse<String> allGood = post(topic, "[" + value("four") + "," + value("five") + "]");
        assertEquals(200, allGood.statusCode(), allGood.body());
        JsonNode allResults = TestGateway.json(allGood).get("results");
        assertEquals(2, allResults.size());
        Landed.expect(topic, "four").at(allResults.get(0).get("metadata"));
        Landed.expect(topic, "five").at(allResults.get(1).get("metadata"));
    }

    @Test
    void keepsEachRecordOfABatchWhoseDeliveryFailedAsADeadLetter() throws Exception {
        String topic = TestKafka.createTopic("v2-poison");
        try (TestGateway poisoned = TestGateway.start(Map.of("kafka.partitioner.class", PoisonPartitioner.class.getName()))) {
            String body = "[" + value("fine") + ",{\"key\":{\"type\":\"text\",\"data\":\"poison\"},"
                    + "\"value\":{\"type\":\"text\",\"data\":\"kept\"}}]";

            HttpResponse<String> response = poisoned.send(poisoned.request("/v2/topics/" + topic + "/records")
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build());

            assertEquals(207, response.statusCode(), response.body());
            Landed.expect(topic, "fine").at(TestGateway.json(response).get("results").get(0).get("metadata"));
            JsonNode failed = TestGateway.json(response).get("results").get(1);
            assertEquals(500, failed.get("status").asInt());
            List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(poisoned.journal());
            assertEquals(1, kept.size());
            assertEquals(failed.get("trace").asText(), kept.get(0).id());
            assertArrayEquals(bytes("kept"), kept.get(0).value());
            assertArrayEquals(bytes("poison"), kept.get(0).key());
            assertEquals(1, TestKafka.recordCount(topic));
        }
    }

    @Test
    void refusesBatchesOverTheCountOrSizeLimit() throws Exception {
        String topic = TestKafka.createTopic("v2-limits");
        try (TestGateway small = TestGateway.start(Map.of("gateway.v2.max-records", "2",
                "gateway.v2.max-request-bytes", "200"))) {
            HttpResponse<String> tooMany = small.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("[" + value("1") + "," + value("2") + "," + value("3") + "]"));
            assertV2Error(tooMany, 400, "invalid_batch", null);
            HttpResponse<String> tooLarge = small.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("[" + value("x".repeat(150)) + "," + value("y".repeat(150)) + "]"));
            assertV2Error(tooLarge, 400, null, null);
            assertEquals(0, TestKafka.recordCount(topic));
        }
    }


    @Test
    void refusesATopicOutsideTheServiceIdsPatternsWith403AndAnEmptyBodyWith411() {
        String topic = TestKafka.createTopic("v2-forbidden");

        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "application/json", bytes(value("v")),
                "Authorization", "Bearer " + TestGateway.ORDERS_KEY), 403, "forbidden", null);
        assertV2Error(gateway.post("/v2/topics/" + topic + "/records", "application/json", new byte[0]), 411,
                "length_required", null);
        assertEquals(0, TestKafka.recordCount(topic));
    }

    @Test
    void writesARequestWithAnIdempotencyKeyOnceAndRefusesTheKeyForAnotherBodyWith422() {
        String topic = TestKafka.createTopic("v2-idempotent");
        String key = UUID.randomUUID().toString();

        HttpResponse<String> first = post(topic, "[" + value("a") + "," + value("b") + "]", "Idempotency-Key", key);
        HttpResponse<String> repeat = post(topic, "[" + value("a") + "," + value("b") + "]", "Idempotency-Key", key);
        HttpResponse<String> other = post(topic, value("c"), "Idempotency-Key", key);

        assertEquals(200, first.statusCode(), first.body());
        JsonNode results = TestGateway.json(first).get("results");
        Landed.expect(topic, "a").at(results.get(0).get("metadata"));
        Landed.expect(topic, "b").at(results.get(1).get("metadata"));
        assertEquals(200, repeat.statusCode(), repeat.body());
        assertEquals(TestGateway.json(first), TestGateway.json(repeat), "the first answer again");
        assertEquals("true", repeat.headers().firstValue("Idempotent-Replayed").orElse(null));
        assertV2Error(other, 422, "unprocessable_entity", null);
        assertEquals(2, TestKafka.recordCount(topic), "written once");
    }

    @Test
    void answersARepeatWhileTheFirstIsInFlightWith409() throws Exception {
        String topic = TestKafka.createTopic("v2-in-flight");
        String key = UUID.randomUUID().toString();
        // this instance's producers hold the record "hold" until the test lets it go
        try (TestGateway slow = TestGateway.start(Map.of("kafka.interceptor.classes", HoldingInterceptor.class.getName()))) {
            long claims = TestKafka.recordCount("rest-gateway-idempotency");
            HoldingInterceptor.gate = new CountDownLatch(1);
            CompletableFuture<HttpResponse<String>> held = slow.client().sendAsync(slow.request("/v2/topics/" + topic
                            + "/records").header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "application/json").header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofString(value("hold"))).build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> conflict;
            try {
                // its claim is on the idempotency topic: it is in flight for every instance
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> TestKafka.recordCount("rest-gateway-idempotency") > claims);
                conflict = post(topic, value("hold"), "Idempotency-Key", key);
            } finally {
                HoldingInterceptor.gate.countDown();
            }
            assertV2Error(conflict, 409, "conflict", null);
            Landed.expect(topic, "hold").in(held.get(30, TimeUnit.SECONDS));
            assertEquals(1, TestKafka.recordCount(topic), "the refused repeat wrote nothing");
        }
    }

    @Test
    void answersADeliveryTimeoutWith408AndKeepsTheRecordAsADeadLetter() throws Exception {
        String topic = TestKafka.createTopic("v2-timeout");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway slow = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "2000",
                "gateway.v2.delivery-timeout-ms", "3000"))) {
            Landed.expect(topic, "before").in(post(slow, topic, value("before")));
            HttpResponse<String> response;
            proxy.pause();
            try {
                response = post(slow, topic, "{\"key\":{\"type\":\"text\",\"data\":\"k\"},"
                        + "\"value\":{\"type\":\"text\",\"data\":\"timed out\"}}");
            } finally {
                proxy.resume();
            }
            JsonNode body = assertV2Error(response, 408, "request_timeout", null);
            List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(slow.journal());
            assertEquals(1, kept.size());
            assertEquals(body.get("trace").asText(), kept.get(0).id(), "the trace is the dead letter's id");
            assertArrayEquals(bytes("timed out"), kept.get(0).value());
            assertArrayEquals(bytes("k"), kept.get(0).key());
        }
    }

    @Test
    void refusesRequestsOverTheRateWith429() throws Exception {
        String topic = TestKafka.createTopic("v2-quota");
        try (TestGateway limited = TestGateway.start(Map.of("gateway.quota.requests-per-second", "1"))) {
            // the bucket holds one second's worth: a second request right after the first is over it, unless a
            // whole second passed between them (then a few more are sent; bounded)
            List<HttpResponse<String>> passed = new java.util.ArrayList<>();
            HttpResponse<String> refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                HttpResponse<String> response = post(limited, topic, value("q" + i));
                if (response.statusCode() == 200) {
                    passed.add(response);
                } else {
                    refused = response;
                }
            }
            assertTrue(refused != null, "20 requests in a row exceed 1 per second");
            // read back only now: reading between the requests would slow them below the rate
            for (int i = 0; i < passed.size(); i++) {
                Landed.expect(topic, "q" + i).in(passed.get(i));
            }
            int landed = passed.size();
            assertV2Error(refused, 429, "too_many_requests", null);
            assertTrue(Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0")) >= 1, refused.body());
            assertEquals(landed, TestKafka.recordCount(topic), "a refused request writes nothing");
            assertEquals(List.of(), DeadLetterJournal.read(limited.journal()), "and is not a dead letter");
        }
    }

    @Test
    void refusesRequestsOverTheInFlightBoundWith503() throws Exception {
        String topic = TestKafka.createTopic("v2-bound");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway bounded = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.max-in-flight", "1"))) {
            Landed.expect(topic, "warm").in(post(bounded, topic, value("warm")));
            Backpressure bound = bounded.context().getRegistry().lookupByNameAndType("checkLoad", Backpressure.class);
            CompletableFuture<HttpResponse<String>> held;
            HttpResponse<String> refused;
            proxy.pause();
            try {
                held = bounded.client().sendAsync(bounded.request("/v2/topics/" + topic + "/records")
                        .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(value("held"))).build(), HttpResponse.BodyHandlers.ofString());
                await().atMost(Duration.ofSeconds(20)).until(() -> bound.inFlight() == 1);

                refused = post(bounded, topic, value("over"));

                // answered while the held request still waits for Kafka: refused at once, not queued behind it
                assertFalse(held.isDone(), "the held request is still waiting");
            } finally {
                proxy.resume();
            }
            assertV2Error(refused, 503, "service_unavailable", null);
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(null));
            Landed.expect(topic, "held").in(held.get(30, TimeUnit.SECONDS));
            assertEquals(List.of(), DeadLetterJournal.read(bounded.journal()), "the refused request is not a dead letter");
            assertEquals(2, TestKafka.recordCount(topic), "warm and held");
        }
    }

    @Test
    void answersAnUnreachableClusterWith503() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try (TestGateway unreachable = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", "localhost:" + closed,
                "gateway.kafka.check-timeout-ms", "2000"))) {
            HttpResponse<String> response = post(unreachable, "v2-nowhere", value("v"));

            assertV2Error(response, 503, "service_unavailable", null);
            assertEquals("1", response.headers().firstValue("Retry-After").orElse(null));
        }
    }

    private HttpResponse<String> post(String topic, String json, String... headers) {
        return post(gateway, topic, json, headers);
    }

    private static HttpResponse<String> post(TestGateway to, String topic, String json, String... headers) {
        return to.post("/v2/topics/" + topic + "/records", "application/json", json.getBytes(StandardCharsets.UTF_8),
                headers);
    }

    private static String value(String text) {
        return "{\"value\":{\"type\":\"text\",\"data\":\"" + text + "\"}}";
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(bytes(text));
    }

    /** The v2 error shape: trace, error.code, error.message, error.more_info, and error.target when a field is named. */
    static JsonNode assertV2Error(HttpResponse<String> response, int status, String code, String target) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        JsonNode body = TestGateway.json(response);
        assertTrue(body.get("trace").isTextual() && !body.get("trace").asText().isEmpty(), response.body());
        JsonNode error = body.get("error");
        if (code != null) {
            assertEquals(code, error.get("code").asText(), response.body());
        }
        assertTrue(error.get("message").isTextual() && error.get("more_info").isTextual(), response.body());
        if (target != null) {
            assertEquals("field", error.get("target").get("type").asText());
            assertEquals(target, error.get("target").get("name").asText());
        }
        return body;
    }
}

package io.github.kafkarestgateway.deadletter;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PausableProxy;
import io.github.kafkarestgateway.testing.PoisonPartitioner;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static io.github.kafkarestgateway.testing.TestGateway.headers;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failed deliveries are kept before they are answered, client errors are not, and operators replay them once. */
public class DeadLetterTest {

    @Test
    void keepsEachFailedDeliveryBeforeAnsweringAndReplaysItExactlyOnce() throws Exception {
        String topic = TestKafka.createTopic("dead-letters");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1500",
                "camel.component.kafka.deliveryTimeoutMs", "2000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0"))) {
            String records = "/topics/" + topic + "/records";
            Landed.expect(topic, "before").in(gateway.post(records, "text/plain", bytes("before")));
            List<String> incidents = new ArrayList<>();
            proxy.pause();
            try {
                HttpResponse<String> timedOut = gateway.post(records + "?key=k1&headers=colour:726564",
                        "application/json; charset=utf-8", bytes("{\"n\":1}"), "X-Kafka-Header-Trace", "t-1");
                incidents.add(assertError(timedOut, 408).get("error").get("incident").asText());
                HttpResponse<String> unavailable = gateway.post(records + "?key=k1", "text/plain", bytes("second"));
                incidents.add(assertError(unavailable, 503).get("error").get("incident").asText());

                // kept on disk by the time the client has its answer
                List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(gateway.journal());
                assertEquals(incidents, kept.stream().map(DeadLetterJournal.Entry::id).toList());
                DeadLetterJournal.Entry first = kept.get(0);
                assertEquals(topic, first.topic());
                assertArrayEquals(bytes("k1"), first.key());
                assertArrayEquals(bytes("{\"n\":1}"), first.value());
                assertEquals("application/json; charset=utf-8", first.contentType());
                assertEquals("all-topics", first.principal());
                assertEquals(408, first.status());
                assertEquals(List.of("colour", "Trace"), first.headers().stream().map(Map.Entry::getKey).toList());
                assertEquals(503, kept.get(1).status());

                // client errors are answered directly, never kept
                assertError(gateway.post(records, "application/json", bytes("{")), 400);
                assertError(gateway.post(records, "text/plain", bytes("v"), "Authorization", "Bearer nope"), 401);
                assertError(gateway.post(records, "image/png", bytes("v")), 415);
                assertEquals(2, DeadLetterJournal.read(gateway.journal()).size());
            } finally {
                proxy.resume();
            }
            // the paused bytes of the timed-out produce reach the broker now: a 408's outcome is unknown
            await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.recordCount(topic) == 2);

            assertError(replay(gateway, TestGateway.ALL_TOPICS_KEY), 403);
            HttpResponse<String> replayed = replay(gateway, TestGateway.OPERATOR_KEY);
            assertEquals(200, replayed.statusCode(), replayed.body());
            JsonNode done = TestGateway.json(replayed).get("replayed");
            assertEquals(incidents, List.of(done.get(0).get("id").asText(), done.get(1).get("id").asText()));

            // the 408 was found written, not sent twice; the 503 was never sent, so it was re-sent with its id
            assertFalse(done.get(0).get("resent").asBoolean());
            Landed.expect(topic, "{\"n\":1}").key("k1").header("colour", "red").header("Trace", "t-1").at(done.get(0));
            assertTrue(done.get(1).get("resent").asBoolean());
            Landed.expect(topic, "second").key("k1").header(GatewayNames.DEAD_LETTER_ID_HEADER, incidents.get(1))
                    .at(done.get(1));
            // in Kafka, key k1 holds its records in the order they were sent
            assertEquals(List.of("before", "{\"n\":1}", "second"), valuesInOrder(topic));

            // the operator command lists them, replayed
            ByteArrayOutputStream listed = new ByteArrayOutputStream();
            int exit = DeadLetterTool.run(new String[] {"list", "--url", gateway.uri("/").toString().replaceAll("/$", ""),
                "--key", TestGateway.OPERATOR_KEY, "--cacert", TestGateway.CERTS.resolve("ca.pem").toString()},
                    new PrintStream(listed, true, StandardCharsets.UTF_8), System.err);
            assertEquals(0, exit);
            assertEquals(0, TestGateway.JSON.readTree(listed.toString(StandardCharsets.UTF_8)).get("pending").asInt());
            // page by page
            ByteArrayOutputStream paged = new ByteArrayOutputStream();
            assertEquals(0, DeadLetterTool.run(new String[] {"list", "--url",
                gateway.uri("/").toString().replaceAll("/$", ""), "--key", TestGateway.OPERATOR_KEY,
                "--cacert", TestGateway.CERTS.resolve("ca.pem").toString(), "--limit", "1", "--after", incidents.get(0)},
                    new PrintStream(paged, true, StandardCharsets.UTF_8), System.err));
            JsonNode page = TestGateway.JSON.readTree(paged.toString(StandardCharsets.UTF_8));
            assertEquals(incidents.subList(1, 2), ids(page));
            assertNull(page.get("next"), "the last page");

            // each entry at most once: a second replay has nothing left to do
            JsonNode second = TestGateway.json(replay(gateway, TestGateway.OPERATOR_KEY));
            assertEquals(0, second.get("replayed").size());
            assertEquals(3, TestKafka.recordCount(topic), "before, and each dead letter once");
            JsonNode list = TestGateway.json(gateway.send(gateway.request("/admin/dead-letters")
                    .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY).GET().build()));
            assertEquals(0, list.get("pending").asInt());
            assertEquals(done.get(0).get("offset").asLong(),
                    list.get("entries").get(0).get("replayed").get("offset").asLong());
        }
    }

    @Test
    void aTracedRequestsDeadLetterKeepsItsTraceAndATimedOutOneWrittenAfterAllIsNotSentTwice() throws Exception {
        String topic = TestKafka.createTopic("traced-dead-letters");
        PausableProxy proxy = TestKafka.proxy();
        String trace = "00-" + "4bf92f3577b34da6a3ce929d0e0e4736" + "-00f067aa0ba902b7-01";
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1500",
                // the cluster is asked again at once after it was unreachable: the record between the pauses lands
                "gateway.kafka.unavailable-backoff-ms", "1",
                "camel.component.kafka.deliveryTimeoutMs", "2000",
                "camel.component.kafka.requestTimeoutMs", "1000",
                "camel.component.kafka.lingerMs", "0"))) {
            Landed.expect(topic, "before").in(gateway.post("/topics/" + topic + "/records", "text/plain",
                    bytes("before")));
            List<String> incidents = new ArrayList<>();
            proxy.pause();
            try {
                // headers named out of their order in Kafka (zeta before alpha): the journal keeps the request's order
                HttpResponse<String> timedOut = gateway.post("/topics/" + topic + "/records?headers=zeta:7a,alpha:61",
                        "text/plain", bytes("traced v1"), "traceparent", trace);
                incidents.add(assertError(timedOut, 408).get("error").get("incident").asText());
                HttpResponse<String> unavailable = gateway.post("/v2/topics/" + topic + "/records",
                        "application/json", bytes("{\"value\":{\"type\":\"text\",\"data\":\"traced v2\"}}"),
                        "traceparent", trace);
                assertTrue(unavailable.statusCode() >= 500, unavailable.body());
                incidents.add(TestGateway.json(unavailable).get("trace").asText());
            } finally {
                proxy.resume();
            }
            List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(gateway.journal());
            assertEquals(incidents, kept.stream().map(DeadLetterJournal.Entry::id).toList());
            for (DeadLetterJournal.Entry entry : kept) {
                String parent = traceparent(entry);
                assertTrue(parent != null && parent.matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01"),
                        "the dead letter keeps the record's trace context: " + parent);
            }
            // the paused bytes of the timed-out v1 produce reach the broker now, with their trace context
            await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.recordCount(topic) == 2);
            // a v2 record that times out once sent (its producer knows the topic from a record that lands)
            Landed.expect(topic, "between").in(gateway.post("/v2/topics/" + topic + "/records", "application/json",
                    bytes("{\"value\":{\"type\":\"text\",\"data\":\"between\"}}")));
            proxy.pause();
            try {
                HttpResponse<String> timedOut = gateway.post("/v2/topics/" + topic + "/records", "application/json",
                        bytes("{\"value\":{\"type\":\"text\",\"data\":\"sent v2\"},\"headers\":[{\"name\":"
                                + "\"zeta\",\"value\":\"eg==\"},{\"name\":\"alpha\",\"value\":\"YQ==\"}]}"),
                        "traceparent", trace);
                assertEquals(408, timedOut.statusCode(), timedOut.body());
                incidents.add(TestGateway.json(timedOut).get("trace").asText());
            } finally {
                proxy.resume();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> TestKafka.recordCount(topic) == 4);
            kept = DeadLetterJournal.read(gateway.journal());
            assertEquals(incidents, kept.stream().map(DeadLetterJournal.Entry::id).toList());

            JsonNode done = TestGateway.json(replay(gateway, TestGateway.OPERATOR_KEY)).get("replayed");
            assertEquals(3, done.size(), done.toString());
            assertFalse(done.get(0).get("resent").asBoolean(), "found written, with its trace and headers: "
                    + done.get(0));
            Landed.expect(topic, "traced v1").header("alpha", "a").header("traceparent", traceparent(kept.get(0)))
                    .header("zeta", "z").at(done.get(0));
            assertTrue(done.get(1).get("resent").asBoolean(), done.get(1).toString());
            Landed.expect(topic, "traced v2").header("traceparent", traceparent(kept.get(1)))
                    .header(GatewayNames.DEAD_LETTER_ID_HEADER, incidents.get(1)).at(done.get(1));
            assertFalse(done.get(2).get("resent").asBoolean(), "found written: " + done.get(2));
            Landed.expect(topic, "sent v2").header("zeta", "z").header("alpha", "a")
                    .header("traceparent", traceparent(kept.get(2))).at(done.get(2));
            assertEquals(5, TestKafka.recordCount(topic), "before, between, and each dead letter once");
        }
    }

    @Test
    void keepsARecordSpecificFailureOnTheKafkaDeadLetterTopicWhenOneIsSet() throws Exception {
        String topic = TestKafka.createTopic("poisoned");
        String deadLetterTopic = TestKafka.createTopic("dlt");
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.partitioner.class", PoisonPartitioner.class.getName(),
                "gateway.dead-letter.kafka-topic", deadLetterTopic))) {
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=poison&headers=h:01",
                    "text/plain", bytes("bad record"));

            String incident = assertError(response, 500).get("error").get("incident").asText();
            ConsumerRecord<byte[], byte[]> kept = TestKafka.recordAt(deadLetterTopic, 0, 0);
            assertArrayEquals(bytes("bad record"), kept.value());
            assertArrayEquals(bytes("poison"), kept.key());
            Map<String, String> headers = headers(kept);
            assertEquals("\u0001", headers.get("h"));
            assertEquals(incident, headers.get(GatewayNames.DEAD_LETTER_ID_HEADER));
            assertEquals(topic, headers.get("gateway-dead-letter-topic"));
            assertEquals("500", headers.get("gateway-dead-letter-status"));
            assertEquals("all-topics", headers.get("gateway-dead-letter-principal"));
            assertEquals("text/plain", headers.get("gateway-dead-letter-content-type"));
            assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "not in the journal");
            assertEquals(0, TestKafka.recordCount(topic));
            // other records are not affected
            Landed.expect(topic, "ok").key("fine")
                    .in(gateway.post("/topics/" + topic + "/records?key=fine", "text/plain", bytes("ok")));
        }
    }

    @Test
    void fallsBackToTheJournalWhenTheDeadLetterTopicCannotTakeTheRecord() throws Exception {
        String topic = TestKafka.createTopic("poisoned");
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.partitioner.class", PoisonPartitioner.class.getName(),
                "gateway.kafka.check-timeout-ms", "1500",
                "gateway.dead-letter.kafka-topic", "no-such-dead-letter-topic"))) {
            HttpResponse<String> response = gateway.post("/topics/" + topic + "/records?key=poison", "text/plain",
                    bytes("bad record"));

            String incident = assertError(response, 500).get("error").get("incident").asText();
            List<DeadLetterJournal.Entry> kept = DeadLetterJournal.read(gateway.journal());
            assertEquals(List.of(incident), kept.stream().map(DeadLetterJournal.Entry::id).toList());
            assertArrayEquals(bytes("bad record"), kept.get(0).value());
        }
    }

    @Test
    void replaysByCommandAndAutomaticallyWhenSwitchedOn() throws Exception {
        String topic = TestKafka.createTopic("auto-replay");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1000",
                "gateway.dead-letter.auto-replay", "true",
                "gateway.dead-letter.auto-replay-period-ms", "500"))) {
            String incident;
            proxy.pause();
            try {
                incident = assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("later")), 503)
                        .get("error").get("incident").asText();
            } finally {
                proxy.resume();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> TestKafka.recordCount(topic) == 1);
            Landed.expect(topic, "later").header(GatewayNames.DEAD_LETTER_ID_HEADER, incident)
                    .at(TestGateway.JSON.createObjectNode().put("topic", topic).put("partition", 0).put("offset", 0));
            assertTrue(DeadLetterJournal.read(gateway.journal()).get(0).replayed() != null);
        }
    }

    @Test
    void theOperatorCommandNeedsAKeyAndAnswersWithTheGatewaysStatus() {
        TestGateway gateway = TestGateway.shared();
        String url = gateway.uri("/").toString().replaceAll("/$", "");
        String ca = TestGateway.CERTS.resolve("ca.pem").toString();
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

        assertEquals(2, DeadLetterTool.run(new String[] {"purge", "--key", "k"}, quiet, quiet));
        assertEquals(1, DeadLetterTool.run(new String[] {"list", "--url", url, "--key", TestGateway.ALL_TOPICS_KEY,
            "--cacert", ca}, quiet, quiet), "a writer key is not an operator's");
        assertEquals(0, DeadLetterTool.run(new String[] {"replay", "--url", url, "--key", TestGateway.OPERATOR_KEY,
            "--cacert", ca}, quiet, quiet));
    }

    @Test
    void aTopicThatCannotTakeItsDeadLettersHoldsBackOnlyItsOwn() throws Exception {
        String topic = TestKafka.createTopic("replay-others");
        String doomed = TestKafka.createTopic("replay-doomed");
        PausableProxy proxy = TestKafka.proxy();
        try (TestGateway gateway = TestGateway.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.proxiedBootstrapServers(),
                "gateway.kafka.check-timeout-ms", "1000",
                "gateway.kafka.unavailable-backoff-ms", "30000",
                "gateway.dead-letter.replay-timeout-ms", "2000"))) {
            proxy.pause();
            try {
                assertError(gateway.post("/topics/" + doomed + "/records", "text/plain", bytes("first")), 503);
                assertError(gateway.post("/topics/" + topic + "/records", "text/plain", bytes("second")), 503);
                assertError(gateway.post("/topics/" + doomed + "/records", "text/plain", bytes("third")), 503);
            } finally {
                proxy.resume();
            }
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", TestKafka.bootstrapServers()))) {
                admin.deleteTopics(List.of(doomed)).all().get();
            }

            HttpResponse<String> replay = replay(gateway, TestGateway.OPERATOR_KEY);

            assertEquals(503, replay.statusCode(), replay.body());
            JsonNode result = TestGateway.json(replay);
            assertEquals(1, result.get("replayed").size(), replay.body());
            assertEquals(2, result.get("pending").asInt(), "both entries of the doomed topic wait, in order");
            assertEquals(1, TestKafka.recordCount(topic));
        }
    }

    @Test
    void refusesProduceRequestsWhileTheStoreIsFullAndReportsItNotReady() throws Exception {
        String topic = TestKafka.createTopic("store-full");
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.dead-letter.min-free-bytes", String.valueOf(Long.MAX_VALUE)))) {
            HttpResponse<String> refused = gateway.post("/topics/" + topic + "/records", "text/plain", bytes("v"));

            assertError(refused, 503);
            assertTrue(refused.body().contains("full"), refused.body());
            assertEquals("10", refused.headers().firstValue("Retry-After").orElse(null), "a client may retry later");
            assertEquals(0, TestKafka.recordCount(topic));
            assertEquals(List.of(), DeadLetterJournal.read(gateway.journal()), "a refusal is not a dead letter");
            HttpResponse<String> ready = gateway.send(gateway.request("/ready").GET().build());
            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode checks = TestGateway.json(ready).get("checks");
            assertEquals("DOWN", checks.get("deadLetterStore").get("status").asText());
            assertEquals("UP", checks.get("kafka").get("status").asText());
            assertEquals(200, gateway.send(gateway.request("/alive").GET().build()).statusCode());
        }
    }

    @Test
    void refusesProduceRequestsWhileTheStoreCannotBeWritten(@TempDir Path dir) throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        try (TestGateway gateway = TestGateway.start(Map.of(
                "gateway.dead-letter.journal", notADirectory.resolve("journal.jsonl").toString()))) {
            assertError(gateway.post("/topics/any/records", "text/plain", bytes("v")), 503);
            assertEquals(503, gateway.send(gateway.request("/ready").GET().build()).statusCode());
        }
    }

    @Test
    void reportsReadyWhenKafkaAnswersAndTheStoreIsWritable() {
        TestGateway gateway = TestGateway.shared();

        HttpResponse<String> ready = gateway.send(gateway.request("/ready").GET().build());

        assertEquals(200, ready.statusCode(), ready.body());
        JsonNode body = TestGateway.json(ready);
        assertEquals("UP", body.get("status").asText());
        assertEquals("UP", body.get("checks").get("kafka").get("status").asText());
        assertEquals("UP", body.get("checks").get("deadLetterStore").get("status").asText());
        assertNull(body.get("checks").get("kafka").get("detail"));
    }

    @Test
    void aStoreLargerThanTheHeapIsListedPageByPageAndReplayedWhole(@TempDir Path dir) throws Exception {
        String topic = TestKafka.createTopic("large-store");
        // 240 dead letters of 900 KB: more than the run command's whole heap (192 MB)
        int count = 240;
        Path file = dir.resolve("journal.jsonl");
        List<String> ids = new ArrayList<>();
        DeadLetterJournal journal = new DeadLetterJournal(file, 0).open();
        try {
            for (int i = 0; i < count; i++) {
                ids.add(journal.append(topic, bytes("k" + i), Map.of("n", bytes(String.valueOf(i))), value(i),
                        "application/octet-stream", "all-topics", "r-" + i, 503, "Kafka brokers are unavailable"));
            }
        } finally {
            journal.close();
        }
        int port = GatewayProcess.freePort();
        try (GatewayProcess child = GatewayProcess.start(Map.of(
                "kafka.bootstrap.servers", TestKafka.bootstrapServers(),
                "gateway.http.port", String.valueOf(port),
                "gateway.dead-letter.journal", file.toString(),
                "gateway.dead-letter.replay-timeout-ms", "30000"), false, GatewayProcess.runCommandJvmOptions())) {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                    .sslContext(TestGateway.trustingTestCa()).build();
            java.util.function.Function<String, HttpResponse<String>> get = query -> {
                try {
                    return client.send(HttpRequest.newBuilder(java.net.URI.create("https://localhost:" + port
                                    + "/admin/dead-letters" + query))
                            .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY).build(),
                            HttpResponse.BodyHandlers.ofString());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };

            // a page ends before its values pass 8 MB, however many entries were asked for
            HttpResponse<String> firstPage = get.apply("?limit=1000");
            assertEquals(200, firstPage.statusCode(), firstPage.body());
            JsonNode first = TestGateway.json(firstPage);
            assertEquals(count, first.get("total").asInt());
            assertEquals(count, first.get("pending").asInt());
            int size = first.get("entries").size();
            assertEquals(9, size, "9 values of 900 KB fit in 8 MB");
            assertEquals(ids.subList(0, size), ids(first));
            assertArrayEquals(value(3), java.util.Base64.getDecoder()
                    .decode(first.get("entries").get(3).get("value").asText()));
            assertEquals(ids.get(size - 1), first.get("next").asText());
            JsonNode second = TestGateway.json(get.apply("?limit=2&after=" + first.get("next").asText()));
            assertEquals(ids.subList(size, size + 2), ids(second));
            assertEquals(ids.get(size + 1), second.get("next").asText());
            assertError(get.apply("?limit=0"), 400);
            assertError(get.apply("?pending=yes"), 400);
            assertError(get.apply("?after=dl-00000000-0000-0000-0000-000000000000"), 400);

            HttpResponse<String> replayed = client.send(HttpRequest.newBuilder(java.net.URI.create(
                            "https://localhost:" + port + "/admin/dead-letters/replay"))
                    .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, replayed.statusCode(), replayed.body() + String.join("\n", child.output()));
            assertEquals(count, TestGateway.json(replayed).get("replayed").size());
            assertEquals(0, TestGateway.json(replayed).get("pending").asInt());
            assertEquals(count, TestKafka.recordCount(topic));
            ConsumerRecord<byte[], byte[]> firstRecord = TestKafka.recordAt(topic, 0, 0);
            assertArrayEquals(value(0), firstRecord.value());
            assertArrayEquals(bytes(ids.get(0)),
                    firstRecord.headers().lastHeader(GatewayNames.DEAD_LETTER_ID_HEADER).value());

            JsonNode pending = TestGateway.json(get.apply("?pending=true"));
            assertEquals(0, pending.get("pending").asInt());
            assertEquals(0, pending.get("entries").size());
            assertNull(pending.get("next"));
            JsonNode replayedPage = TestGateway.json(get.apply("?limit=1"));
            assertEquals(0, replayedPage.get("entries").get(0).get("replayed").get("offset").asLong());
            assertTrue(child.process().isAlive());
        }
    }

    @Test
    void oneReplayTakesAtMostTheTenThousandOldestEntriesAndTheNextTakesTheRest(@TempDir Path dir) throws Exception {
        String topic = TestKafka.createTopic("replay-cap", 2, Map.of());
        int count = 10_000 + 7; // the documented bound of one run is 10 000 entries
        Path file = dir.resolve("journal.jsonl");
        List<String> ids = new ArrayList<>();
        DeadLetterJournal journal = new DeadLetterJournal(file, 0).open();
        try {
            for (int i = 0; i < count; i++) {
                ids.add(journal.append(topic, bytes("k" + i % 3), Map.of(), bytes("v" + i), "text/plain", "all-topics",
                        "r-" + i, 503, "Kafka brokers are unavailable"));
            }
        } finally {
            journal.close();
        }
        try (TestGateway gateway = TestGateway.start(Map.of("gateway.dead-letter.journal", file.toString()))) {
            JsonNode first = longReplay(gateway);
            assertEquals(10_000, first.get("replayed").size(), "one run takes 10 000 entries");
            assertEquals(ids.subList(0, 10_000), replayedIds(first), "the 10 000 oldest, in order");
            assertEquals(7, first.get("pending").asInt());
            JsonNode second = longReplay(gateway);
            assertEquals(ids.subList(10_000, count), replayedIds(second), "then the rest");
            assertEquals(0, second.get("pending").asInt());
            assertEquals(List.of(), replayedIds(longReplay(gateway)), "nothing left");
        }
        // each once, with its id, in the order stored per key
        Map<String, ConsumerRecord<byte[], byte[]>> inKafka = TestKafka.allRecords(topic);
        assertEquals(count, inKafka.size());
        Map<String, Integer> last = new java.util.HashMap<>();
        inKafka.values().stream().sorted(java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(
                ConsumerRecord::partition).thenComparingLong(ConsumerRecord::offset)).forEach(record -> {
                    int i = Integer.parseInt(new String(record.value(), StandardCharsets.UTF_8).substring(1));
                    assertArrayEquals(bytes("k" + i % 3), record.key());
                    assertArrayEquals(bytes(ids.get(i)),
                            record.headers().lastHeader(GatewayNames.DEAD_LETTER_ID_HEADER).value());
                    Integer previous = last.put("k" + i % 3, i);
                    assertTrue(previous == null || previous < i, "v" + i + " after v" + previous);
                });
        assertEquals(3, last.size());
    }

    /**
     * A timeout's record may have been written after all; replay looks for it from {@code replay-lookback-ms} before
     * the failure's time (by record timestamp). Written earlier than that, it is not found and is sent again; within
     * it, found and not sent again.
     */
    @Test
    void replayLooksForARecordWrittenAfterAllOnlyWithinTheLookback(@TempDir Path dir) throws Exception {
        long tenMinutes = 600_000;
        for (long lookback : new long[] {tenMinutes / 2, tenMinutes * 2}) {
            String topic = TestKafka.createTopic("replay-lookback");
            Path file = dir.resolve(lookback + "/journal.jsonl");
            DeadLetterJournal journal = new DeadLetterJournal(file, 0).open();
            String id;
            try {
                id = journal.append(topic, bytes("k"), Map.of(), bytes("maybe written"), "text/plain", "all-topics",
                        "r-1", 408, "Kafka did not acknowledge the record in time");
            } finally {
                journal.close();
            }
            long failedAt = DeadLetterJournal.read(file).get(0).time().toEpochMilli();
            // the same record, in the topic with a timestamp ten minutes before the failure
            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of(
                                 "bootstrap.servers", TestKafka.bootstrapServers(),
                                 "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class,
                                 "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class))) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0, failedAt - tenMinutes,
                        bytes("k"), bytes("maybe written"))).get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            try (TestGateway gateway = TestGateway.start(Map.of("gateway.dead-letter.journal", file.toString(),
                    "gateway.dead-letter.replay-lookback-ms", String.valueOf(lookback)))) {
                JsonNode done = longReplay(gateway).get("replayed");
                assertEquals(List.of(id), List.of(done.get(0).get("id").asText()));
                if (lookback < tenMinutes) {
                    assertTrue(done.get(0).get("resent").asBoolean(), "outside the lookback: not found, sent again");
                    Landed.expect(topic, "maybe written").key("k").header(GatewayNames.DEAD_LETTER_ID_HEADER, id)
                            .at(done.get(0));
                    assertEquals(1, done.get(0).get("offset").asLong());
                    assertEquals(2, TestKafka.recordCount(topic));
                } else {
                    assertFalse(done.get(0).get("resent").asBoolean(), "inside the lookback: found, not sent again");
                    Landed.expect(topic, "maybe written").key("k").at(done.get(0));
                    assertEquals(0, done.get(0).get("offset").asLong());
                    assertEquals(1, TestKafka.recordCount(topic));
                }
            }
        }
    }

    /** A replay given as long as a run of 10 000 entries takes on a shared machine. */
    private static JsonNode longReplay(TestGateway gateway) {
        HttpResponse<String> response = gateway.send(gateway.request("/admin/dead-letters/replay")
                .timeout(Duration.ofMinutes(5))
                .header("Authorization", "Bearer " + TestGateway.OPERATOR_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertEquals(200, response.statusCode(), response.body());
        return TestGateway.json(response);
    }

    private static String traceparent(DeadLetterJournal.Entry entry) {
        return entry.headers().stream().filter(h -> h.getKey().equals("traceparent"))
                .map(h -> new String(h.getValue(), StandardCharsets.UTF_8)).findFirst().orElse(null);
    }

    private static List<String> replayedIds(JsonNode result) {
        List<String> ids = new ArrayList<>();
        result.get("replayed").forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    /** The values of a one-partition topic in offset order. */
    private static List<String> valuesInOrder(String topic) {
        return TestKafka.allRecords(topic).values().stream()
                .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static byte[] value(int i) {
        byte[] value = new byte[900_000];
        java.util.Arrays.fill(value, (byte) i);
        return value;
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.get("entries").forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    public static HttpResponse<String> replay(TestGateway gateway, String key) {
        return gateway.send(gateway.request("/admin/dead-letters/replay")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }
}

package io.github.kafkarestgateway.auth;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.kafka.CallerProducers;
import io.github.kafkarestgateway.testing.ClientCertificates;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import io.github.kafkarestgateway.testing.TestOAuth;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producing as the caller's Kafka user ({@code gateway.auth.kafka-identity}), against the test broker's SASL listener
 * with its standard authorizer: SCRAM users and ACLs made through the Admin API, OAUTHBEARER tokens signed by the
 * test and validated by the broker against the test's JWKS endpoint. Real HTTPS, records read back from the broker.
 */
class KafkaIdentityTest {

    private static final int MAX_PRODUCERS = 20;
    private static TestGateway scram;
    private static String topic;
    private static String otherTopic;

    @BeforeAll
    static void start() throws Exception {
        topic = TestKafka.createTopic("identity");
        otherTopic = TestKafka.createTopic("identity-other");
        TestKafka.scramUser("alice", "alice-secret");
        TestKafka.scramUser("bob", "bob-secret");
        TestKafka.topicAcl("alice", topic, AclOperation.WRITE, true);
        TestKafka.topicAcl("bob", otherTopic, AclOperation.WRITE, true);
        scram = TestGateway.start(settings(Map.of("gateway.auth.kafka-identity", "scram")));
    }

    @AfterAll
    static void stop() {
        if (scram != null) {
            scram.close();
        }
    }

    private static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> settings = new HashMap<>(TestKafka.gatewaySaslSettings());
        settings.put("gateway.auth.kafka-identity.max-producers", String.valueOf(MAX_PRODUCERS));
        settings.put("gateway.auth.kafka-identity.recheck-ms", "1500");
        settings.put("gateway.auth.acl-refresh-ms", "500");
        settings.putAll(more);
        return settings;
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> produce(TestGateway gateway, String authorization, String toTopic, String value) {
        return postTo(gateway, authorization, "/topics/" + toTopic + "/records", value);
    }

    private static HttpResponse<String> postTo(TestGateway gateway, String authorization, String path, String value) {
        HttpRequest.Builder request = gateway.request(path)
                .header("Content-Type", "text/plain").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(value));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return gateway.send(request.build());
    }

    private static ConsumerRecord<byte[], byte[]> landed(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        JsonNode metadata = json(response).get("metadata");
        return TestKafka.recordAt(metadata.get("topic").asText(), metadata.get("partition").asInt(),
                metadata.get("offset").asLong());
    }

    @Test
    void aUserWithWriteOnTheTopicProducesAsItselfAndOneWithoutIsRefusedByKafka() {
        ConsumerRecord<byte[], byte[]> record = landed(produce(scram, basic("alice", "alice-secret"), topic, "from alice"));
        assertEquals("from alice", new String(record.value(), StandardCharsets.UTF_8));
        assertNull(record.headers().lastHeader(CallerProducers.HANDLE_HEADER), "the producer's handle never reaches Kafka");
        // bob is a valid Kafka user, but its ACLs do not allow it to write to alice's topic
        JsonNode refused = assertError(produce(scram, basic("bob", "bob-secret"), topic, "from bob"), 403);
        assertFalse(refused.toString().contains("bob-secret"));
        landed(produce(scram, basic("bob", "bob-secret"), otherTopic, "bob's own topic"));
        // and v2 goes by the caller's producer too
        assertEquals(200, v2(scram, basic("alice", "alice-secret"), topic, "v2 from alice").statusCode());
        HttpResponse<String> v2 = v2(scram, basic("bob", "bob-secret"), topic, "v2 from bob");
        assertEquals(403, v2.statusCode(), v2.body());
        // nothing of the refused requests is kept to be replayed with the gateway's own login
        assertTrue(noDeadLetters(scram), "a refusal by Kafka's ACLs is the caller's, not a failed delivery");
    }

    private static HttpResponse<String> v2(TestGateway gateway, String authorization, String toTopic, String text) {
        return gateway.send(gateway.request("/v2/topics/" + toTopic + "/records")
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"value\":{\"type\":\"text\",\"data\":\"" + text + "\"}}"))
                .build());
    }

    private static boolean noDeadLetters(TestGateway gateway) {
        try {
            return !Files.exists(gateway.journal()) || Files.readString(gateway.journal()).isBlank();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void twoUsersRecordsNeverCross() throws Exception {
        // only alice may write to the topic: had a record of bob's gone by alice's producer (or the gateway's own) it
        // would land, and one of alice's by bob's would be refused
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> alice = new ArrayList<>();
            List<Future<HttpResponse<String>>> bob = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                alice.add(pool.submit(() -> produce(scram, basic("alice", "alice-secret"), topic, "alice " + n)));
                bob.add(pool.submit(() -> produce(scram, basic("bob", "bob-secret"), topic, "bob " + n)));
            }
            for (Future<HttpResponse<String>> answer : alice) {
                assertEquals(200, answer.get().statusCode(), answer.get().body());
            }
            for (Future<HttpResponse<String>> answer : bob) {
                assertEquals(403, answer.get().statusCode(), answer.get().body());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongPasswordIs401AndNeverLetThroughBecauseTheRightOneWasSeen() {
        landed(produce(scram, basic("alice", "alice-secret"), topic, "right"));
        HttpResponse<String> wrong = produce(scram, basic("alice", "not-her-password"), topic, "wrong");
        assertError(wrong, 401);
        assertTrue(wrong.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertFalse(wrong.body().contains("not-her-password"));
        assertError(produce(scram, basic("nobody", "whatever"), topic, "unknown user"), 401);
        assertError(produce(scram, "Bearer some-api-key", topic, "an API key"), 401);
        assertError(produce(scram, null, topic, "nothing"), 401);
        // the right password still works: the wrong one did not replace it
        landed(produce(scram, basic("alice", "alice-secret"), topic, "right again"));
    }

    @Test
    void passwordsWithQuotesBackslashesAndSemicolonsAreOneLoginNotJaasOptions() {
        String password = "p\"w;d\\ x=\"y\" required; \n";
        TestKafka.scramUser("carol", password);
        TestKafka.topicAcl("carol", topic, AclOperation.WRITE, true);
        landed(produce(scram, basic("carol", password), topic, "quoted"));
        // the same text with its escapes removed is another password
        assertError(produce(scram, basic("carol", "p\"w;d\\ x=\"y\" required;"), topic, "not quite"), 401);
        // a user name that tries to end the JAAS option and add its own is just an unknown user
        assertError(produce(scram, basic("alice\" password=\"x\"; ", "x"), topic, "injected"), 401);
    }

    @Test
    void aChangedPasswordStopsWorkingWithinTheRecheckBound() {
        TestKafka.scramUser("dave", "first-password");
        TestKafka.topicAcl("dave", topic, AclOperation.WRITE, true);
        landed(produce(scram, basic("dave", "first-password"), topic, "before"));
        TestKafka.scramUser("dave", "second-password");
        long changed = System.currentTimeMillis();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> produce(scram, basic("dave", "first-password"), topic, "old").statusCode() == 401);
        long took = System.currentTimeMillis() - changed;
        assertTrue(took < 1500 + 5000, "the old password worked " + took + " ms after the change");
        landed(produce(scram, basic("dave", "second-password"), topic, "after"));
    }

    @Test
    void wrongPasswordsAre429AfterTheLimit() throws Exception {
        try (TestGateway limited = TestGateway.start(settings(Map.of("gateway.auth.kafka-identity", "scram",
                "gateway.auth.max-failures", "3")))) {
            landed(produce(limited, basic("alice", "alice-secret"), topic, "verified before"));
            for (int i = 0; i < 3; i++) {
                assertError(produce(limited, basic("alice", "guess-" + i), topic, "guess"), 401);
            }
            HttpResponse<String> blocked = produce(limited, basic("alice", "guess-4"), topic, "guess");
            assertError(blocked, 429);
            assertTrue(blocked.headers().firstValue("Retry-After").isPresent());
            // credentials verified before are never refused because of someone else's guesses
            landed(produce(limited, basic("alice", "alice-secret"), topic, "still alice"));
            String metrics = limited.send(limited.request("/metrics").GET().build()).body();
            assertTrue(metrics.contains("gateway_authentication_failures_total"), metrics);
        }
    }

    @Test
    void aThousandDistinctUsersKeepAtMostMaxProducersOpen() throws Exception {
        String crowdTopic = TestKafka.createTopic("identity-crowd");
        Map<String, String> users = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            users.put("crowd-" + i, "pw-" + i);
        }
        TestKafka.scramUsers(users, ScramMechanism.SCRAM_SHA_512);
        // one prefixed ACL for all of them
        TestKafka.admin().createAcls(List.of(new org.apache.kafka.common.acl.AclBinding(
                new org.apache.kafka.common.resource.ResourcePattern(org.apache.kafka.common.resource.ResourceType.TOPIC,
                        crowdTopic, org.apache.kafka.common.resource.PatternType.LITERAL),
                new org.apache.kafka.common.acl.AccessControlEntry("User:*", "*", AclOperation.WRITE,
                        org.apache.kafka.common.acl.AclPermissionType.ALLOW)))).all().get();
        await().atMost(Duration.ofSeconds(20)).until(() -> produce(scram, basic("crowd-0", "pw-0"), crowdTopic, "0")
                .statusCode() == 200);
        AtomicInteger mostOpen = new AtomicInteger();
        AtomicInteger landed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 1; i < 1000; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    HttpResponse<String> answer = produce(scram, basic("crowd-" + n, "pw-" + n), crowdTopic, "n" + n);
                    assertEquals(200, answer.statusCode(), answer.body());
                    landed.incrementAndGet();
                    mostOpen.accumulateAndGet(callerProducerThreads(), Math::max);
                }));
            }
            for (Future<?> one : done) {
                one.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(999, landed.get());
        assertEquals(1000, TestKafka.recordCount(crowdTopic));
        // at most max-producers cached, plus those held by the requests in flight (6) until they are done
        assertTrue(mostOpen.get() <= MAX_PRODUCERS + 6, "caller producers open at once: " + mostOpen.get());
        await().atMost(Duration.ofSeconds(30)).until(() -> callerProducerThreads() <= MAX_PRODUCERS);
        String metrics = scram.send(scram.request("/metrics").GET().build()).body();
        double gauge = metrics.lines().filter(line -> line.startsWith("gateway_kafka_caller_producers"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).findFirst()
                .orElseThrow();
        assertTrue(gauge <= MAX_PRODUCERS, metrics);
        // memory: the heap after a collection holds at most the producers of max-producers callers
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        assertTrue(used < 512L << 20, "heap used after 1,000 callers: " + (used >> 20) + " MB");
    }

    /** Network threads of the callers' producers alive in this JVM (one per producer). */
    private static int callerProducerThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("kafka-producer-network-thread | rest-gateway-caller-"))
                .count();
    }

    @Test
    void aClientCertificateIsAuthorizedByTheClusterAclsOfItsUser() throws Exception {
        String certTopic = TestKafka.createTopic("identity-cert");
        Path dir = Files.createTempDirectory("identity-certs");
        HttpClient erin = ClientCertificates.client(dir, "erin", null, true);
        HttpRequest request = scram.request("/topics/" + certTopic + "/records").header("Content-Type", "text/plain")
                .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString("by certificate")).build();
        assertEquals(403, erin.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        TestKafka.topicAcl("erin", certTopic, AclOperation.WRITE, true);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> erin.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        assertTrue(TestKafka.recordCount(certTopic) >= 1);
        TestKafka.topicAcl("erin", certTopic, AclOperation.WRITE, false);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> erin.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 403);
    }

    @Test
    void aCallerCannotNameAnotherCallersProducerThroughARecordHeader() {
        String header = URLEncoder.encode(CallerProducers.HANDLE_HEADER + ":" + "0".repeat(32), StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> record = landed(postTo(scram, basic("alice", "alice-secret"),
                "/topics/" + topic + "/records?headers=" + header, "with a look-alike header"));
        assertNull(record.headers().lastHeader(CallerProducers.HANDLE_HEADER));
        assertError(postTo(scram, basic("bob", "bob-secret"), "/topics/" + topic + "/records?headers=" + header,
                "bob naming a handle"), 403);
    }

    @Test
    void oauthBearerTokensAreValidatedByTheBroker() throws Exception {
        try (TestGateway oauth = TestGateway.start(settings(Map.of("gateway.auth.kafka-identity", "oauthbearer")))) {
            ConsumerRecord<byte[], byte[]> record = landed(produce(oauth, "Bearer " + TestOAuth.token("alice", 300),
                    topic, "alice's token"));
            assertEquals("alice's token", new String(record.value(), StandardCharsets.UTF_8));
            assertError(produce(oauth, "Bearer " + TestOAuth.token("bob", 300), topic, "bob's token"), 403);
            HttpResponse<String> expired = produce(oauth, "Bearer " + TestOAuth.token("alice", -120), topic, "expired");
            assertError(expired, 401);
            assertTrue(expired.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            // a token the identity provider did not sign: its claims name alice, its signature is not the provider's
            String genuine = TestOAuth.token("alice", 300);
            String forged = genuine.substring(0, genuine.lastIndexOf('.') + 1) + "AAAA" + genuine.substring(
                    genuine.lastIndexOf('.') + 5);
            assertError(produce(oauth, "Bearer " + forged, topic, "forged"), 401);
            assertError(produce(oauth, "Bearer not-a-jwt", topic, "garbage"), 401);
            assertError(produce(oauth, basic("alice", "alice-secret"), topic, "basic in oauth mode"), 401);
        }
    }

    @Test
    void forgedTokensNamingAUserBlockTheirSenderNotThatUser() throws Exception {
        try (TestGateway oauth = TestGateway.start(settings(Map.of("gateway.auth.kafka-identity", "oauthbearer",
                "gateway.auth.max-failures", "3", "gateway.http.trusted-proxies", "127.0.0.1, ::1")))) {
            String genuine = TestOAuth.token("alice", 300);
            String forged = genuine.substring(0, genuine.lastIndexOf('.') + 1) + "AAAA" + genuine.substring(
                    genuine.lastIndexOf('.') + 5);
            for (int i = 0; i < 3; i++) {
                assertError(produceFrom(oauth, "203.0.113.66", "Bearer " + forged, "forged"), 401);
            }
            assertError(produceFrom(oauth, "203.0.113.66", "Bearer " + forged, "forged"), 429);
            // alice, elsewhere, with a token the gateway has never seen: her claims were named by the forger, but
            // an unverified token's user is never blocked
            ConsumerRecord<byte[], byte[]> record = landed(produceFrom(oauth, "198.51.100.20",
                    "Bearer " + TestOAuth.token("alice", 300), "alice's own token"));
            assertEquals("alice's own token", new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    private static HttpResponse<String> produceFrom(TestGateway gateway, String client, String authorization,
                                                    String value) {
        return gateway.send(gateway.request("/topics/" + topic + "/records")
                .header("Content-Type", "text/plain").header("Accept", "application/json")
                .header("X-Forwarded-For", client).header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(value)).build());
    }

    @Test
    void aFailedDeliveryAsACallerIsKeptWithTheUsersNameAndNoCredentials() throws Exception {
        // a delivery timeout of 1 ms: alice's new producer (which first asks for its producer id) cannot have the
        // record acknowledged in time, so the accepted request fails with 408 and is kept
        String unwritable = TestKafka.createTopic("identity-unwritable");
        TestKafka.topicAcl("alice", unwritable, AclOperation.WRITE, true);
        try (TestGateway failing = TestGateway.start(settings(Map.of("gateway.auth.kafka-identity", "scram",
                "camel.component.kafka.delivery-timeout-ms", "1",
                "camel.component.kafka.linger-ms", "0",
                "camel.component.kafka.request-timeout-ms", "1")))) {
            HttpResponse<String> answer = produce(failing, basic("alice", "alice-secret"), unwritable, "kept");
            assertTrue(answer.statusCode() == 408 || answer.statusCode() == 503, answer.body());
            String incident = json(answer).get("error").get("incident").asText();
            assertTrue(incident.startsWith("dl-"), answer.body());
            String journal = Files.readString(failing.journal());
            JsonNode entry = journal.lines().map(line -> {
                try {
                    return TestGateway.JSON.readTree(line);
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }).filter(line -> line.path("principal").asText().equals("alice")).findFirst().orElseThrow(
                    () -> new AssertionError("no dead letter of alice in " + journal));
            assertEquals(unwritable, entry.path("topic").asText(), entry.toString());
            assertFalse(journal.contains("alice-secret"), "a password reached the dead-letter journal");
            assertFalse(journal.contains(CallerProducers.HANDLE_HEADER), "the producer's handle reached the journal");
        }
    }

    @Test
    void callersAreTheAccessLogsPrincipal() throws Exception {
        landed(produce(scram, basic("alice", "alice-secret"), topic, "logged"));
        Path log = Path.of("target/test-gateway.log");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(log)
                .contains("\"principal\":\"alice\",\"authMethod\":\"scram\""));
        String text = Files.readString(log);
        assertFalse(text.contains("alice-secret"), "a password reached the log");
        assertNotNull(text);
    }
}

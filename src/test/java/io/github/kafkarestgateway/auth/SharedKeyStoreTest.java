package io.github.kafkarestgateway.auth;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many instances, one key store ({@code gateway.auth.store=kafka}): two gateways on one service-ID topic of the test
 * broker. A service ID made through one instance (its {@code serviceIds} bean, or the credentials tool) produces on
 * the other; revocation and rotation take effect on both; racing creates of one name have one winner; a restarted
 * instance has the same service IDs; the development key is made once; an unreachable cluster fails the start.
 */
class SharedKeyStoreTest {

    private static final Pattern KEY = Pattern.compile("(?:API key[^:]*|New API key[^:]*): (\\S+)");
    private static final Duration CHANGE_SPREAD = Duration.ofSeconds(10);
    private static String storeTopic;
    private static TestGateway a;
    private static TestGateway b;
    private static String topic;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        storeTopic = uniqueStoreTopic();
        a = TestGateway.start(kafkaStore(storeTopic));
        b = TestGateway.start(kafkaStore(storeTopic));
        topic = TestKafka.createTopic("shared-keys");
    }

    @AfterAll
    static void stopThem() {
        b.close();
        a.close();
    }

    @Test
    void aServiceIdMadeThroughOneInstanceProducesOnTheOther() throws Exception {
        String key = ids(a).create("made-on-a", "writer", List.of("shared-keys*"), null, true);
        await().atMost(CHANGE_SPREAD).until(() -> known(b, key));
        landed(post(b, key));
        landed(post(a, key));
        assertError(post(b, key + "x"), 401);
    }

    @Test
    void aRevocationThroughOneInstanceTakesEffectOnBoth() throws Exception {
        String key = ids(a).create("to-revoke", "writer", List.of("*"), null, true);
        await().atMost(CHANGE_SPREAD).until(() -> known(a, key) && known(b, key));
        landed(post(b, key));

        ids(a).revoke("to-revoke");
        await().atMost(CHANGE_SPREAD).until(() -> post(a, key).statusCode() == 401 && post(b, key).statusCode() == 401);
        assertError(post(a, key), 401);
        assertError(post(b, key), 401);
    }

    @Test
    void aRotationThroughOneInstanceRetiresTheOldKeyOnBoth() throws Exception {
        String old = ids(b).create("to-rotate", "writer", List.of("*"), null, true);
        await().atMost(CHANGE_SPREAD).until(() -> known(a, old) && known(b, old));

        String rotated = ids(a).rotate("to-rotate");
        await().atMost(CHANGE_SPREAD).until(() -> known(a, rotated) && known(b, rotated)
                && !known(a, old) && !known(b, old));
        for (TestGateway gateway : List.of(a, b)) {
            assertError(post(gateway, old), 401);
            landed(post(gateway, rotated));
        }
    }

    @Test
    void ofTwoConcurrentCreatesOfOneNameThroughTwoInstancesExactlyOneWins() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 3; round++) {
                String name = "contested-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> creates = new ArrayList<>();
                for (TestGateway gateway : List.of(a, b)) {
                    ServiceIds ids = ids(gateway);
                    Callable<String> create = () -> {
                        go.await();
                        try {
                            return ids.create(name, "writer", List.of("*"), null, true);
                        } catch (IllegalArgumentException lost) {
                            assertEquals("A service ID named '" + name + "' exists already", lost.getMessage());
                            return null;
                        }
                    };
                    creates.add(pool.submit(create));
                }
                go.countDown();
                List<String> won = new ArrayList<>();
                for (Future<String> create : creates) {
                    String key = create.get();
                    if (key != null) {
                        won.add(key);
                    }
                }
                assertEquals(1, won.size(), name + ": exactly one create wins");
                String key = won.get(0);
                await().atMost(CHANGE_SPREAD).until(() -> known(a, key) && known(b, key));
                assertEquals(ids(a).list(), ids(b).list(), "both instances hold the same service IDs");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theCredentialsToolChangesTheServiceIdsOnKafkaForEveryInstance() throws Exception {
        String key = keyIn(tool("create", "--name", "by-tool", "--role", "writer", "--topic", "*"));
        await().atMost(CHANGE_SPREAD).until(() -> known(a, key) && known(b, key));
        landed(post(a, key));

        String listed = tool("list");
        assertTrue(listed.contains("\"name\" : \"by-tool\""), listed);
        assertFalse(listed.contains(key) || listed.contains("sha256:"), listed);

        String rotated = keyIn(tool("rotate", "--name", "by-tool"));
        await().atMost(CHANGE_SPREAD).until(() -> known(b, rotated) && !known(b, key));
        tool("expire", "--name", "by-tool", "--at", "2000-01-01T00:00:00Z");
        await().atMost(CHANGE_SPREAD).until(() -> !known(a, rotated) && !known(b, rotated));
        tool("expire", "--name", "by-tool", "--at", "never");
        await().atMost(CHANGE_SPREAD).until(() -> known(a, rotated) && known(b, rotated));
        tool("revoke", "--name", "by-tool");
        await().atMost(CHANGE_SPREAD).until(() -> !known(a, rotated) && !known(b, rotated));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, CredentialsTool.run(withStore("create", "--name", "by-tool", "--topic", "*"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("credentials: A service ID named 'by-tool' exists already\n", err.toString(StandardCharsets.UTF_8));
        err.reset();
        assertEquals(1, CredentialsTool.run(withStore("revoke", "--name", "nobody"),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals("credentials: No service ID named 'nobody'\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(2, CredentialsTool.run(new String[] {"list", "--store", "kafka"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
        assertEquals(2, CredentialsTool.run(new String[] {"list", "--store", "database"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream())));
    }

    @Test
    void aRestartedInstanceHasTheSameServiceIds() throws Exception {
        String key = ids(a).create("before-restart", "operator", List.of("*"), null, true);
        ids(b).create("revoked-before-restart", "reader", List.of("audit"), null, false);
        ids(a).revoke("revoked-before-restart");
        List<ObjectNode> before = ids(a).list();
        try (TestGateway restarted = TestGateway.start(kafkaStore(storeTopic))) {
            // read to its end before it takes a request: no waiting here
            assertEquals(before, ids(restarted).list());
            landed(post(restarted, key));
            assertEquals(200, restarted.send(restarted.request("/admin/dead-letters")
                    .header("Authorization", "Bearer " + key).GET().build()).statusCode(), "an operator key");
        }
    }

    @Test
    void theBeansForTheConsoleAreTheStoreOfEachMode() {
        assertInstanceOf(KafkaServiceIds.class, ids(a));
        assertEquals("Kafka topic " + storeTopic, ids(a).location());
        assertTrue(ids(a).writable());
        assertSame(((KafkaServiceIds) ids(a)).store(), a.context().getRegistry().lookupByName("apiKeyStore"));
        TestGateway fileMode = TestGateway.shared();
        assertInstanceOf(ApiKeyFile.class, ids(fileMode));
        assertEquals("file " + TestGateway.KEYS_FILE, ids(fileMode).location());
        assertInstanceOf(ApiKeyStore.class, fileMode.context().getRegistry().lookupByName("apiKeyStore"));
    }

    @Test
    void theDevelopmentKeyIsMadeOnlyWhenTheTopicHoldsNoServiceId() throws Exception {
        String devTopic = uniqueStoreTopic();
        Map<String, String> withDevKey = new java.util.HashMap<>(kafkaStore(devTopic));
        withDevKey.put("gateway.auth.create-dev-key", "true");
        String hash;
        try (TestGateway first = TestGateway.start(withDevKey)) {
            List<ObjectNode> made = ids(first).list();
            assertEquals(1, made.size());
            assertEquals("dev", made.get(0).get("name").asText());
            assertEquals("operator", made.get(0).get("role").asText());
            hash = ((KafkaServiceIds) ids(first)).log().version("dev").entry().get("hash").asText();
        }
        try (TestGateway second = TestGateway.start(withDevKey)) {
            assertEquals(1, ids(second).list().size());
            assertEquals(hash, ((KafkaServiceIds) ids(second)).log().version("dev").entry().get("hash").asText(),
                    "the topic held a service ID: no new development key");
        }
    }

    @Test
    void anUnreachableClusterFailsTheStartWithinTheCheckTimeoutSayingWhy() {
        Map<String, String> unreachable = new java.util.HashMap<>(kafkaStore(uniqueStoreTopic()));
        unreachable.put("kafka.bootstrap.servers", "localhost:19598");
        unreachable.put("gateway.kafka.check-timeout-ms", "2000");
        long start = System.nanoTime();
        Exception e = assertThrows(Exception.class, () -> TestGateway.start(unreachable).close());
        long ms = (System.nanoTime() - start) / 1_000_000;
        String messages = messages(e);
        assertTrue(messages.contains("gateway.auth.store=kafka: cannot read the service IDs"), messages);
        assertTrue(messages.contains("did not answer within 2000 ms"), messages);
        assertTrue(ms < 15_000, ms + " ms");
    }

    // ---- helpers

    private static String uniqueStoreTopic() {
        return "service-ids-" + UUID.randomUUID();
    }

    private static Map<String, String> kafkaStore(String storeTopicName) {
        return Map.of("gateway.auth.store", "kafka", "gateway.auth.store-topic", storeTopicName);
    }

    private static ServiceIds ids(TestGateway gateway) {
        return gateway.context().getRegistry().lookupByNameAndType("serviceIds", ServiceIds.class);
    }

    private static HttpResponse<String> post(TestGateway gateway, String key) {
        return gateway.send(gateway.request("/topics/" + topic + "/records").header("Content-Type", "text/plain")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("v")).build());
    }

    private static void landed(HttpResponse<String> response) {
        Landed.expect(topic, "v").in(response);
    }

    /** Whether the instance authenticates this key: an empty request then fails after authentication, not at it. */
    private static boolean known(TestGateway gateway, String key) {
        HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records")
                .header("Authorization", "Bearer " + key).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        return response.statusCode() != 401;
    }

    private static String[] withStore(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--store", "kafka", "--bootstrap-servers", TestKafka.bootstrapServers(),
                "--store-topic", storeTopic));
        return all.toArray(String[]::new);
    }

    private static String tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CredentialsTool.run(withStore(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String keyIn(String toolOutput) {
        Matcher matcher = KEY.matcher(toolOutput);
        assertTrue(matcher.find(), toolOutput);
        return matcher.group(1);
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            all.append(cause.getMessage()).append(" | ");
        }
        return all.toString();
    }
}

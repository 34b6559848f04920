package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkarestgateway.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The one real Kafka broker of the test JVM (KRaft, in-process), shared by all test classes. Topic auto-creation is
 * off, as on IBM Cloud Event Streams, so unknown topics are 404.
 */
public final class TestKafka {

    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static EmbeddedKafka broker;
    private static Admin admin;
    private static PausableProxy proxy;
    private static int saslPort;
    /** The gateway's own Kafka user on the SASL listener (a super user). */
    public static final String GATEWAY_USER = "gateway";
    public static final String GATEWAY_PASSWORD = "gateway-secret";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private TestKafka() {
    }

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("gateway-test-kafka");
                int port = freePort();
                int controllerPort = freePort();
                int proxiedPort = freePort();
                int proxyPort = freePort();
                saslPort = freePort();
                String jwks = TestOAuth.jwksUrl();
                // Kafka reads a JWKS only from the URLs allowed here
                System.setProperty("org.apache.kafka.sasl.oauthbearer.allowed.urls", jwks);
                Map<String, String> config = new java.util.HashMap<>(Map.of(
                        // a second listener, advertised at the proxy's address: clients bootstrapped there stay
                        // behind it; a third where clients log in as Kafka users (SCRAM, OAUTHBEARER)
                        "listeners", "PLAINTEXT://localhost:" + port + ",PROXIED://localhost:" + proxiedPort
                                + ",SASL://localhost:" + saslPort + ",CONTROLLER://localhost:" + controllerPort,
                        "advertised.listeners", "PLAINTEXT://localhost:" + port + ",PROXIED://localhost:" + proxyPort
                                + ",SASL://localhost:" + saslPort,
                        "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,SASL:SASL_PLAINTEXT,"
                                + "CONTROLLER:PLAINTEXT",
                        "auto.create.topics.enable", "false",
                        "num.partitions", "1"));
                // the standard authorizer: the SASL listener's users are what their ACLs allow; the other listeners'
                // clients (ANONYMOUS) and the gateway's own user are super users; OAUTHBEARER beside SCRAM
                config.putAll(EmbeddedKafka.scramAuthorization("sasl", GATEWAY_USER));
                config.put("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256,OAUTHBEARER");
                config.put("listener.name.sasl.oauthbearer.sasl.jaas.config",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
                config.put("listener.name.sasl.oauthbearer.sasl.server.callback.handler.class",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler");
                config.put("sasl.oauthbearer.jwks.endpoint.url", jwks);
                config.put("sasl.oauthbearer.expected.audience", TestOAuth.AUDIENCE);
                config.put("sasl.oauthbearer.expected.issuer", TestOAuth.ISSUER);
                broker = new EmbeddedKafka(dir, "localhost", port, controllerPort, config);
                broker.start();
                proxy = new PausableProxy(proxyPort, new InetSocketAddress("localhost", proxiedPort));
                admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    admin.close();
                    proxy.close();
                    broker.close();
                    // the broker's log (some 200 MB a run) goes with it
                    try {
                        Utils.delete(dir.toFile());
                    } catch (IOException e) {
                        System.err.println("Could not delete the test broker's directory " + dir + ": " + e);
                    }
                }));
            } catch (Exception e) {
                throw new IllegalStateException("The test broker did not start", e);
            }
        }
        return broker.bootstrapServers();
    }

    /** Bootstrap address of the listener where clients log in as Kafka users (SASL_PLAINTEXT). */
    public static String saslBootstrapServers() {
        bootstrapServers();
        return "localhost:" + saslPort;
    }

    public static Admin admin() {
        bootstrapServers();
        return admin;
    }

    /** Creates (or changes the password of) a Kafka user, and waits until the broker knows it. */
    public static void scramUser(String user, String password) {
        scramUsers(Map.of(user, password), org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512);
    }

    /** Creates (or changes the passwords of) Kafka users for one mechanism, and waits until the broker knows them. */
    public static void scramUsers(Map<String, String> passwords, org.apache.kafka.clients.admin.ScramMechanism mechanism) {
        bootstrapServers();
        try {
            admin.alterUserScramCredentials(passwords.entrySet().stream()
                    .map(e -> (org.apache.kafka.clients.admin.UserScramCredentialAlteration)
                            new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(e.getKey(),
                                    new org.apache.kafka.clients.admin.ScramCredentialInfo(mechanism, 4096),
                                    e.getValue()))
                    .toList()).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("Could not set the SCRAM credentials", e);
        }
        // credentials committed by the controller reach the broker's metadata a moment later
        String last = passwords.keySet().iterator().next();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> admin.describeUserScramCredentials(List.of(last)).all().get().get(last)
                        .credentialInfos().stream().anyMatch(info -> info.mechanism() == mechanism));
    }

    /** Grants (allow true) or revokes (allow null) an ACL: that operation on the literal topic for User:user. */
    public static void topicAcl(String user, String topic, org.apache.kafka.common.acl.AclOperation operation,
                                boolean grant) {
        bootstrapServers();
        var binding = new org.apache.kafka.common.acl.AclBinding(
                new org.apache.kafka.common.resource.ResourcePattern(org.apache.kafka.common.resource.ResourceType.TOPIC,
                        topic, org.apache.kafka.common.resource.PatternType.LITERAL),
                new org.apache.kafka.common.acl.AccessControlEntry("User:" + user, "*", operation,
                        org.apache.kafka.common.acl.AclPermissionType.ALLOW));
        try {
            if (grant) {
                admin.createAcls(List.of(binding)).all().get();
            } else {
                admin.deleteAcls(List.of(binding.toFilter())).all().get();
            }
            // the authorizer of the broker applies the change once it reaches its metadata
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> admin.describeAcls(binding.toFilter()).values().get().contains(binding) == grant);
        } catch (Exception e) {
            throw new IllegalStateException("Could not change the ACL", e);
        }
    }

    /** The gateway's settings for its own Kafka login on the SASL listener, as a super user. */
    public static Map<String, String> gatewaySaslSettings() {
        scramUser(GATEWAY_USER, GATEWAY_PASSWORD);
        return Map.of("kafka.bootstrap.servers", saslBootstrapServers(),
                "kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.sasl.jaas.config", SCRAM_MODULE + " required username=\"" + GATEWAY_USER + "\" password=\""
                        + GATEWAY_PASSWORD + "\";");
    }

    /** Bootstrap address of the same broker behind a proxy that {@link #proxy()} can pause. */
    public static String proxiedBootstrapServers() {
        bootstrapServers();
        return "localhost:" + proxy.port();
    }

    public static PausableProxy proxy() {
        bootstrapServers();
        return proxy;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** A new topic with a unique name. */
    public static String createTopic(String prefix, int partitions, Map<String, String> configs) {
        bootstrapServers();
        String name = prefix + "-" + TOPICS.incrementAndGet();
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs))).all().get();
            // created by the controller is not yet known to the broker: wait until the broker describes it with a
            // leader for every partition, as a client would find it (else a check right after may find no topic)
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .pollInterval(java.time.Duration.ofMillis(5)).until(() -> described(name, partitions));
        } catch (Exception e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        }
        return name;
    }

    private static boolean described(String topic, int partitions) throws InterruptedException {
        try {
            var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (java.util.concurrent.ExecutionException notYet) {
            return false;
        }
    }

    public static String createTopic(String prefix) {
        return createTopic(prefix, 1, Map.of());
    }

    /** Reads the record at exactly this partition and offset, waiting up to 10 s for it. */
    public static ConsumerRecord<byte[], byte[]> recordAt(String topic, int partition, long offset) {
        return recordAt(bootstrapServers(), topic, partition, offset);
    }

    /** Reads the record at exactly this partition and offset of the cluster at bootstrap, waiting up to 10 s. */
    public static ConsumerRecord<byte[], byte[]> recordAt(String bootstrap, String topic, int partition, long offset) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        props.put("isolation.level", "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(topic, partition);
            consumer.assign(List.of(tp));
            consumer.seek(tp, offset);
            long deadline = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.offset() == offset) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("No record at " + topic + "-" + partition + "@" + offset);
    }

    /** Every record of the topic, by "partition@offset". */
    public static Map<String, ConsumerRecord<byte[], byte[]>> allRecords(String topic) {
        return allRecords(bootstrapServers(), topic);
    }

    /** Every record of the topic of the cluster at bootstrap, by "partition@offset". */
    public static Map<String, ConsumerRecord<byte[], byte[]>> allRecords(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        Map<String, ConsumerRecord<byte[], byte[]>> records = new java.util.HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 30_000;
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    records.put(record.partition() + "@" + record.offset(), record);
                }
            }
        }
        return records;
    }

    /** The number of records in the topic (end offset minus start offset, over all partitions). */
    public static long recordCount(String topic) {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long start = consumer.beginningOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            return end - start;
        }
    }
}

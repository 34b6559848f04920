package io.github.kafkarestgateway.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM.
 * The storage is formatted once; later starts reuse the data directory, so records survive restarts.
 * It is the zero-setup default of the run command and the shared broker of the test suite.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;

    private final Path dataDir;
    private final String host;
    private final int port;
    private final int controllerPort;
    private final Map<String, String> overrides;
    private KafkaRaftServer server;

    /**
     * @param dataDir        log and metadata directory, formatted on first use
     * @param host           host name the broker listens on and advertises
     * @param port           client port, 0 for a free one
     * @param controllerPort KRaft controller port, 0 for a free one
     * @param overrides      further broker properties (e.g. auto.create.topics.enable)
     */
    public EmbeddedKafka(Path dataDir, String host, int port, int controllerPort, Map<String, String> overrides) {
        this.dataDir = dataDir;
        this.host = host;
        this.port = port == 0 ? freePort() : port;
        this.controllerPort = controllerPort == 0 ? freePort() : controllerPort;
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * Runs a broker alone, until the JVM is stopped: {@code EmbeddedKafka <data-dir> <port> <controller-port>
     * [<sasl-port>]} (the benchmark's broker, in a JVM of its own). With a SASL port, a second listener
     * {@code SASL://localhost:<sasl-port>} (SASL_PLAINTEXT) where clients log in as Kafka users (SCRAM-SHA-512 or
     * SCRAM-SHA-256), and the standard authorizer: there the users' ACLs decide, while the PLAINTEXT listener's
     * clients ({@code User:ANONYMOUS}) and the user {@code gateway} are super users.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: EmbeddedKafka <data-dir> <port> <controller-port> [<sasl-port>]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        Map<String, String> config = new HashMap<>(Map.of("auto.create.topics.enable", "false", "num.partitions", "1"));
        if (args.length == 4) {
            config.putAll(saslListener("localhost", port, controllerPort, Integer.parseInt(args[3])));
        }
        EmbeddedKafka broker = new EmbeddedKafka(Path.of(args[0]), "localhost", port, controllerPort, config);
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        System.out.println("Kafka broker ready on " + broker.bootstrapServers()
                + (args.length == 4 ? " (SASL on localhost:" + args[3] + ")" : ""));
        Thread.currentThread().join();
    }

    /** Broker properties of a SASL_PLAINTEXT listener with SCRAM beside PLAINTEXT, and the standard authorizer. */
    private static Map<String, String> saslListener(String host, int port, int controllerPort, int saslPort) {
        Map<String, String> config = new HashMap<>(scramAuthorization("sasl", "gateway"));
        config.put("listeners", "PLAINTEXT://" + host + ":" + port + ",SASL://" + host + ":" + saslPort
                + ",CONTROLLER://" + host + ":" + controllerPort);
        config.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port + ",SASL://" + host + ":" + saslPort);
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        return config;
    }

    /**
     * Broker properties where clients of the listener (lower-case name) log in with SCRAM-SHA-512 or -256 and the
     * standard authorizer decides by ACLs, with the unauthenticated clients of the other listeners
     * ({@code User:ANONYMOUS}) and the given user as super users.
     */
    public static Map<String, String> scramAuthorization(String listener, String superUser) {
        String scram = "org.apache.kafka.common.security.scram.ScramLoginModule required;";
        String prefix = "listener.name." + listener + ".";
        return Map.of(
                prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512,SCRAM-SHA-256",
                prefix + "scram-sha-512.sasl.jaas.config", scram,
                prefix + "scram-sha-256.sasl.jaas.config", scram,
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS;User:" + superUser);
    }

    public synchronized EmbeddedKafka start() throws Exception {
        if (server != null) {
            return this;
        }
        Files.createDirectories(dataDir);
        Properties props = brokerProperties();
        if (!Files.exists(dataDir.resolve("meta.properties"))) {
            format();
        }
        KafkaRaftServer raft = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        raft.startup();
        server = raft;
        // the run command's banner names the broker: at DEBUG, not before the banner
        LOG.debug("Embedded Kafka broker started on {} (data in {})", bootstrapServers(), dataDir.toAbsolutePath());
        return this;
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
            LOG.info("Embedded Kafka broker stopped");
        }
    }

    private Properties brokerProperties() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", dataDir.toAbsolutePath().toString());
        // a single node: every internal topic has one replica
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // the log cleaner (compacted topics, e.g. the idempotency keys) would take a 128 MB buffer of the heap it
        // shares with the gateway, more than the recommended heap has in one piece
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(8L << 20));
        props.put("log.cleaner.threads", "1");
        props.putAll(overrides);
        return props;
    }

    private void format() throws Exception {
        new Formatter()
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(NODE_ID)
                .setControllerListenerName("CONTROLLER")
                .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                .addDirectory(dataDir.toAbsolutePath().toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .run();
        LOG.debug("Formatted Kafka storage in {}", dataDir.toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free port for the embedded broker", e);
        }
    }
}

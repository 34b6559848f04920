package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.cli.CommandLines;
import io.github.kafkarestgateway.settings.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code gateway credentials}: the service IDs and their keys, after {@code cloudctl es iam-service-id-create} and
 * friends. It changes them where the gateway keeps them, the key file it watches or the Kafka topic every instance
 * reads (changes take effect within seconds, without a restart): {@code create}, {@code list}, {@code rotate},
 * {@code revoke}, {@code expire}; {@code --help} tells each one's options. The store's options are those of the
 * gateway's settings, with the same defaults ({@link SettingDefaults}). Certificates are
 * {@link CertificatesTool}'s. Exit status 0 on success, 1 on failure, 2 for wrong arguments.
 */
@Command(name = "credentials", defaultValueProvider = CredentialsTool.SettingDefaults.class,
        description = {"Service IDs and their API keys (after cloudctl es iam-service-id-*), changed where the gateway"
                + " keeps them: the key file it watches or the Kafka topic every instance reads (gateway.auth.store)."
                + " Changes take effect within seconds, without a restart. A key is shown once; only its hash is"
                + " stored."},
        footer = {"", "Topics are exact names (audit), prefixes (orders.*) or *. Roles: reader cannot produce, writer"
                + " produces to its topics, operator also lists and replays dead letters."})
public final class CredentialsTool {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How long a call to Kafka may take. */
    private static final long KAFKA_TIMEOUT_MS = 10_000;

    /** Where the service IDs are kept (gateway.auth.store). */
    enum Store { file, kafka }

    @Spec
    CommandSpec spec;

    @Option(names = "--store", scope = ScopeType.INHERIT, paramLabel = "file|kafka",
            description = "Where the service IDs are kept, as gateway.auth.store (default: ${DEFAULT-VALUE}).")
    Store store;

    @Option(names = "--keys-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "The key file of --store file, as gateway.auth.keys-file (default: ${DEFAULT-VALUE}).")
    Path keysFile;

    @Option(names = "--bootstrap-servers", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
            description = "The Kafka cluster of --store kafka.")
    String bootstrapServers;

    @Option(names = "--store-topic", scope = ScopeType.INHERIT, paramLabel = "TOPIC",
            description = "The service-ID topic of --store kafka, as gateway.auth.store-topic"
                    + " (default: ${DEFAULT-VALUE}).")
    String storeTopic;

    @Option(names = "--kafka-config", scope = ScopeType.INHERIT, paramLabel = "FILE",
            description = "Kafka client properties for --store kafka: security protocol, SASL login, trust store"
                    + " (--bootstrap-servers over its bootstrap.servers).")
    Path kafkaConfig;

    /** The tool alone, without {@code bin/gateway} (the benchmark scripts call it so in older checkouts too). */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the tool with these arguments; its exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return CommandLines.execute(new CredentialsTool(), args, out, err);
    }

    @Command(name = "create", description = "Makes a service ID and prints its new key, once.")
    void create(@Option(names = "--name", required = true, paramLabel = "ID", description = "Its name.") String name,
                @Option(names = "--role", defaultValue = ApiKeyStore.WRITER, paramLabel = "ROLE",
                        description = "writer, reader or operator (default: ${DEFAULT-VALUE}).") String role,
                @Option(names = "--topic", required = true, paramLabel = "TOPIC",
                        description = "A topic it may use (a name, a prefix such as orders.*, or *); repeat for more.")
                List<String> topics,
                @Option(names = "--expires", paramLabel = "INSTANT",
                        description = "When it stops working, e.g. 2027-01-01T00:00:00Z.") Instant expires,
                @Option(names = "--expires-in", paramLabel = "30d|12h",
                        description = "Or: that many days or hours from now.") String expiresIn,
                @Option(names = "--certificate-only",
                        description = "No key: it is known by its client certificate only (subject CN or SAN).")
                boolean certificateOnly) throws IOException {
        Instant until = expires != null ? expires : in(expiresIn);
        withStore((keys, where) -> {
            String key = keys.create(name, role, topics, until, !certificateOnly);
            out().println("Created service ID '" + name + "' in " + where);
            if (key != null) {
                out().println("API key (shown once, only its hash is stored): " + key);
            } else {
                out().println("It is known by its client certificate only (subject CN or SAN '" + name + "')");
            }
        });
    }

    @Command(name = "list", description = "The service IDs (name, role, topics, expiry), never their keys.")
    void list() throws IOException {
        withStore((keys, where) -> out().println(MAPPER.writerWithDefaultPrettyPrinter()
                .writeValueAsString(keys.list())));
    }

    @Command(name = "rotate", description = "A new key for the service ID, printed once; the old one stops working.")
    void rotate(@Option(names = "--name", required = true, paramLabel = "ID") String name) throws IOException {
        withStore((keys, where) -> out().println("New API key for '" + name
                + "' (shown once; the old key stops working): " + keys.rotate(name)));
    }

    @Command(name = "revoke", description = "The service ID's key and certificate stop working.")
    void revoke(@Option(names = "--name", required = true, paramLabel = "ID") String name) throws IOException {
        withStore((keys, where) -> {
            keys.revoke(name);
            out().println("Revoked service ID '" + name + "'");
        });
    }

    @Command(name = "expire", description = "When the service ID stops working.")
    void expire(@Option(names = "--name", required = true, paramLabel = "ID") String name,
                @Option(names = "--at", required = true, paramLabel = "INSTANT|never",
                        description = "e.g. 2027-01-01T00:00:00Z, or never.") String at) throws IOException {
        Instant when = at.equals("never") ? null : instant(at);
        withStore((keys, where) -> {
            keys.expire(name, when);
            out().println("Service ID '" + name + "' " + (when == null ? "does not expire" : "expires at " + at));
        });
    }

    /** A change or a look at the service IDs of the store the options name. */
    private interface StoreAction {
        void run(ServiceIds keys, String where) throws IOException;
    }

    private void withStore(StoreAction action) throws IOException {
        if (store == Store.file) {
            action.run(new ApiKeyFile(keysFile), keysFile.toString());
            return;
        }
        try (KafkaServiceIds kafka = new KafkaServiceIds(storeTopic, kafkaClient(), KAFKA_TIMEOUT_MS).open()) {
            action.run(kafka, kafka.location());
        }
    }

    /** The Kafka client properties of {@code --kafka-config} (a properties file), {@code --bootstrap-servers} over them. */
    private Map<String, Object> kafkaClient() throws IOException {
        Map<String, Object> client = new HashMap<>();
        if (kafkaConfig != null) {
            Properties properties = new Properties();
            try (InputStream in = Files.newInputStream(kafkaConfig)) {
                properties.load(in);
            }
            properties.stringPropertyNames().forEach(name -> client.put(name, properties.getProperty(name).trim()));
        }
        if (bootstrapServers != null) {
            client.put("bootstrap.servers", bootstrapServers);
        }
        if (!client.containsKey("bootstrap.servers")) {
            throw CommandLines.wrongArgument(spec, "--bootstrap-servers is required with --store kafka"
                    + (kafkaConfig == null ? "" : " (or bootstrap.servers in " + kafkaConfig + ")"));
        }
        return client;
    }

    private Instant in(String expiresIn) {
        if (expiresIn == null) {
            return null;
        }
        if (!expiresIn.matches("\\d+[dh]")) {
            throw CommandLines.wrongArgument(spec, "--expires-in is a number of days (30d) or hours (12h), not '"
                    + expiresIn + "'");
        }
        long amount = Long.parseLong(expiresIn.substring(0, expiresIn.length() - 1));
        return Instant.now().plus(expiresIn.endsWith("d") ? Duration.ofDays(amount) : Duration.ofHours(amount));
    }

    private Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.DateTimeException e) {
            throw CommandLines.wrongArgument(spec, "'" + value + "' is not an instant such as"
                    + " 2027-01-01T00:00:00Z");
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /**
     * The defaults of the store's options are those of the gateway's settings they stand for, so that the tool acts
     * on what an unconfigured gateway uses.
     */
    static final class SettingDefaults implements CommandLine.IDefaultValueProvider {

        private static final Map<String, Setting> SETTINGS = Map.of(
                "--store", AuthSettings.STORE,
                "--keys-file", AuthSettings.KEYS_FILE,
                "--store-topic", AuthSettings.STORE_TOPIC);

        @Override
        public String defaultValue(ArgSpec argument) {
            Setting setting = argument instanceof OptionSpec option ? SETTINGS.get(option.longestName()) : null;
            return setting == null ? null : setting.defaultValue();
        }
    }
}

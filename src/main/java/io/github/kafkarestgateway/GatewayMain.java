package io.github.kafkarestgateway;

import java.nio.file.Path;
import java.util.Map;

import io.github.kafkarestgateway.kafka.EmbeddedKafka;
import io.github.kafkarestgateway.kafka.KafkaSettings;
import io.github.kafkarestgateway.schema.ApicurioRegistry;
import io.github.kafkarestgateway.schema.JavaRuntimes;
import io.github.kafkarestgateway.schema.SchemaSettings;
import io.github.kafkarestgateway.settings.Settings;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway: the routes and properties of {@code routes/} on Camel Main. When no Kafka cluster is configured,
 * it first starts the embedded single-node broker (the zero-setup run), and with
 * {@code gateway.schema-registry.embedded=true} and no registry URL an Apicurio Registry beside it; Camel JBang runs the
 * same routes against a cluster it is given.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /** The Camel Main arguments are passed on ({@code bin/gateway run} gives none; the benchmark scripts do). */
    public static void main(String[] args) {
        // the embedded broker's threads must not keep a stopped or failed gateway alive
        System.exit(run(routesDir(), args));
    }

    /** Where the routes and {@code application.properties} are: {@code -Dgateway.routes-dir}, else {@code routes}. */
    public static Path routesDir() {
        return Path.of(System.getProperty("gateway.routes-dir", "routes"));
    }

    /**
     * Runs the gateway until it is stopped (Ctrl-C, SIGTERM) or fails to start; its exit status. The caller ends the
     * JVM with it: the embedded broker's threads would keep it alive.
     */
    public static int run(Path routesDir, String... args) {
        // the first line of the console; the banner follows when the gateway is ready (GatewayConfiguration)
        System.out.println("Kafka REST gateway is starting: the routes and settings of " + routesDir + "/");
        Main main = new Main();
        configure(main, routesDir.toString());
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            LoggerFactory.getLogger(GatewayMain.class).error("The gateway failed to start", e);
            exitCode = 1;
        }
        // the access log is written asynchronously: let it drain before the JVM ends
        org.apache.logging.log4j.LogManager.shutdown();
        return exitCode;
    }

    /** Where the routes and properties come from; kept out of application.properties, which JBang shares. */
    public static void configure(Main main, String routesDir) {
        main.setPropertyPlaceholderLocations("file:" + routesDir + "/application.properties");
        main.configure().withRoutesIncludePattern("file:" + routesDir + "/*.camel.yaml");
        main.addMainListener(new EmbeddedBrokerWhenNoCluster());
        main.addMainListener(new EmbeddedRegistryWhenAsked());
    }

    /** Starts the embedded broker before the gateway is configured, when {@code kafka.bootstrap.servers} is empty. */
    static final class EmbeddedBrokerWhenNoCluster extends MainListenerSupport {

        @Override
        public void beforeConfigure(BaseMainSupport main) {
            PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
            Settings settings = new Settings(properties);
            if (!settings.nonBlank(KafkaSettings.BOOTSTRAP_SERVERS).isEmpty()) {
                return;
            }
            // read first: a value that does not parse fails as itself, not as a broker that did not start
            Path dataDir = Path.of(settings.nonBlank(KafkaSettings.EMBEDDED_DATA_DIR));
            int port = settings.integer(KafkaSettings.EMBEDDED_PORT);
            int controllerPort = settings.integer(KafkaSettings.EMBEDDED_CONTROLLER_PORT);
            boolean autoCreateTopics = settings.bool(KafkaSettings.EMBEDDED_AUTO_CREATE_TOPICS);
            try {
                EmbeddedKafka broker = new EmbeddedKafka(dataDir, "localhost", port, controllerPort,
                        Map.of("auto.create.topics.enable", String.valueOf(autoCreateTopics))).start();
                // a context service: stopped after the routes, so the producer flushes into a running broker
                main.getCamelContext().addService(GatewayConfiguration.closing(broker::close), true, true);
                properties.addOverrideProperty(KafkaSettings.BOOTSTRAP_SERVERS.key(), broker.bootstrapServers());
                properties.addOverrideProperty(GatewayConfiguration.KAFKA_DESCRIPTION, broker.bootstrapServers()
                        + " (embedded broker, data in " + broker.dataDir() + ")");
            } catch (Exception e) {
                throw new IllegalStateException("The embedded Kafka broker did not start", e);
            }
        }
    }

    /**
     * Starts the embedded Apicurio Registry before the gateway is configured, when
     * {@code gateway.schema-registry.embedded} is on and {@code gateway.schema-registry.url} is empty.
     */
    static final class EmbeddedRegistryWhenAsked extends MainListenerSupport {

        @Override
        public void beforeConfigure(BaseMainSupport main) {
            PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
            Settings settings = new Settings(properties);
            if (!settings.bool(SchemaSettings.EMBEDDED) || !settings.string(SchemaSettings.REGISTRY_URL).isEmpty()) {
                return;
            }
            Path dir = Path.of(settings.nonBlank(SchemaSettings.EMBEDDED_DIR));
            int port = settings.integer(SchemaSettings.EMBEDDED_PORT);
            JavaRuntimes.JavaRuntime java = new JavaRuntimes().find(ApicurioRegistry.JAVA_VERSION,
                    settings.string(SchemaSettings.JAVA_HOME));
            ApicurioRegistry registry = new ApicurioRegistry(dir, java.java(), port,
                    dir.resolveSibling(dir.getFileName() + ".log"));
            try {
                registry.start();
                main.getCamelContext().addService(GatewayConfiguration.closing(registry::close), true, true);
            } catch (Exception e) {
                registry.close();
                throw new IllegalStateException("The embedded schema registry did not start (Java " + java.version()
                        + " at " + java.home() + ")", e);
            }
            properties.addOverrideProperty(SchemaSettings.REGISTRY_URL.key(), registry.url());
            properties.addOverrideProperty(GatewayConfiguration.SCHEMA_REGISTRY_DESCRIPTION, registry.url()
                    + " (embedded Apicurio Registry, in memory, Java " + java.version() + "; its own API: "
                    + registry.apiUrl() + ", docs " + registry.baseUrl() + "/apis)");
        }
    }
}

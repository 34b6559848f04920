package io.github.kafkarestgateway;

import java.nio.file.Path;
import java.util.Map;

import io.github.kafkarestgateway.kafka.EmbeddedKafka;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.LoggerFactory;

/**
 * Runs the gateway: the routes and properties of {@code routes/} on Camel Main. When no Kafka cluster is configured,
 * it first starts the embedded single-node broker (the zero-setup run); Camel JBang runs the same routes against a
 * cluster it is given.
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    public static void main(String[] args) {
        Main main = new Main();
        configure(main, System.getProperty("gateway.routes-dir", "routes"));
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            LoggerFactory.getLogger(GatewayMain.class).error("The gateway failed to start", e);
            exitCode = 1;
        }
        // the access log is written asynchronously: let it drain before the JVM ends
        org.apache.logging.log4j.LogManager.shutdown();
        // the embedded broker's threads must not keep a stopped or failed gateway alive
        System.exit(exitCode);
    }

    /** Where the routes and properties come from; kept out of application.properties, which JBang shares. */
    public static void configure(Main main, String routesDir) {
        main.setPropertyPlaceholderLocations("file:" + routesDir + "/application.properties");
        main.configure().withRoutesIncludePattern("file:" + routesDir + "/*.camel.yaml");
        main.addMainListener(new EmbeddedBrokerWhenNoCluster());
    }

    /** Starts the embedded broker before the gateway is configured, when {@code kafka.bootstrap.servers} is empty. */
    static final class EmbeddedBrokerWhenNoCluster extends MainListenerSupport {

        @Override
        public void beforeConfigure(BaseMainSupport main) {
            PropertiesComponent properties = main.getCamelContext().getPropertiesComponent();
            if (properties.resolveProperty("kafka.bootstrap.servers").filter(v -> !v.isBlank()).isPresent()) {
                return;
            }
            try {
                EmbeddedKafka broker = new EmbeddedKafka(
                        Path.of(property(properties, "gateway.embedded-kafka.data-dir", "data/kafka")), "localhost",
                        Integer.parseInt(property(properties, "gateway.embedded-kafka.port", "9092")),
                        Integer.parseInt(property(properties, "gateway.embedded-kafka.controller-port", "9093")),
                        Map.of("auto.create.topics.enable",
                                property(properties, "gateway.embedded-kafka.auto-create-topics", "true"))).start();
                // a context service: stopped after the routes, so the producer flushes into a running broker
                main.getCamelContext().addService(new ServiceSupport() {
                    @Override
                    protected void doStop() {
                        broker.close();
                    }
                }, true, true);
                properties.addOverrideProperty("kafka.bootstrap.servers", broker.bootstrapServers());
                properties.addOverrideProperty(GatewayConfiguration.KAFKA_DESCRIPTION, broker.bootstrapServers()
                        + " (embedded broker, data in " + broker.dataDir() + ")");
            } catch (Exception e) {
                throw new IllegalStateException("The embedded Kafka broker did not start", e);
            }
        }

        private static String property(PropertiesComponent properties, String name, String fallback) {
            return properties.resolveProperty(name).filter(v -> !v.isBlank()).orElse(fallback).trim();
        }
    }
}

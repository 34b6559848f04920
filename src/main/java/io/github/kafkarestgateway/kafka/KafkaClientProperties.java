package io.github.kafkarestgateway.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.spi.PropertiesComponent;

/**
 * The Kafka client properties of the gateway's producers and admin client, given as {@code kafka.<client property>}
 * (e.g. {@code kafka.security.protocol}); {@code kafka.bootstrap.servers} may also come from the environment.
 */
public final class KafkaClientProperties {

    /** The prefix of a Kafka client property in application.properties. */
    public static final String PREFIX = "kafka.";

    private KafkaClientProperties() {
    }

    /** Every {@code kafka.*} property that has a value, prefix removed, values trimmed. */
    public static Map<String, Object> from(PropertiesComponent properties) {
        Map<String, Object> client = new HashMap<>();
        Properties all = properties.loadProperties(name -> name.startsWith(PREFIX));
        for (String name : all.stringPropertyNames()) {
            String value = properties.resolveProperty(name).orElse(all.getProperty(name));
            if (value != null && !value.isBlank()) {
                client.put(name.substring(PREFIX.length()), value.trim());
            }
        }
        properties.resolveProperty(PREFIX + "bootstrap.servers")
                .filter(value -> !value.isBlank())
                .ifPresent(value -> client.put("bootstrap.servers", value.trim()));
        return client;
    }
}

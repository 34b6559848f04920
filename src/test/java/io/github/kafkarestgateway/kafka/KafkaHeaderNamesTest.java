package io.github.kafkarestgateway.kafka;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.component.kafka.KafkaConstants;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camel renamed the Kafka header names ({@code kafka.KEY} became {@code CamelKafkaKey}) in 4.18.3/4.21. The routes
 * spell them out, so they must be the names of the camel-kafka on the classpath, or keys and topics are lost silently.
 */
class KafkaHeaderNamesTest {

    private static final Pattern KAFKA_HEADER = Pattern.compile("name:\\s*\"?((?:kafka\\.|CamelKafka)[A-Za-z_.]+)");

    @Test
    void everyKafkaHeaderTheRoutesSetIsAHeaderNameOfThePinnedCamelKafka() throws Exception {
        Set<String> known = kafkaConstants();
        List<String> used = kafkaHeadersInRoutes();

        assertFalse(used.isEmpty(), "the routes set the record key and topic through Kafka headers");
        for (String name : used) {
            assertTrue(known.contains(name), name + " is not a header of this camel-kafka; it knows " + known);
        }
    }

    @Test
    void theRoutesSetTheKeyAndTopicHeadersOfThePinnedCamelKafka() throws Exception {
        List<String> used = kafkaHeadersInRoutes();

        assertTrue(used.contains(KafkaConstants.KEY), used.toString());
        assertTrue(used.contains(KafkaConstants.OVERRIDE_TOPIC), used.toString());
    }

    private static List<String> kafkaHeadersInRoutes() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher matcher = KAFKA_HEADER.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        return names;
    }

    private static Set<String> kafkaConstants() throws IllegalAccessException {
        Set<String> values = new HashSet<>();
        for (Field field : KafkaConstants.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                values.add((String) field.get(null));
            }
        }
        return values;
    }
}

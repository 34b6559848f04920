package io.github.kafkarestgateway;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.kafkarestgateway.admission.AdmissionSettings;
import io.github.kafkarestgateway.auth.AuthSettings;
import io.github.kafkarestgateway.console.ConsoleSettings;
import io.github.kafkarestgateway.deadletter.DeadLetterSettings;
import io.github.kafkarestgateway.http.HttpSettings;
import io.github.kafkarestgateway.idempotency.IdempotencySettings;
import io.github.kafkarestgateway.kafka.KafkaSettings;
import io.github.kafkarestgateway.ops.OpsSettings;
import io.github.kafkarestgateway.produce.ProduceSettings;
import io.github.kafkarestgateway.schema.SchemaSettings;
import io.github.kafkarestgateway.settings.Setting;
import io.github.kafkarestgateway.tracing.TracingSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The settings classes ({@link GatewaySettings#ALL}) are the one source of every setting's key and default. This fails,
 * naming the key and what to fix, when {@code routes/application.properties} or the README's configuration table
 * disagrees with them: a key missing, a default that differs, a key no setting defines, a key written twice, a secret
 * not marked so; and when a placeholder in {@code routes/*.camel.yaml} names no setting (or writes a default of its
 * own). Plain file parsing: no broker, no Camel context.
 */
class SettingsTableTest {

    private static final Path PROPERTIES = Path.of("routes/application.properties");
    private static final Path README = Path.of("README.md");
    private static final Path ROUTES = Path.of("routes");
    private static final String SECTION = "## Configuration";
    private static final String HEADER = "| property | meaning | default | secret? |";
    /** The README row of the Kafka client properties: a pattern, not a setting. */
    private static final String CLIENT_PROPERTY_ROW = "kafka.<client property>";
    /** Kafka client properties may be set in application.properties as {@code kafka.<client property>}. */
    private static final String CLIENT_PROPERTY_PREFIX = "kafka.";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(\\??)([^}]*)}}");
    private static final Pattern ONE_KEY = Pattern.compile("`([^`\\s,]+)`");
    private static final List<Class<?>> SETTINGS_CLASSES = List.of(HttpSettings.class, AuthSettings.class,
            AdmissionSettings.class, ProduceSettings.class, SchemaSettings.class, IdempotencySettings.class,
            DeadLetterSettings.class, KafkaSettings.class, OpsSettings.class, TracingSettings.class, ConsoleSettings.class,
            MainSettings.class);

    @Test
    void applicationPropertiesTheReadmeTableAndTheRoutesAgreeWithTheSettingsClasses() throws IOException {
        Map<String, List<String>> routes = new TreeMap<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                routes.put(file.toString(), Files.readAllLines(file));
            }
        }
        assertTrue(routes.size() >= 5, "the route files were not found in " + ROUTES.toAbsolutePath());
        List<String> problems = check(GatewaySettings.ALL, Files.readAllLines(PROPERTIES),
                Files.readAllLines(README), routes);
        assertEquals(List.of(), problems, "The settings classes (listed by GatewaySettings.ALL) define each key and"
                + " default once; " + PROPERTIES + " and the table of README.md '" + SECTION + "' must agree with them:\n"
                + String.join("\n", problems));
    }

    @Test
    void theSettingsClassesAreAllListedOnceByGatewaySettings() {
        List<Setting> declared = new ArrayList<>();
        for (Class<?> type : SETTINGS_CLASSES) {
            List<Setting> constants = constants(type);
            assertEquals(constants, listed(type), type.getSimpleName()
                    + ".ALL must list every Setting constant of the class, in the order they are declared");
            declared.addAll(constants);
        }
        assertEquals(declared, GatewaySettings.ALL,
                "GatewaySettings.ALL must be the settings classes' ALL lists concatenated, in the README's order");
    }

    /** Only the keys of these prefixes are settings of the gateway or of Camel that it sets. */
    @Test
    void everySettingHasAKnownPrefixAKebabCaseKeyAndADescription() {
        Set<String> prefixes = Set.of("gateway.", "kafka.bootstrap.servers", "camel.main.", "camel.component.kafka.");
        for (Setting setting : GatewaySettings.ALL) {
            assertTrue(prefixes.stream().anyMatch(setting.key()::startsWith), setting.key() + " has an unknown prefix");
            assertTrue(!setting.description().isBlank(), setting.key() + " has no description");
            assertTrue(setting.key().equals(setting.key().toLowerCase(Locale.ROOT)),
                    setting.key() + ": keys are written in lower case with dashes (kebab-case), as Camel Main binds them");
        }
    }

    @Test
    void everyKindOfDisagreementIsReportedWithTheKeyAndWhatToFix() {
        List<Setting> settings = List.of(HttpSettings.PORT, HttpSettings.MANAGEMENT_PORT,
                HttpSettings.TLS_KEYSTORE_PASSWORD, HttpSettings.HOST, ProduceSettings.MAPPING_KEY_HEADER);
        List<String> properties = List.of(
                "# a comment = not a key",
                "gateway.http.port = 9444",
                "gateway.management.port =",
                "gateway.tls.keystore-password =",
                "gateway.mapping.key-header = X-Kafka-Key",
                "gateway.mapping.key-header = X-Kafka-Key",
                "gateway.http.no-such-key = 1",
                "kafka.security.protocol = SASL_SSL");
        List<String> readme = List.of(
                "# Title",
                SECTION,
                "",
                HEADER,
                "|---|---|---|---|",
                "| `gateway.http.port` | HTTPS port | `9443` | |",
                "| `gateway.management.port` | its port | `9444` | |",
                "| `gateway.tls.keystore-password` | its password | empty | |",
                "| `gateway.http.host` | address | `0.0.0.0` | |",
                "| `gateway.http.host` | address | `0.0.0.0` | |",
                "| `gateway.mapping.key-header`, `gateway.mapping.header-prefix` | two keys | empty | |",
                "| `gateway.tls.no-such-key` | unknown | empty | |",
                "| `" + CLIENT_PROPERTY_ROW + "` | any Kafka client property | | some |",
                "",
                "## Tests");
        Map<String, List<String>> routes = Map.of("routes/a.camel.yaml", List.of(
                "uri: platform-http:/x?port={{gateway.http.port}}&a={{?gateway.http.host}}",
                "b: \"{{gateway.http.unknown}}\"",
                "c: \"{{gateway.http.port:8080}}\""));

        List<String> problems = check(settings, properties, readme, routes);

        List<String> expected = List.of(
                // application.properties
                "9444",                              // default differs
                "gateway.http.host",                 // missing
                "gateway.mapping.key-header",        // twice
                "gateway.http.no-such-key",          // no setting
                // README
                "gateway.management.port",           // default differs
                "gateway.tls.keystore-password",     // secret not marked
                "gateway.mapping.key-header",        // missing (its row holds two keys)
                "gateway.http.host",                 // twice
                "one key per row",                   // two keys in a row
                "gateway.tls.no-such-key",           // no setting
                // routes
                "gateway.http.unknown",
                "gateway.http.port:8080");
        assertEquals(expected.size(), problems.size(), String.join("\n", problems));
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(problems.get(i).contains(expected.get(i)), expected.get(i) + " in: " + problems.get(i));
        }
        assertTrue(problems.get(0).contains("9443") && problems.get(0).contains("HttpSettings.PORT"), problems.get(0));
        assertTrue(problems.stream().noneMatch(p -> p.contains("kafka.security.protocol")),
                "a kafka.<client property> in application.properties is a client property, not an unknown key");
        assertEquals(List.of("README.md: no table '" + HEADER + "' in the section '" + SECTION + "'"),
                check(List.of(), List.of(), List.of(SECTION, "no table"), Map.of()));
    }

    /** Every disagreement, one line each, saying where it is and what to change. */
    static List<String> check(List<Setting> settings, List<String> properties, List<String> readme,
            Map<String, List<String>> routes) {
        List<String> problems = new ArrayList<>();
        Map<String, Setting> byKey = new LinkedHashMap<>();
        for (Setting setting : settings) {
            if (byKey.put(setting.key(), setting) != null) {
                problems.add("settings classes: " + setting.key() + " is defined twice; remove one of the definitions");
            }
            if (setting.description().isBlank()) {
                problems.add("settings classes: " + name(setting) + " has no description; give it the README's meaning");
            }
        }
        checkProperties(byKey, properties, problems);
        checkReadme(byKey, readme, problems);
        checkRoutes(byKey, routes, problems);
        return problems;
    }

    private static void checkProperties(Map<String, Setting> settings, List<String> lines, List<String> problems) {
        String where = PROPERTIES + ": ";
        Map<String, String> values = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (String line : logicalLines(lines)) {
            Properties one = new Properties();
            try {
                one.load(new StringReader(line));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (String key : one.stringPropertyNames()) {
                if (values.put(key, one.getProperty(key)) != null) {
                    duplicates.add(key);
                }
            }
        }
        for (Setting setting : settings.values()) {
            String value = values.get(setting.key());
            if (value == null) {
                problems.add(where + setting.key() + " is missing; add '" + setting.key() + " = "
                        + setting.defaultValue() + "' (the default of " + name(setting) + "), with a comment, to its"
                        + " section");
            } else if (!value.equals(setting.defaultValue())) {
                problems.add(where + "the default of " + setting.key() + " is '" + value + "' but " + name(setting)
                        + " says '" + setting.defaultValue() + "'; write the same value in both (the settings class is"
                        + " the source)");
            }
        }
        for (String key : duplicates) {
            problems.add(where + key + " is set twice; keep one line");
        }
        values.keySet().stream().sorted()
                .filter(key -> !settings.containsKey(key) && !key.startsWith(CLIENT_PROPERTY_PREFIX))
                .forEach(key -> problems.add(where + key + " is defined by no setting; add a Setting for it to the"
                        + " settings class of its package and to GatewaySettings.ALL, or remove the line (Camel keys"
                        + " are written with dashes, e.g. camel.main.shutdown-timeout)"));
    }

    /** The lines of a properties file without comments and blank lines, continuation lines joined. */
    private static List<String> logicalLines(List<String> lines) {
        List<String> logical = new ArrayList<>();
        StringBuilder current = null;
        for (String line : lines) {
            String stripped = line.strip();
            if (current == null && (stripped.isEmpty() || stripped.startsWith("#") || stripped.startsWith("!"))) {
                continue;
            }
            String part = current == null ? stripped : line.stripLeading();
            boolean continues = endsWithOddBackslashes(part);
            if (current == null) {
                current = new StringBuilder();
            }
            current.append(part, 0, continues ? part.length() - 1 : part.length());
            if (!continues) {
                logical.add(current.toString());
                current = null;
            }
        }
        if (current != null) {
            logical.add(current.toString());
        }
        return logical;
    }

    private static boolean endsWithOddBackslashes(String text) {
        int count = 0;
        for (int i = text.length() - 1; i >= 0 && text.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }

    private static void checkReadme(Map<String, Setting> settings, List<String> lines, List<String> problems) {
        String where = "README.md (" + SECTION + "): ";
        List<String[]> rows = tableRows(lines);
        if (rows == null) {
            problems.add("README.md: no table '" + HEADER + "' in the section '" + SECTION + "'");
            return;
        }
        Map<String, String[]> byKey = new LinkedHashMap<>();
        List<String> duplicates = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        List<String> malformed = new ArrayList<>();
        for (String[] cells : rows) {
            if (cells.length != 4) {
                malformed.add(where + "the row '" + String.join("|", cells) + "' has " + cells.length
                        + " columns instead of 4 (property, meaning, default, secret?)");
                continue;
            }
            if (cells[0].equals("`" + CLIENT_PROPERTY_ROW + "`")) {
                continue;
            }
            Matcher key = ONE_KEY.matcher(cells[0]);
            if (!key.matches()) {
                malformed.add(where + "the row of " + cells[0] + " must name one key per row, as `key`; give each key"
                        + " a row of its own");
                continue;
            }
            String name = key.group(1);
            if (byKey.containsKey(name)) {
                duplicates.add(name);
            } else {
                byKey.put(name, cells);
            }
            if (!settings.containsKey(name)) {
                unknown.add(name);
            }
        }
        for (Setting setting : settings.values()) {
            String[] cells = byKey.get(setting.key());
            if (cells == null) {
                problems.add(where + setting.key() + " has no row; add '| `" + setting.key() + "` | "
                        + setting.description() + " | " + readmeDefault(setting.defaultValue()) + " | |' where "
                        + name(setting) + " stands in GatewaySettings.ALL");
                continue;
            }
            String shown = cells[2];
            boolean agrees = setting.defaultValue().isEmpty() ? shown.startsWith("empty")
                    : shown.equals("`" + setting.defaultValue() + "`");
            if (!agrees) {
                problems.add(where + "the default of " + setting.key() + " is written " + (shown.isEmpty() ? "as nothing"
                        : shown) + " but " + name(setting) + " says '" + setting.defaultValue() + "'; write "
                        + readmeDefault(setting.defaultValue()) + " (the settings class is the source)");
            }
            boolean markedSecret = cells[3].startsWith("yes");
            if (setting.secret() != markedSecret) {
                problems.add(where + setting.key() + (setting.secret()
                        ? " is a secret (" + name(setting) + "): its secret? column must say yes"
                        : " is not a secret in " + name(setting) + " but its secret? column says yes; make one of"
                                + " them right"));
            }
        }
        for (String key : duplicates) {
            problems.add(where + key + " has two rows; keep one");
        }
        problems.addAll(malformed);
        for (String key : unknown) {
            problems.add(where + key + " is defined by no setting; add a Setting for it to the settings class of its"
                    + " package and to GatewaySettings.ALL, or remove the row");
        }
    }

    private static String readmeDefault(String value) {
        return value.isEmpty() ? "empty" : "`" + value + "`";
    }

    /** The cells of the configuration table's rows, or null when the section has no such table. */
    private static List<String[]> tableRows(List<String> lines) {
        int i = lines.indexOf(SECTION);
        if (i < 0) {
            return null;
        }
        while (i < lines.size() && !lines.get(i).trim().equals(HEADER)) {
            if (i > lines.indexOf(SECTION) && lines.get(i).startsWith("## ")) {
                return null;
            }
            i++;
        }
        if (i == lines.size()) {
            return null;
        }
        List<String[]> rows = new ArrayList<>();
        for (i += 2; i < lines.size() && lines.get(i).trim().startsWith("|"); i++) {
            String row = lines.get(i).trim();
            String[] cells = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length()).split("\\|", -1);
            for (int c = 0; c < cells.length; c++) {
                cells[c] = cells[c].trim();
            }
            rows.add(cells);
        }
        return rows;
    }

    private static void checkRoutes(Map<String, Setting> settings, Map<String, List<String>> routes,
            List<String> problems) {
        for (Map.Entry<String, List<String>> file : new TreeMap<>(routes).entrySet()) {
            List<String> lines = file.getValue();
            for (int n = 0; n < lines.size(); n++) {
                Matcher placeholder = PLACEHOLDER.matcher(lines.get(n));
                while (placeholder.find()) {
                    String where = file.getKey() + ":" + (n + 1) + ": ";
                    String key = placeholder.group(2).trim();
                    if (key.contains(":")) {
                        problems.add(where + "{{" + placeholder.group(1) + key + "}} writes a default (or a function)"
                                + " in the route; write {{" + key.substring(0, key.indexOf(':')) + "}} and keep the"
                                + " default in its settings class");
                    } else if (!settings.containsKey(key)) {
                        problems.add(where + "{{" + placeholder.group(1) + key + "}} names no setting; add a Setting"
                                + " for " + key + " to the settings class of its package, to GatewaySettings.ALL,"
                                + " application.properties and README, or fix the key");
                    }
                }
            }
        }
    }

    /** {@code HttpSettings.PORT} for the setting of gateway.http.port: where to change it. */
    private static String name(Setting setting) {
        for (Class<?> type : SETTINGS_CLASSES) {
            for (Field field : type.getFields()) {
                if (isSettingConstant(field) && value(field) == setting) {
                    return type.getSimpleName() + "." + field.getName();
                }
            }
        }
        return "its settings class";
    }

    private static List<Setting> constants(Class<?> type) {
        List<Setting> constants = new ArrayList<>();
        for (Field field : type.getDeclaredFields()) {
            if (isSettingConstant(field)) {
                constants.add((Setting) value(field));
            }
        }
        return constants;
    }

    private static List<?> listed(Class<?> type) {
        try {
            return (List<?>) type.getField("ALL").get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getSimpleName() + " has no public static List<Setting> ALL", e);
        }
    }

    private static boolean isSettingConstant(Field field) {
        int modifiers = field.getModifiers();
        return field.getType() == Setting.class && Modifier.isStatic(modifiers) && Modifier.isPublic(modifiers)
                && Modifier.isFinal(modifiers);
    }

    private static Object value(Field field) {
        try {
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}

package io.github.kafkarestgateway;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.TestGateway;
import org.apache.camel.Processor;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The beans the routes refer to are the ones routes/README.md lists, with the class it names, bound in the running
 * gateway; each is a top-level class (no nested or anonymous bean), and the id of every step that calls one says
 * the bean's name.
 */
class RouteBeansTest {

    private static final Path ROUTES = Path.of("routes");
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| `([\\w.]+)` \\| ([^|]+) \\|");

    /** Bean name → class name (below io.github.kafkarestgateway), from routes/README.md. */
    private static Map<String, String> table() throws IOException {
        Map<String, String> beans = new TreeMap<>();
        for (String line : Files.readAllLines(ROUTES.resolve("README.md"))) {
            Matcher row = ROW.matcher(line);
            if (row.find()) {
                assertTrue(beans.put(row.group(1), row.group(2)) == null, "listed twice: " + row.group(1));
            }
        }
        return beans;
    }

    /** Step id, bean name and file of every step with a {@code ref:} in the route files. */
    private static List<String[]> steps() throws IOException {
        List<String[]> steps = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().toList()) {
                collect(new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file)),
                        file.getFileName().toString(), steps);
            }
        }
        return steps;
    }

    private static void collect(Object node, String file, List<String[]> steps) {
        if (node instanceof Map<?, ?> map) {
            if (map.get("ref") instanceof String ref) {
                steps.add(new String[] {String.valueOf(map.get("id")), ref, file});
            }
            map.values().forEach(value -> collect(value, file, steps));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collect(value, file, steps));
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    @Test
    void theTableListsExactlyTheBeansTheRoutesReferTo() throws IOException {
        TreeSet<String> referred = new TreeSet<>();
        steps().forEach(step -> referred.add(step[1]));
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher ref = Pattern.compile("\\bref: (\\w+)").matcher(Files.readString(file));
                while (ref.find()) {
                    assertTrue(referred.contains(ref.group(1)), "a ref: without a step id in " + file + ": "
                            + ref.group(1));
                }
            }
        }
        assertEquals(referred, new TreeSet<>(table().keySet()), "routes/README.md's bean table against the routes");
    }

    @Test
    void everyStepIdSaysTheNameOfItsBean() throws IOException {
        List<String> unlike = new ArrayList<>();
        for (String[] step : steps()) {
            if (!step[0].contains(kebab(step[1]))) {
                unlike.add(step[2] + ": step " + step[0] + " calls " + step[1]);
            }
        }
        assertEquals(List.of(), unlike, "a step's id holds its bean's name in kebab case");
    }

    @Test
    void theRunningGatewayBindsEachBeanAsTheTableSaysATopLevelProcessor() throws Exception {
        TestGateway gateway = TestGateway.shared();
        for (Map.Entry<String, String> bean : table().entrySet()) {
            Object bound = gateway.context().getRegistry().lookupByName(bean.getKey());
            assertTrue(bound != null, "not bound: " + bean.getKey());
            Class<?> type = bound.getClass();
            assertEquals("io.github.kafkarestgateway." + bean.getValue(), type.getName(), bean.getKey());
            assertTrue(type.getEnclosingClass() == null && !type.isAnonymousClass() && !type.isSynthetic()
                    && Modifier.isPublic(type.getModifiers()), bean.getKey() + " is a public top-level class");
            assertTrue(bound instanceof Processor, bean.getKey() + " is a processor");
        }
    }

    @Test
    void everyVariableTheRoutesNameIsDefinedInGatewayNames() throws Exception {
        Set<String> defined = new TreeSet<>();
        for (Field field : GatewayNames.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                defined.add((String) field.get(null));
            }
        }
        Set<String> used = new TreeSet<>();
        Set<String> undefined = new TreeSet<>();
        Pattern variable = Pattern.compile("\\$\\{variable\\.(\\w+)}|setVariable:\\n(?:\\s+\\w+: .*\\n)*?\\s+name: (\\w+)");
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".camel.yaml")).toList()) {
                Matcher found = variable.matcher(Files.readString(file));
                while (found.find()) {
                    String name = found.group(1) != null ? found.group(1) : found.group(2);
                    used.add(name);
                    if (!defined.contains(name)) {
                        undefined.add(file.getFileName() + ": " + name);
                    }
                }
            }
        }
        assertEquals(Set.of(), undefined, "variables the routes use that GatewayNames does not define");
        assertTrue(used.containsAll(List.of("api", "idempotentReplay", "deadLetter", "serverFailure")),
                "the test finds the variables the routes use: " + used);
    }
}

package io.github.kafkarestgateway;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/guarantees.md maps what README states to the tests that prove it. This fails when a row of its tables names a
 * test class or method that does not exist in src/test/java (a renamed or deleted test), or names no test at all.
 * What no test proves belongs in its section "Not proven yet", as a list, never as a table row.
 */
class GuaranteesTableTest {

    private static final Path TABLE = Path.of("docs/guarantees.md");
    private static final Path TESTS = Path.of("src/test/java");
    private static final String NOT_PROVEN = "## Not proven yet";
    private static final Pattern REFERENCE = Pattern.compile("([A-Z][A-Za-z0-9_]*)#([a-zA-Z_][A-Za-z0-9_]*)");
    private static final Set<String> TEST_ANNOTATIONS = Set.of("org.junit.jupiter.api.Test",
            "org.junit.jupiter.params.ParameterizedTest", "org.junit.jupiter.api.RepeatedTest",
            "org.junit.jupiter.api.TestFactory", "org.junit.jupiter.api.TestTemplate");

    @Test
    void everyRowNamesTestsThatExist() throws IOException {
        List<String> lines = Files.readAllLines(TABLE);
        List<String> problems = check(lines);
        assertEquals(List.of(), problems, "docs/guarantees.md:\n" + String.join("\n", problems));
        assertTrue(rows(lines).size() >= 50, "the table lost its rows: " + rows(lines).size());
    }

    @Test
    void aRowNamingAMissingClassOrMethodOrNoTestIsReported() {
        List<String> problems = check(List.of(
                "| guarantee | proven by |",
                "|---|---|",
                "| proven | GuaranteesTableTest#everyRowNamesTestsThatExist |",
                "| no such method | GuaranteesTableTest#noSuchMethod |",
                "| no such class | NoSuchTest#method |",
                "| not a test method | GuaranteesTableTest#check |",
                "| nothing | |",
                "| prose only | a test will come |",
                "| mixed | GuaranteesTableTest#everyRowNamesTestsThatExist, and more |",
                NOT_PROVEN,
                "| a row | GuaranteesTableTest#everyRowNamesTestsThatExist |"));
        assertEquals(7, problems.size(), String.join("\n", problems));
        assertTrue(problems.get(0).contains("noSuchMethod"), problems.get(0));
        assertTrue(problems.get(1).contains("NoSuchTest"), problems.get(1));
        assertTrue(problems.get(2).contains("GuaranteesTableTest#check"), problems.get(2));
        assertTrue(problems.get(3).contains("names no test"), problems.get(3));
        assertTrue(problems.get(4).contains("names no test"), problems.get(4));
        assertTrue(problems.get(5).contains("and more"), problems.get(5));
        assertTrue(problems.get(6).contains(NOT_PROVEN), problems.get(6));
        assertEquals(List.of("section '" + NOT_PROVEN + "' is missing"), check(List.of("| a | GuaranteesTableTest#everyRowNamesTestsThatExist |")));
    }

    /** The table rows (not header or separator lines) before the section "Not proven yet". */
    private static List<String> rows(List<String> lines) {
        List<String> rows = new ArrayList<>();
        for (String line : lines) {
            if (line.trim().equals(NOT_PROVEN)) {
                break;
            }
            String trimmed = line.trim();
            if (trimmed.startsWith("|") && !trimmed.matches("\\|[-:| ]+\\|") && !isHeader(trimmed)) {
                rows.add(trimmed);
            }
        }
        return rows;
    }

    private static boolean isHeader(String row) {
        return row.replace(" ", "").equalsIgnoreCase("|guarantee|provenby|");
    }

    static List<String> check(List<String> lines) {
        List<String> problems = new ArrayList<>();
        int notProven = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals(NOT_PROVEN)) {
                notProven = i;
            }
        }
        for (String row : rows(lines)) {
            String[] cells = row.substring(1, row.length() - (row.endsWith("|") ? 1 : 0)).split("\\|", -1);
            String provenBy = cells[cells.length - 1].trim();
            if (cells.length < 2 || provenBy.isEmpty() || !REFERENCE.matcher(provenBy).find()) {
                problems.add("row names no test: " + row);
                continue;
            }
            for (String item : provenBy.split(",")) {
                Matcher reference = REFERENCE.matcher(item.trim());
                if (!reference.matches()) {
                    problems.add("not a ClassName#methodName: '" + item.trim() + "' in " + row);
                    continue;
                }
                String missing = missing(reference.group(1), reference.group(2));
                if (missing != null) {
                    problems.add(missing + ": " + row);
                }
            }
        }
        if (notProven < 0) {
            problems.add("section '" + NOT_PROVEN + "' is missing");
        } else {
            for (String line : lines.subList(notProven + 1, lines.size())) {
                if (line.trim().startsWith("|")) {
                    problems.add("a table row under '" + NOT_PROVEN + "' (list it, or prove it in a table above): " + line);
                }
            }
        }
        return problems;
    }

    /** Why ClassName#methodName is no test method of src/test/java, or null when it is one. */
    private static String missing(String className, String methodName) {
        Path source;
        try (Stream<Path> files = Files.walk(TESTS)) {
            source = files.filter(file -> file.getFileName().toString().equals(className + ".java")).findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return "cannot read " + TESTS + ": " + e;
        }
        if (source == null) {
            return "no test class " + className + " in " + TESTS;
        }
        String name = TESTS.relativize(source).toString().replace(java.io.File.separatorChar, '.').replaceAll("\\.java$", "");
        Class<?> type;
        try {
            type = Class.forName(name, false, GuaranteesTableTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "test class " + name + " is not compiled";
        }
        boolean named = false;
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(methodName)) {
                named = true;
                for (Annotation annotation : method.getAnnotations()) {
                    if (TEST_ANNOTATIONS.contains(annotation.annotationType().getName())) {
                        return null;
                    }
                }
            }
        }
        return named ? className + "#" + methodName + " is not a test method" : "no method " + className + "#" + methodName;
    }
}

package io.github.kafkarestgateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package structure of the main code, as README's "How it is built" draws it: one package per capability, each
 * depending only on packages below it, and no cycles. A new package must be given its place in {@link #ORDER}.
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.kafkarestgateway";
    /**
     * From the top down; a package may use the packages of the tiers below its own, never one of its tier or above.
     * The root (the application and its wiring) is above all; the names and settings every package shares, and the
     * command line every tool shares ({@code cli}), are at the bottom.
     */
    static final List<List<String>> ORDER = List.of(
            List.of(""),
            List.of("console", "produce", "schema", "idempotency", "admission"),
            List.of("auth"),
            List.of("http"),
            List.of("ops"),
            List.of("deadletter"),
            List.of("error", "kafka", "tracing"),
            List.of("settings", "cli"),
            List.of("names"));

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    private static String packageOf(String tierName) {
        return tierName.isEmpty() ? ROOT : ROOT + "." + tierName;
    }

    @Test
    void thereAreNoCyclesBetweenPackages() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void everyPackageHasItsPlaceInTheOrder() {
        Set<String> placed = new TreeSet<>();
        ORDER.forEach(tier -> tier.forEach(name -> placed.add(packageOf(name))));
        Set<String> found = new TreeSet<>();
        for (JavaClass type : MAIN) {
            found.add(type.getPackageName());
        }
        found.removeAll(placed);
        assertEquals(Set.of(), found, "packages without a place in ArchitectureTest.ORDER (and README's picture)");
    }

    @Test
    void aPackageUsesOnlyThePackagesBelowIt() {
        for (int tier = 1; tier < ORDER.size(); tier++) {
            List<String> notBelow = new ArrayList<>();
            for (int above = 0; above <= tier; above++) {
                ORDER.get(above).forEach(name -> notBelow.add(packageOf(name)));
            }
            for (String name : ORDER.get(tier)) {
                String own = packageOf(name);
                String[] forbidden = notBelow.stream().filter(p -> !p.equals(own)).toArray(String[]::new);
                noClasses().that().resideInAPackage(own)
                        .should().dependOnClassesThat().resideInAnyPackage(forbidden)
                        .because(own + " may use only the packages below it in ArchitectureTest.ORDER")
                        .allowEmptyShould(true)
                        .check(MAIN);
            }
        }
    }
}

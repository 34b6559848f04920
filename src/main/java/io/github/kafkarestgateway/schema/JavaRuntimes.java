package io.github.kafkarestgateway.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds a Java runtime of at least a given feature version, for a child process that needs a newer Java than the
 * gateway's own (the embedded Apicurio Registry needs 21). The home named by the setting when there is one, which must
 * be new enough; else {@code JAVA_HOME}, then the running JVM, then the JDKs under {@code /usr/lib/jvm}, newest first.
 * A home's version is the {@code JAVA_VERSION} of its {@code release} file.
 */
public final class JavaRuntimes {

    /** Where Debian, Ubuntu and the Temurin packages install JDKs. */
    public static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    private final String javaHomeVariable;
    private final Path runningHome;
    private final Path jvmDir;

    /** One Java installation: its home and feature version ({@code 21} for 21.0.5). */
    public record JavaRuntime(Path home, int version) {

        public Path java() {
            return home.resolve("bin").resolve("java");
        }
    }

    /** Searches {@code JAVA_HOME}, this JVM and {@link #JVM_DIR}. */
    public JavaRuntimes() {
        this(System.getenv("JAVA_HOME"), Path.of(System.getProperty("java.home")), JVM_DIR);
    }

    JavaRuntimes(String javaHomeVariable, Path runningHome, Path jvmDir) {
        this.javaHomeVariable = javaHomeVariable;
        this.runningHome = runningHome;
        this.jvmDir = jvmDir;
    }

    /**
     * The runtime at {@code configuredHome} when it is not blank, else the first one found of at least
     * {@code minimum}; fails naming what was searched and what each place held.
     */
    public JavaRuntime find(int minimum, String configuredHome) {
        if (configuredHome != null && !configuredHome.isBlank()) {
            Path home = Path.of(configuredHome.trim());
            int version = version(home);
            if (version < minimum) {
                throw new IllegalStateException(SchemaSettings.JAVA_HOME.key() + " = " + home + " is "
                        + describe(version) + "; the schema registry needs Java " + minimum + " or newer");
            }
            return new JavaRuntime(home, version);
        }
        List<String> searched = new ArrayList<>();
        for (Path home : candidates()) {
            int version = version(home);
            if (version >= minimum) {
                return new JavaRuntime(home, version);
            }
            searched.add(home + " (" + describe(version) + ")");
        }
        throw new IllegalStateException("No Java " + minimum + " or newer found for the schema registry; searched"
                + " JAVA_HOME, this JVM and " + jvmDir + ": " + (searched.isEmpty() ? "nothing there"
                : String.join(", ", searched)) + ". Install one there or set " + SchemaSettings.JAVA_HOME.key()
                + " (GATEWAY_SCHEMA_REGISTRY_JAVA_HOME) to its home");
    }

    /** JAVA_HOME, this JVM, then the JDKs of the JVM directory, newest first; each once. */
    private List<Path> candidates() {
        Set<Path> homes = new LinkedHashSet<>();
        if (javaHomeVariable != null && !javaHomeVariable.isBlank()) {
            homes.add(real(Path.of(javaHomeVariable.trim())));
        }
        homes.add(real(runningHome));
        if (Files.isDirectory(jvmDir)) {
            try (Stream<Path> entries = Files.list(jvmDir)) {
                entries.filter(Files::isDirectory).map(JavaRuntimes::real)
                        .sorted(Comparator.comparingInt(JavaRuntimes::version).reversed()
                                .thenComparing(Comparator.naturalOrder()))
                        .forEach(homes::add);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not list " + jvmDir, e);
            }
        }
        return List.copyOf(homes);
    }

    /**
     * The feature version of the Java at {@code home} by its {@code release} file ({@code JAVA_VERSION="21.0.5"}: 21,
     * {@code "1.8.0_412"}: 8); {@code -1} when there is no {@code bin/java} or no readable version.
     */
    public static int version(Path home) {
        Path release = home.resolve("release");
        if (!Files.isExecutable(home.resolve("bin").resolve("java")) || !Files.isRegularFile(release)) {
            return -1;
        }
        Properties properties = new Properties();
        try (var reader = Files.newBufferedReader(release)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            return -1;
        }
        String value = properties.getProperty("JAVA_VERSION", "").replace("\"", "").trim();
        String[] parts = value.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String describe(int version) {
        return version < 0 ? "no Java with a release file" : "Java " + version;
    }

    private static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}

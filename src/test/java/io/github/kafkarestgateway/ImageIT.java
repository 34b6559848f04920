package io.github.kafkarestgateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.deadletter.DeadLetterSettings;
import io.github.kafkarestgateway.http.HttpSettings;
import io.github.kafkarestgateway.testing.ContainerImage;
import io.github.kafkarestgateway.testing.GatewayProcess;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The container image as built (the OCI tarball of {@code mvn -Pimage verify}, which hands its path to this test):
 * its configuration (entry point, user, working directory, ports, environment, volume) and its files (the run command's
 * jars, the routes, the user's data directory, no keys), read from the tarball without a container
 * runtime. Runs only in that profile; a plain {@code mvn verify} reports it skipped.
 */
@EnabledIfSystemProperty(named = "image.tarball", matches = ".+")
class ImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEPENDENCIES = Path.of("target/dependency");
    private static final Path ROUTES = Path.of("routes");
    private static final String CLASSPATH_FILE = "/app/jib-classpath-file";

    private static JsonNode config;
    private static Map<String, String> environment;
    /** Every file, directory and link of the image's layers as the container sees it (later layers win). */
    private static Map<String, TarArchiveEntry> entries;
    /** The contents of the small files this test reads, by path. */
    private static Map<String, byte[]> contents;

    @BeforeAll
    static void readImage() throws IOException {
        Path blobs = Files.createTempDirectory("image-it");
        Path tarball = Path.of(System.getProperty("image.tarball"));
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(tarball))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    Path file = blobs.resolve(e.getName());
                    Files.createDirectories(file.getParent());
                    Files.copy(tar, file);
                }
            }
        }
        try {
            read(blobs);
        } finally {
            try (Stream<Path> files = Files.walk(blobs)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void read(Path blobs) throws IOException {
        JsonNode index = JSON.readTree(blobs.resolve("index.json").toFile());
        assertEquals(1, index.path("manifests").size(), "one image in the tarball");
        JsonNode manifest = JSON.readTree(blob(blobs, index.path("manifests").get(0)).toFile());
        assertEquals("application/vnd.oci.image.manifest.v1+json", manifest.path("mediaType").asText(), "OCI image");
        config = JSON.readTree(blob(blobs, manifest.path("config")).toFile());
        environment = new LinkedHashMap<>();
        for (JsonNode variable : config.path("config").path("Env")) {
            String[] pair = variable.asText().split("=", 2);
            environment.put(pair[0], pair[1]);
        }
        entries = new TreeMap<>();
        contents = new HashMap<>();
        for (JsonNode layer : manifest.path("layers")) {
            try (TarArchiveInputStream files = new TarArchiveInputStream(
                    new GZIPInputStream(Files.newInputStream(blob(blobs, layer)), 1 << 16))) {
                for (TarArchiveEntry e = files.getNextEntry(); e != null; e = files.getNextEntry()) {
                    String path = "/" + e.getName().replaceFirst("^\\./", "").replaceFirst("/$", "");
                    entries.put(path, e);
                    if (e.isFile() && (path.startsWith("/app/routes/") || path.equals(CLASSPATH_FILE)
                            || path.equals("/etc/passwd"))) {
                        contents.put(path, files.readAllBytes());
                    }
                }
            }
        }
    }

    @Test
    void entryPointRunsTheGateway() {
        List<String> entrypoint = strings(config.path("config").path("Entrypoint"));
        assertEquals("java", entrypoint.get(0));
        assertEquals(GatewayMain.class.getName(), entrypoint.get(entrypoint.size() - 1), "runs GatewayMain");
        assertTrue(entrypoint.contains("@" + CLASSPATH_FILE), "the class path of the image's jars: " + entrypoint);
        String javaHome = environment.get("JAVA_HOME");
        assertNotNull(entries.get(javaHome + "/bin/java"), "the JVM is at JAVA_HOME " + javaHome);
        assertTrue(environment.get("PATH").startsWith(javaHome + "/bin:"), "java on the PATH is JAVA_HOME's");
    }

    @Test
    void classPathIsTheRunCommandsJars() throws IOException {
        List<String> classPath = new ArrayList<>();
        for (String entry : new String(contents.get(CLASSPATH_FILE), StandardCharsets.UTF_8).trim().split(":")) {
            if (entry.endsWith("/*")) {
                // Jib's wildcard for the gateway's jar: one jar there, else their order would be the file system's
                String dir = entry.substring(0, entry.length() - 1);
                List<String> jars = entries.keySet().stream()
                        .filter(p -> p.startsWith(dir) && p.endsWith(".jar") && p.indexOf('/', dir.length()) < 0)
                        .toList();
                assertEquals(1, jars.size(), entry + " holds the gateway's jar alone: " + jars);
                classPath.addAll(jars);
            } else {
                classPath.add(entry);
            }
        }
        Set<String> libs = new TreeSet<>();
        for (String entry : classPath) {
            TarArchiveEntry file = entries.get(entry);
            assertNotNull(file, entry + " of the class path is in the image");
            assertTrue(entry.endsWith(".jar"), "jars only, as the run command's: " + entry);
            if (entry.startsWith("/app/libs/")) {
                libs.add(entry.substring("/app/libs/".length()));
                assertEquals(Files.size(DEPENDENCIES.resolve(file.getName().replaceFirst(".*/", ""))), file.getSize(),
                        entry + " is target/dependency's jar");
            }
        }
        Set<String> runCommand;
        try (Stream<Path> jars = Files.list(DEPENDENCIES)) {
            runCommand = jars.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
        assertEquals(runCommand, libs, "the image's libraries are the run command's (target/dependency)");
        assertTrue(classPath.get(0).matches("/app/classpath/kafka-rest-gateway-.*\\.jar"), "the gateway's jar first");
    }

    @Test
    void runsAsTheGatewayUserInItsWorkingDirectory() {
        JsonNode c = config.path("config");
        assertEquals(ContainerImage.USER_ID + ":" + ContainerImage.USER_ID, c.path("User").asText(), "not root");
        assertEquals(ContainerImage.WORKING_DIR.toString(), c.path("WorkingDir").asText());
        String passwd = new String(contents.get("/etc/passwd"), StandardCharsets.UTF_8);
        assertTrue(passwd.lines().anyMatch(l -> l.split(":")[2].equals(String.valueOf(ContainerImage.USER_ID))),
                "the user is in /etc/passwd");
        Path journalDir = ContainerImage.inContainer(ContainerImage.effective(DeadLetterSettings.JOURNAL, environment))
                .getParent().getParent();
        TarArchiveEntry data = entries.get(journalDir.toString());
        assertNotNull(data, journalDir + " (the journal's data/) is in the image");
        assertTrue(data.isDirectory());
        assertEquals(ContainerImage.USER_ID, data.getLongUserId(), journalDir + " belongs to the gateway's user");
        assertTrue(c.path("Volumes").has(journalDir.toString()), journalDir + " is a volume");
    }

    @Test
    void portsAreThoseOfTheProductionProfile() {
        assertEquals(ContainerImage.PROFILE_LOCATION, environment.get(ContainerImage.PROFILE_VARIABLE),
                "the image reads the production profile");
        Set<String> expected = Set.of(ContainerImage.effective(HttpSettings.PORT, environment) + "/tcp",
                ContainerImage.effective(HttpSettings.MANAGEMENT_PORT, environment) + "/tcp");
        Set<String> exposed = new TreeSet<>();
        config.path("config").path("ExposedPorts").fieldNames().forEachRemaining(exposed::add);
        assertEquals(new TreeSet<>(expected), exposed, "API and management ports");
    }

    @Test
    void environmentHasTheRunCommandsJvmSettings() {
        assertEquals(String.join(" ", GatewayProcess.runCommandJvmOptions()), environment.get("JDK_JAVA_OPTIONS"),
                "the pom's gateway.jvm-options");
        assertTrue(environment.getOrDefault("MALLOC_ARENA_MAX", "").matches("\\d+"), "MALLOC_ARENA_MAX as the run command");
    }

    @Test
    void routesAreTheRepositorysAndNoKeyIsShipped() throws IOException {
        try (Stream<Path> files = Files.list(ROUTES)) {
            for (Path file : files.toList()) {
                byte[] inImage = contents.get("/app/routes/" + file.getFileName());
                assertNotNull(inImage, file + " is in the image");
                assertArrayEquals(Files.readAllBytes(file), inImage, file + " as in the repository");
            }
        }
        List<String> secrets = entries.keySet().stream()
                .filter(p -> p.startsWith("/app/"))
                .filter(p -> p.endsWith(".p12") || p.endsWith(".password") || p.endsWith(".key")
                        || p.endsWith("api-keys.json") || p.startsWith("/app/certs/"))
                .toList();
        assertTrue(secrets.isEmpty(), "no key, key store or key file in the image: " + secrets);
    }

    private static Path blob(Path blobs, JsonNode descriptor) {
        String digest = descriptor.path("digest").asText();
        Path blob = blobs.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
        assertTrue(Files.isRegularFile(blob), "blob " + digest + " in the tarball");
        return blob;
    }

    private static List<String> strings(JsonNode array) {
        return Arrays.stream(JSON.convertValue(array, String[].class)).toList();
    }

}

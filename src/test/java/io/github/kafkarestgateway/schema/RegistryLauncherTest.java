package io.github.kafkarestgateway.schema;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.kafkarestgateway.testing.TestRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded Apicurio Registry: started from the distribution the build unpacks, on a Java 21+ found by
 * {@link JavaRuntimes}, answering the Confluent-compatible API; deprecation is set and read through Apicurio's own API.
 */
class RegistryLauncherTest {

    private static final AtomicInteger SUBJECTS = new AtomicInteger();
    private static final String ORDER_SCHEMA =
            "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"int\"}]}";

    @TempDir
    Path temp;

    private static String subject() {
        return "launcher-" + SUBJECTS.incrementAndGet() + "-value";
    }

    @Test
    void startsOnAJava21OrNewerFoundByTheSearchAndAnswersTheConfluentApi() {
        JavaRuntimes.JavaRuntime java = new JavaRuntimes().find(ApicurioRegistry.JAVA_VERSION, "");
        assertTrue(java.version() >= 21, java.toString());

        HttpResponse<String> subjects = TestRegistry.get("/subjects");

        assertEquals(200, subjects.statusCode());
        assertTrue(subjects.body().startsWith("["), subjects.body());
        assertTrue(TestRegistry.url().matches("http://localhost:\\d+/apis/ccompat/v7"), TestRegistry.url());
    }

    @Test
    void aRegisteredAvroSchemaReadsBackBySubjectAndVersionAndById() {
        String subject = subject();

        int id = TestRegistry.register(subject, ORDER_SCHEMA, "AVRO");

        String quoted = ORDER_SCHEMA.replace("\"", "\\\"");
        HttpResponse<String> byVersion = TestRegistry.get("/subjects/" + subject + "/versions/1");
        assertEquals(200, byVersion.statusCode());
        assertEquals("{\"subject\":\"" + subject + "\",\"version\":1,\"id\":" + id + ",\"schema\":\"" + quoted + "\"}",
                byVersion.body());
        HttpResponse<String> byId = TestRegistry.get("/schemas/ids/" + id);
        assertEquals(200, byId.statusCode());
        assertEquals("{\"schema\":\"" + quoted + "\"}", byId.body());
        assertEquals(id, TestRegistry.register(subject, ORDER_SCHEMA, "AVRO"), "the same schema again: the same id");
    }

    @Test
    void unknownSubjectsVersionsAndIdsAre404WithConfluentErrorCodes() {
        String subject = subject();
        TestRegistry.register(subject, ORDER_SCHEMA, "AVRO");

        HttpResponse<String> noSubject = TestRegistry.get("/subjects/no-such-subject/versions/1");
        HttpResponse<String> noVersion = TestRegistry.get("/subjects/" + subject + "/versions/9");
        HttpResponse<String> noId = TestRegistry.get("/schemas/ids/999999");

        assertEquals(404, noSubject.statusCode());
        assertEquals("{\"message\":\"Subject 'no-such-subject' not found.\",\"error_code\":40401}", noSubject.body());
        assertEquals(404, noVersion.statusCode());
        assertEquals("{\"message\":\"Version 9 not found.\",\"error_code\":40402}", noVersion.body());
        assertEquals(404, noId.statusCode());
        assertEquals("{\"message\":\"Schema 999999 not found.\",\"error_code\":40403}", noId.body());
    }

    @Test
    void aVersionDeprecatedThroughApicuriosApiShowsThereButTheConfluentApiAnswersItUnchanged() {
        String subject = subject();
        TestRegistry.register(subject, ORDER_SCHEMA, "AVRO");
        String before = TestRegistry.get("/subjects/" + subject + "/versions/1").body();
        assertEquals("ENABLED", TestRegistry.state(subject, 1));

        TestRegistry.deprecate(subject, 1);

        assertEquals("DEPRECATED", TestRegistry.state(subject, 1));
        HttpResponse<String> after = TestRegistry.get("/subjects/" + subject + "/versions/1");
        assertEquals(200, after.statusCode());
        assertEquals(before, after.body(), "the Confluent-compatible API does not show the state");
    }

    @Test
    void stopsAndStartsAgainOnTheSamePort() throws Exception {
        String url = TestRegistry.url();

        TestRegistry.stop();

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + "/subjects")).timeout(Duration.ofSeconds(5))
                .build();
        assertThrows(ConnectException.class, () -> http.send(request, HttpResponse.BodyHandlers.discarding()));
        assertEquals(url, TestRegistry.start().url());
        assertEquals(200, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    @Test
    void refusesAConfiguredJavaHomeOlderThan21NamingTheSetting() throws IOException {
        Path java17 = fakeJavaHome("jdk-17", "17.0.15");

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> new JavaRuntimes().find(21, java17.toString()));

        assertEquals("gateway.schema-registry.java-home = " + java17 + " is Java 17; the schema registry needs Java 21"
                + " or newer", refused.getMessage());
    }

    @Test
    void searchesJavaHomeThisJvmAndTheJvmDirectoryNewestFirst() throws IOException {
        Path jvmDir = Files.createDirectories(temp.resolve("jvm"));
        Path old = fakeJavaHome("jvm/java-17", "17.0.15");
        fakeJavaHome("jvm/java-21", "21.0.5");
        Path newest = fakeJavaHome("jvm/temurin-25", "25.0.3");
        Path legacy = fakeJavaHome("java-8", "1.8.0_412");

        JavaRuntimes.JavaRuntime found = new JavaRuntimes(null, old, jvmDir).find(21, "");
        JavaRuntimes.JavaRuntime fromJavaHome = new JavaRuntimes(legacy.toString(), old, jvmDir).find(8, "");

        assertEquals(new JavaRuntimes.JavaRuntime(newest.toRealPath(), 25), found);
        assertEquals(new JavaRuntimes.JavaRuntime(legacy.toRealPath(), 8), fromJavaHome);
    }

    @Test
    void saysWhatWasSearchedWhenNoJavaIsNewEnough() throws IOException {
        Path jvmDir = Files.createDirectories(temp.resolve("jvm"));
        Path old = fakeJavaHome("jvm/java-17", "17.0.15");
        Path empty = Files.createDirectories(temp.resolve("jvm/not-a-jdk"));

        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> new JavaRuntimes(null, old, jvmDir).find(21, ""));

        assertEquals("No Java 21 or newer found for the schema registry; searched JAVA_HOME, this JVM and " + jvmDir
                + ": " + old.toRealPath() + " (Java 17), " + empty.toRealPath() + " (no Java with a release file)."
                + " Install one there or set gateway.schema-registry.java-home (GATEWAY_SCHEMA_REGISTRY_JAVA_HOME) to"
                + " its home", none.getMessage());
    }

    @Test
    void failsAtOnceNamingTheBuildWhenTheDistributionIsMissing() {
        Path java = new JavaRuntimes().find(ApicurioRegistry.JAVA_VERSION, "").java();
        ApicurioRegistry registry = new ApicurioRegistry(temp.resolve("missing"), java, 0, temp.resolve("r.log"));

        IllegalStateException failed = assertThrows(IllegalStateException.class, registry::start);

        assertTrue(failed.getMessage().startsWith("No Apicurio Registry distribution in " + temp.resolve("missing")),
                failed.getMessage());
        assertTrue(failed.getMessage().contains("mvn -Pregistry"), failed.getMessage());
    }

    @Test
    void failsFastWithTheLogTailWhenTheProcessEnds() throws IOException {
        Path broken = Files.createDirectories(temp.resolve("broken"));
        Files.writeString(broken.resolve("quarkus-run.jar"), "not a jar");
        Path java = new JavaRuntimes().find(ApicurioRegistry.JAVA_VERSION, "").java();
        ApicurioRegistry registry = new ApicurioRegistry(broken, java, 0, temp.resolve("broken.log"));

        long started = System.nanoTime();
        IllegalStateException failed = assertThrows(IllegalStateException.class, registry::start);

        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30, "took too long");
        assertTrue(failed.getMessage().startsWith("The Apicurio Registry process ended with exit code 1 before it"
                + " answered; the end of " + temp.resolve("broken.log").toAbsolutePath() + ":\n"), failed.getMessage());
        assertTrue(failed.getMessage().contains("Invalid or corrupt jarfile"), failed.getMessage());
    }

    /** A directory that looks like a Java home of that version: an executable bin/java and a release file. */
    private Path fakeJavaHome(String name, String version) throws IOException {
        Path home = Files.createDirectories(temp.resolve(name));
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}

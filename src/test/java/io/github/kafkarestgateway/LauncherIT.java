package io.github.kafkarestgateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.kafkarestgateway.settings.PemTrust;
import io.github.kafkarestgateway.testing.GatewayProcess;
import io.github.kafkarestgateway.testing.Landed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/gateway} as an operator types it, each command a process of its own on the jar the build made (hence an
 * IT, after {@code mvn package}): its help lists the sub-commands, a wrong option is one line and exit status 2, the
 * tools work through it, and the run command starts with the build's JVM settings and shows the banner first, not
 * Camel's start-up summaries.
 */
class LauncherIT {

    private static final Pattern KEY = Pattern.compile("API key \\(shown once, only its hash is stored\\): (\\S+)");
    private static final Pattern BANNER_KEY = Pattern.compile("API key      : (\\S+) ");

    @Test
    void theHelpListsTheCommandsAndEachToolsSubCommandsAndOptions() throws Exception {
        Launched gateway = launch("--help");
        assertEquals(0, gateway.exit(), gateway.err());
        for (String command : List.of("run", "credentials", "certificates", "dead-letters")) {
            assertTrue(gateway.out().contains("\n  " + command + " "), command + " in:\n" + gateway.out());
        }
        assertFalse(gateway.err().contains("building"), "the built jar was used: " + gateway.err());

        Launched credentials = launch("credentials", "--help");
        assertEquals(0, credentials.exit(), credentials.err());
        for (String part : List.of("create", "list", "rotate", "revoke", "expire", "--store", "--keys-file",
                "--bootstrap-servers", "--store-topic", "--kafka-config")) {
            assertTrue(credentials.out().contains(part), part + " in:\n" + credentials.out());
        }
        Launched create = launch("credentials", "create", "--help");
        for (String option : List.of("--name", "--role", "--topic", "--expires", "--expires-in", "--certificate-only")) {
            assertTrue(create.out().contains(option), option + " in:\n" + create.out());
        }
        Launched certificates = launch("certificates", "--help");
        for (String part : List.of("generate", "trust", "sign-csr", "--certs")) {
            assertTrue(certificates.out().contains(part), part + " in:\n" + certificates.out());
        }
        Launched deadLetters = launch("dead-letters", "--help");
        for (String part : List.of("list", "replay", "--url", "--key", "--cacert")) {
            assertTrue(deadLetters.out().contains(part), part + " in:\n" + deadLetters.out());
        }
    }

    @Test
    void aWrongOptionOrCommandIsOneLineAndExitStatus2() throws Exception {
        List<List<String>> wrong = List.of(
                List.of("credentials", "create", "--nme", "orders-app", "--topic", "orders"),
                List.of("credentials", "list", "--store", "database"),
                List.of("certificates", "trust", "--fromat", "pem"),
                List.of("dead-letters", "list", "--limt", "3"),
                List.of("run", "--port", "9444"),
                List.of("credentails", "list"));
        for (List<String> args : wrong) {
            Launched launched = launch(args.toArray(String[]::new));
            assertEquals(2, launched.exit(), args + ": " + launched.err());
            assertEquals(1, launched.err().lines().count(), args + ": " + launched.err());
            assertEquals("", launched.out(), args.toString());
        }
        assertEquals("credentials: unknown option '--topc'; did you mean --topic? (see gateway credentials create --help)",
                launch("credentials", "create", "--name", "orders-app", "--topc", "orders").err().strip());
    }

    @Test
    void credentialsMadeThroughTheLauncherAreListedWithoutTheirKeys(@TempDir Path dir) throws Exception {
        String keys = dir.resolve("api-keys.json").toString();
        Launched created = launch("credentials", "create", "--name", "orders-app", "--role", "writer",
                "--topic", "orders.*", "--keys-file", keys);
        assertEquals(0, created.exit(), created.err());
        Matcher key = KEY.matcher(created.out());
        assertTrue(key.find(), created.out());

        Launched listed = launch("credentials", "list", "--keys-file", keys);
        assertEquals(0, listed.exit(), listed.err());
        assertTrue(listed.out().contains("\"name\" : \"orders-app\""), listed.out());
        assertTrue(listed.out().contains("\"orders.*\""), listed.out());
        assertFalse(listed.out().contains(key.group(1)), "never a key: " + listed.out());
        assertFalse(Files.readString(Path.of(keys)).contains(key.group(1)), "only its hash is stored");

        Launched again = launch("credentials", "create", "--name", "orders-app", "--topic", "orders", "--keys-file", keys);
        assertEquals(1, again.exit(), "a failure, not wrong arguments");
        assertEquals("credentials: A service ID named 'orders-app' exists already", again.err().strip());
    }

    @Test
    void certificatesAreGeneratedAndHandedOutThroughTheLauncher(@TempDir Path dir) throws Exception {
        Path certs = dir.resolve("certs");
        Launched generated = launch("certificates", "generate", "--certs", certs.toString(),
                "--hosts", "gw.example.com,10.0.0.5");
        assertEquals(0, generated.exit(), generated.err());
        assertTrue(generated.out().contains("dns:gw.example.com,ip:10.0.0.5"), generated.out());
        Path pem = dir.resolve("es-cert.pem");
        Launched trusted = launch("certificates", "trust", "--certs", certs.toString(), "--format", "pem",
                "--out", pem.toString());
        assertEquals(0, trusted.exit(), trusted.err());
        assertEquals(Files.readString(certs.resolve("ca.pem")), Files.readString(pem));
    }

    @Test
    void theRunCommandShowsTheBannerFirstAndRunsWithTheBuildsJvmSettings(@TempDir Path dir) throws Exception {
        int port = GatewayProcess.freePort();
        int kafkaPort = GatewayProcess.freePort();
        try (GatewayProcess gateway = GatewayProcess.launched(Map.of(
                "gateway.http.host", "localhost",
                "gateway.http.port", String.valueOf(port),
                "gateway.embedded-kafka.data-dir", dir.resolve("kafka").toString(),
                "gateway.embedded-kafka.port", String.valueOf(kafkaPort),
                "gateway.embedded-kafka.controller-port", String.valueOf(GatewayProcess.freePort()),
                "gateway.auth.keys-file", dir.resolve("api-keys.json").toString(),
                "gateway.dead-letter.journal", dir.resolve("dead-letters/journal.jsonl").toString()))) {
            List<String> output;
            synchronized (gateway.output()) {
                output = new ArrayList<>(gateway.output());
            }
            String text = String.join("\n", output);
            // what comes before the banner: one line saying that it starts, nothing of Camel's or of the build's
            int ready = output.indexOf("Kafka REST gateway is ready");
            assertTrue(ready > 0, text);
            assertTrue(output.get(0).startsWith("Kafka REST gateway is starting"), text);
            assertEquals(List.of(""), output.subList(1, ready).stream().distinct().toList(), text);
            assertTrue(output.get(ready + 1).startsWith("  API endpoint : https://localhost:" + port), text);

            List<String> arguments = List.of(gateway.process().info().arguments().orElseThrow());
            assertTrue(arguments.containsAll(GatewayProcess.runCommandJvmOptions()), arguments.toString());

            // what the banner prints works: its development key produces into the embedded broker
            Matcher key = BANNER_KEY.matcher(text);
            assertTrue(key.find(), text);
            HttpResponse<String> response = HttpClient.newBuilder()
                    .sslContext(PemTrust.sslContext(Path.of("certs/ca.pem"))).build()
                    .send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/topics/launched/records"))
                            .header("Authorization", "Bearer " + key.group(1))
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString("test message")).build(),
                            HttpResponse.BodyHandlers.ofString());
            Landed.expect("launched", "test message").from("localhost:" + kafkaPort).in(response);

            // stopped as Ctrl-C or an orchestrator stops it: gracefully, with the JVM's status for SIGTERM
            gateway.terminate();
            assertEquals(143, gateway.awaitExit(java.time.Duration.ofSeconds(60)), String.join("\n", gateway.output()));
        }
    }

    /** What a command printed and its exit status. */
    private record Launched(int exit, String out, String err) {
    }

    private static Launched launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bin/gateway"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), command + " did not end");
        return new Launched(process.exitValue(), out, err.join());
    }

    private static String read(java.io.InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.github.kafkarestgateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.kafkarestgateway.GatewayMain;

/**
 * The gateway as a JVM of its own (the run command's main class, or {@code bin/gateway run}), for what only a real
 * process shows: a hard crash, and what it prints. Ready when it says so; everything it prints is kept in
 * {@link #output()}.
 */
public record GatewayProcess(Process process, List<String> output) implements AutoCloseable {

    /**
     * @param productionLogging log as the shipped {@code log4j2.properties} says (else as the tests' configuration)
     */
    public static GatewayProcess start(Map<String, String> overrides, boolean productionLogging) throws Exception {
        return start(overrides, productionLogging, List.of("-Xmx256m"));
    }

    /** The run command's JVM settings (the pom's {@code gateway.jvm-options}, handed to the tests by Maven). */
    public static List<String> runCommandJvmOptions() {
        String options = System.getProperty("gateway.jvm-options");
        if (options == null || options.isBlank()) {
            throw new IllegalStateException("gateway.jvm-options is not set: run the tests with Maven");
        }
        return List.of(options.trim().split("\\s+"));
    }

    /**
     * @param productionLogging log as the shipped {@code log4j2.properties} says (else as the tests' configuration)
     * @param jvmOptions        heap and other JVM settings
     */
    public static GatewayProcess start(Map<String, String> overrides, boolean productionLogging, List<String> jvmOptions)
            throws Exception {
        return start(overrides, productionLogging, jvmOptions, 0);
    }

    /**
     * @param maxOpenFiles the process's limit of open files ({@code ulimit -n}), 0 to inherit the test's
     */
    public static GatewayProcess start(Map<String, String> overrides, boolean productionLogging, List<String> jvmOptions,
                                int maxOpenFiles) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of(
                "gateway.http.host", "localhost",
                "gateway.tls.keystore", TestGateway.CERTS.resolve("server.p12").toString(),
                "gateway.tls.ca-certificate", TestGateway.CERTS.resolve("ca.pem").toString(),
                "gateway.auth.keys-file", TestGateway.KEYS_FILE.toString(),
                "gateway.auth.create-dev-key", "false"));
        properties.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        if (productionLogging) {
            command.add("-Dlog4j2.configurationFile="
                    + Path.of("target/classes/log4j2.properties").toAbsolutePath());
        }
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(GatewayMain.class.getName());
        if (maxOpenFiles > 0) {
            // the shell sets the limit and becomes the JVM, which keeps it (-XX:-MaxFDLimit: not raised to the hard one)
            command.add(1, "-XX:-MaxFDLimit");
            command.addAll(0, List.of("bash", "-c", "ulimit -n " + maxOpenFiles + " && exec \"$0\" \"$@\""));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        return started(builder);
    }

    /**
     * {@code bin/gateway run} as an operator starts it, on the built jar (so only after {@code mvn package}: in an
     * {@code *IT}), with the shipped logging and the build's JVM settings; these settings go in as {@code -D} options
     * of {@code JAVA_OPTS}, everything else is as configured in {@code routes/}.
     */
    public static GatewayProcess launched(Map<String, String> settings) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bin/gateway", "run").redirectErrorStream(true);
        builder.environment().put("JAVA_OPTS", String.join(" ", settings.entrySet().stream()
                .map(setting -> "-D" + setting.getKey() + "=" + setting.getValue()).toList()));
        return started(builder);
    }

    /** Starts the process and waits until it says it is ready, keeping everything it prints. */
    private static GatewayProcess started(ProcessBuilder builder) throws Exception {
        Process process = builder.start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    // the banner's last line: the whole banner has been read
                    if (line.startsWith("  Try it")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.await(200, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                reader.join(5_000);
                throw new AssertionError("the gateway process did not become ready:\n" + String.join("\n", output));
            }
        }
        return new GatewayProcess(process, output);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Asks the process to stop (SIGTERM), as an orchestrator does; it drains and exits (see {@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Waits for the process to end and returns its exit code; fails (and kills it) if it is not gone in time. */
    public int awaitExit(java.time.Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the gateway process did not end within " + atMost + ":\n"
                    + String.join("\n", output));
        }
        return process.exitValue();
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
}

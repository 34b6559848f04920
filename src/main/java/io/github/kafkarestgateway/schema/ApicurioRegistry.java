package io.github.kafkarestgateway.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apicurio Registry (in-memory storage) run from its unpacked distribution ({@code quarkus-run.jar}) as a child
 * process on Java 21+, listening on localhost only. {@link #start()} returns once its Confluent-compatible API answers;
 * {@link #close()}, or the JVM's exit, stops it.
 */
public final class ApicurioRegistry implements AutoCloseable {

    /** The Java feature version Apicurio Registry 3 runs on. */
    public static final int JAVA_VERSION = 21;
    /**
     * A small heap is plenty for the in-memory storage of a development registry; C1 only (no C2 compiler) keeps
     * about 30 MB less (measured: RSS 211-216 MB instead of 232-275 MB, ready in 5-9 s either way on a shared
     * 2-core machine). The serial collector kept more, not less.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final String JAR = "quarkus-run.jar";
    private static final int LOG_TAIL_LINES = 40;

    private final Path distribution;
    private final Path java;
    private final int port;
    private final Path logFile;
    private final Duration startTimeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private Thread shutdownHook;

    /**
     * @param distribution the unpacked distribution, holding {@code quarkus-run.jar}
     * @param java         the {@code java} executable, Java 21 or newer ({@link JavaRuntimes})
     * @param port         the HTTP port; 0 for a free one
     * @param logFile      where the registry's output goes (replaced at each start)
     */
    public ApicurioRegistry(Path distribution, Path java, int port, Path logFile) {
        this(distribution, java, port, logFile, START_TIMEOUT);
    }

    ApicurioRegistry(Path distribution, Path java, int port, Path logFile, Duration startTimeout) {
        this.distribution = Objects.requireNonNull(distribution, "distribution");
        this.java = Objects.requireNonNull(java, "java");
        this.port = port == 0 ? freePort() : port;
        this.logFile = Objects.requireNonNull(logFile, "logFile");
        this.startTimeout = startTimeout;
    }

    /** Starts the process and waits until the registry answers; fails with the log's tail when it does not. */
    /** The registry on its own (the benchmark's): {@code ApicurioRegistry <distribution> <port> <log file>}. */
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: ApicurioRegistry <distribution-dir> <port> <log-file>");
            System.exit(2);
        }
        Path java = new JavaRuntimes().find(JAVA_VERSION, "").java();
        ApicurioRegistry registry = new ApicurioRegistry(Path.of(args[0]), java, Integer.parseInt(args[1]),
                Path.of(args[2])).start();
        Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
        System.out.println("schema registry ready on " + registry.url());
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized ApicurioRegistry start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        if (!Files.isRegularFile(distribution.resolve(JAR))) {
            throw new IllegalStateException("No Apicurio Registry distribution in " + distribution.toAbsolutePath()
                    + " (no " + JAR + "): build with mvn -Pregistry, which unpacks it there, or set "
                    + SchemaSettings.EMBEDDED_DIR.key());
        }
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(JVM_OPTIONS);
        command.add("-Dquarkus.http.host=localhost");
        command.add("-Dquarkus.http.port=" + port);
        // the management interface (Quarkus' default port 9000) would clash with a second registry
        command.add("-Dquarkus.management.host=localhost");
        command.add("-Dquarkus.management.port=" + freePort());
        command.add("-jar");
        command.add(JAR);
        long started = System.nanoTime();
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = new ProcessBuilder(command).directory(distribution.toFile()).redirectErrorStream(true)
                    .redirectOutput(logFile.toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + String.join(" ", command), e);
        }
        shutdownHook = new Thread(this::stopProcess, "apicurio-registry-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitReady();
        // the banner shows the registry: at DEBUG, not before the banner
        LOG.debug("Apicurio Registry ready at {} in {} ms (pid {}, log {})", url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), process.pid(), logFile.toAbsolutePath());
        return this;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(url() + "/subjects")).timeout(Duration.ofSeconds(2))
                .GET().build();
        while (true) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                close();
                throw new IllegalStateException("The Apicurio Registry process ended with exit code " + exit
                        + " before it answered; the end of " + logFile.toAbsolutePath() + ":\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while waiting for the Apicurio Registry", e);
            }
            if (System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("The Apicurio Registry did not answer at " + url() + " within "
                        + startTimeout.toSeconds() + " s; the end of " + logFile.toAbsolutePath() + ":\n" + logTail());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while waiting for the Apicurio Registry", e);
            }
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log not readable: " + e.getMessage() + ")";
        }
    }

    /** The base URL of the Confluent-compatible API, e.g. {@code http://localhost:8081/apis/ccompat/v7}. */
    public String url() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    /** The base URL of Apicurio's own API (v3), e.g. {@code http://localhost:8081/apis/registry/v3}. */
    public String apiUrl() {
        return baseUrl() + "/apis/registry/v3";
    }

    /** The registry's root, e.g. {@code http://localhost:8081}; its API documentation is at {@code /apis}. */
    public String baseUrl() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the process (politely, then forcibly after 10 s); it may be started again on the same port. */
    @Override
    public synchronized void close() {
        stopProcess();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException exiting) {
                // the JVM is already shutting down: the hook runs or ran
            }
            shutdownHook = null;
        }
    }

    private void stopProcess() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroy();
        try {
            if (!running.waitFor(10, TimeUnit.SECONDS)) {
                running.destroyForcibly();
                running.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("localhost", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port", e);
        }
    }
}

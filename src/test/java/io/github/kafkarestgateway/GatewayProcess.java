package io.github.kafkarestgateway;

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

/**
 * The gateway as a JVM of its own (the run command's main class), for what only a real process shows: a hard crash,
 * and what it prints. Ready when it says so; everything it prints is kept in {@link #output()}.
 */
record GatewayProcess(Process process, List<String> output) implements AutoCloseable {

    /**
     * @param productionLogging log as the shipped {@code log4j2.properties} says (else as the tests' configuration)
     */
    static GatewayProcess start(Map<String, String> overrides, boolean productionLogging) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of(
                "gateway.http.host", "localhost",
                "gateway.tls.keystore", TestGateway.CERTS.resolve("server.p12").toString(),
                "gateway.tls.ca-certificate", TestGateway.CERTS.resolve("ca.pem").toString(),
                "gateway.auth.keys-file", TestGateway.KEYS_FILE.toString(),
                "gateway.auth.create-dev-key", "false"));
        properties.putAll(overrides);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path")));
        if (productionLogging) {
            command.add("-Dlog4j2.configurationFile="
                    + Path.of("target/classes/log4j2.properties").toAbsolutePath());
        }
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add(GatewayMain.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.add(line);
                    if (line.contains("gateway is ready")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ended) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        if (!ready.await(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the gateway process did not become ready:\n" + String.join("\n", output));
        }
        return new GatewayProcess(process, output);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
}

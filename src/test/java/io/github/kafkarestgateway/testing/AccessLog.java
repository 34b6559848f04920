package io.github.kafkarestgateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import static org.awaitility.Awaitility.await;

/** The access-log lines the test gateways write (to the tests' log file, kept across test runs). */
public final class AccessLog {

    /** Where the tests' log configuration writes everything the gateway logs. */
    public static final Path FILE = Path.of("target/test-gateway.log");

    private AccessLog() {
    }

    /** The latest access-log line of this request id, or null. */
    public static JsonNode line(String requestId) throws Exception {
        JsonNode found = null;
        // the tests' layout puts its prefix before the first line of each block of access lines only
        for (String line : Files.readAllLines(FILE)) {
            int json = line.indexOf("{\"time\":");
            if (json >= 0 && line.contains("\"requestId\":\"" + requestId + "\"")) {
                found = TestGateway.JSON.readTree(line.substring(json));
            }
        }
        return found;
    }

    /** The line of this request id, once it is written (within 5 s). */
    public static JsonNode awaitLine(String requestId) {
        return await().atMost(Duration.ofSeconds(5)).until(() -> line(requestId), line -> line != null);
    }
}

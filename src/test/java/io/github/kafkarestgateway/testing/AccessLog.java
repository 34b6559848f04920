package io.github.kafkarestgateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;

/** The access-log lines the test gateways write, as the tests' log configuration puts them in one file. */
public final class AccessLog {

    /** The tests' log file (src/test/resources' log4j2 configuration), kept across test runs. */
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
}

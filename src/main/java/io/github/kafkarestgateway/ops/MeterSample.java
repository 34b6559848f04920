package io.github.kafkarestgateway.ops;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One sample of {@link MeterHistory}: what the gateway answered in the interval that ends at {@code time} (since the
 * sample before), and its state at that time.
 *
 * @param time               when it was taken
 * @param requestsPerSecond  requests answered per second in the interval, every status
 * @param errors4xxPerSecond of them answered 4xx
 * @param errors5xxPerSecond of them answered 5xx
 * @param p99Ms              the 99th percentile in ms of the time to answer of the interval's requests, every status;
 *                           null when none was answered
 * @param inFlight           produce requests being handled at that time
 * @param deadLettersPending dead letters stored and not yet replayed
 * @param kafkaReady         whether Kafka answered its check (the one of {@code GET /ready})
 * @param registryReady      whether the schema registry answered; null when none is configured
 */
public record MeterSample(Instant time, double requestsPerSecond, double errors4xxPerSecond,
                          double errors5xxPerSecond, Double p99Ms, long inFlight, long deadLettersPending,
                          boolean kafkaReady, Boolean registryReady) {

    /** Writes the fields into {@code node}: {@code time} (ISO-8601) only when asked; rates and ms to 0.001. */
    ObjectNode writeTo(ObjectNode node, boolean withTime) {
        if (withTime) {
            node.put("time", time.toString());
        }
        node.put("requestsPerSecond", rounded(requestsPerSecond));
        node.put("errors4xxPerSecond", rounded(errors4xxPerSecond));
        node.put("errors5xxPerSecond", rounded(errors5xxPerSecond));
        node.put("p99Ms", p99Ms == null ? null : rounded(p99Ms));
        node.put("inFlight", inFlight);
        node.put("deadLettersPending", deadLettersPending);
        node.put("kafkaReady", kafkaReady);
        node.put("registryReady", registryReady);
        return node;
    }

    private static double rounded(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}

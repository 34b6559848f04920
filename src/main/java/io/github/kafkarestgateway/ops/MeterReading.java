package io.github.kafkarestgateway.ops;

/**
 * The request meters of {@link GatewayMetrics} read at one moment: the counts since the gateway started (whose
 * differences between two readings are an interval's), and the requests in flight now.
 *
 * @param requests  answered requests, every status
 * @param errors4xx of them answered 4xx
 * @param errors5xx of them answered 5xx
 * @param durations how long they took, every status class together
 * @param inFlight  produce requests being handled (the load bound's gauge; 0 when none is bound)
 */
public record MeterReading(double requests, double errors4xx, double errors5xx, LatencyHistogram durations,
                           double inFlight) {
}

package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.ops.MeterHistory;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /console/api/overview}: the gateway's own meters over the last minutes, as sampled by
 * {@link MeterHistory} (requests per second, error answers by class, p99 latency, in flight, dead letters pending,
 * Kafka and registry readiness); {@code now} is null until the first sample.
 */
public class ShowOverview implements Processor {

    private final MeterHistory history;

    public ShowOverview(MeterHistory history) {
        this.history = history;
    }

    @Override
    public void process(Exchange exchange) {
        ConsoleAnswer.json(exchange.getMessage(), 200, history.snapshot());
    }
}

package io.github.kafkarestgateway.ops;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Answers {@code GET /metrics} with every metric in the Prometheus text format. */
public class ScrapeMetrics implements Processor {

    private final GatewayMetrics metrics;

    public ScrapeMetrics(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        exchange.getMessage().setBody(metrics.scrape());
    }
}

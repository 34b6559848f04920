package io.github.kafkarestgateway.produce;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Notes when the record is handed to the producer (variable {@code sentAtNanos}): the start of the ack latency. */
public class MarkSendTime implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.setVariable(GatewayNames.SENT_AT, System.nanoTime());
    }
}

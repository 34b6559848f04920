package io.github.kafkarestgateway.produce;

import io.github.kafkarestgateway.http.RequestFacts;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Notes when the record is handed to the producer (in the request's {@link RequestFacts}): the start of the ack latency. */
public class MarkSendTime implements Processor {

    @Override
    public void process(Exchange exchange) {
        RequestFacts.of(exchange).sending();
    }
}

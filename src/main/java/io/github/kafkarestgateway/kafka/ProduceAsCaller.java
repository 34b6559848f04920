package io.github.kafkarestgateway.kafka;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Names the producer the record goes by: with {@code gateway.auth.kafka-identity}, the caller's own (variable
 * {@code kafkaCaller}, set when its Kafka credentials were verified), as the header {@value
 * CallerProducers#HANDLE_HEADER} that the kafka component's producer removes before sending. Any header of that name
 * from the request is removed first, so that no caller can name another's producer; without a caller's producer, the
 * record goes by the gateway's own.
 */
public class ProduceAsCaller implements Processor {

    @Override
    public void process(Exchange exchange) {
        exchange.getMessage().removeHeader(CallerProducers.HANDLE_HEADER);
        String handle = exchange.getVariable(GatewayNames.KAFKA_CALLER, String.class);
        if (handle != null) {
            exchange.getMessage().setHeader(CallerProducers.HANDLE_HEADER, handle);
        }
    }
}

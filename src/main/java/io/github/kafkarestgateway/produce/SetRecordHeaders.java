package io.github.kafkarestgateway.produce;

import java.util.Map;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Puts the mapped record headers (variable {@code recordHeaders}) on the message, where camel-kafka takes them from. */
public class SetRecordHeaders implements Processor {

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Map<String, byte[]> headers = exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
        if (headers != null) {
            headers.forEach(exchange.getMessage()::setHeader);
        }
    }
}

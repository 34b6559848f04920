package io.github.kafkarestgateway.produce;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.tracing.RequestTrace;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Puts the mapped record headers (variable {@code recordHeaders}) on the message, where camel-kafka takes them from;
 * with tracing, and for a traced request, also the {@code traceparent} (and {@code tracestate}) of the record's send,
 * replacing a mapped header of that name: the one header the gateway adds on its own. Those also go into
 * {@code recordHeaders}, so that a dead letter keeps the record as it was sent (its replay carries the trace, and a
 * timed-out record that was written after all is recognised by its content).
 */
public class SetRecordHeaders implements Processor {

    private final boolean traced;

    /** Without tracing ({@code gateway.tracing.enabled=false}). */
    public SetRecordHeaders() {
        this(false);
    }

    /** @param traced whether requests may carry a trace ({@code gateway.tracing.enabled}) */
    public SetRecordHeaders(boolean traced) {
        this.traced = traced;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        Map<String, byte[]> headers = exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
        if (headers != null) {
            headers.forEach(message::setHeader);
        }
        if (traced) {
            RequestTrace trace = exchange.getVariable(GatewayNames.TRACE, RequestTrace.class);
            if (trace != null) {
                Map<String, byte[]> sent = headers == null ? new LinkedHashMap<>() : new LinkedHashMap<>(headers);
                trace.startRecordSend(exchange.getVariable(GatewayNames.TOPIC, String.class), (name, value) -> {
                    message.setHeader(name, value);
                    sent.keySet().removeIf(name::equalsIgnoreCase);
                    sent.put(name, value);
                });
                exchange.setVariable(GatewayNames.RECORD_HEADERS, sent);
            }
        }
    }
}

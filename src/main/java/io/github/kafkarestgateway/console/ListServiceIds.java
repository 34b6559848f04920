package io.github.kafkarestgateway.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ServiceIds;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code GET /console/api/service-ids}: every service ID (never a key, nor its hash), and where they are kept. */
public class ListServiceIds implements Processor {

    private final ServiceIds serviceIds;

    public ListServiceIds(ServiceIds serviceIds) {
        this.serviceIds = serviceIds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ObjectNode body = ConsoleAnswer.object();
        body.put("location", serviceIds.location());
        body.put("writable", serviceIds.writable());
        body.putArray("serviceIds").addAll(serviceIds.list());
        ConsoleAnswer.json(exchange.getMessage(), 200, body);
    }
}

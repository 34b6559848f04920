package io.github.kafkarestgateway.console;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ServiceIds;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code POST /console/api/service-ids/expire} {@code {"name", "expires"}}: when it stops working (null: never). */
public class ExpireServiceId implements Processor {

    private final ServiceIds serviceIds;

    public ExpireServiceId(ServiceIds serviceIds) {
        this.serviceIds = serviceIds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ServiceIdRequests.requireWritable(serviceIds);
        ObjectNode request = ConsoleAnswer.request(exchange);
        String name = ServiceIdRequests.name(request);
        Instant expires = ServiceIdRequests.expires(request);
        serviceIds.expire(name, expires);
        ObjectNode body = ConsoleAnswer.object().put("name", name);
        body.put("expires", expires == null ? null : expires.toString());
        ConsoleAnswer.json(exchange.getMessage(), 200, body);
    }
}

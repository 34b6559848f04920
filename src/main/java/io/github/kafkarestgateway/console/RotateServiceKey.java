package io.github.kafkarestgateway.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ServiceIds;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code POST /console/api/service-ids/rotate} {@code {"name"}}: a new key, answered once; the old one stops. */
public class RotateServiceKey implements Processor {

    private final ServiceIds serviceIds;

    public RotateServiceKey(ServiceIds serviceIds) {
        this.serviceIds = serviceIds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ServiceIdRequests.requireWritable(serviceIds);
        ObjectNode request = ConsoleAnswer.request(exchange);
        String name = ServiceIdRequests.name(request);
        String key = serviceIds.rotate(name);
        ConsoleAnswer.json(exchange.getMessage(), 200, ConsoleAnswer.object().put("name", name).put("key", key));
    }
}

package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.auth.ServiceIds;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code POST /console/api/service-ids/revoke} {@code {"name"}}: its key and its certificate stop working. */
public class RevokeServiceId implements Processor {

    private final ServiceIds serviceIds;

    public RevokeServiceId(ServiceIds serviceIds) {
        this.serviceIds = serviceIds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ServiceIdRequests.requireWritable(serviceIds);
        String name = ServiceIdRequests.name(ConsoleAnswer.request(exchange));
        serviceIds.revoke(name);
        ConsoleAnswer.json(exchange.getMessage(), 200, ConsoleAnswer.object().put("name", name).put("revoked", true));
    }
}

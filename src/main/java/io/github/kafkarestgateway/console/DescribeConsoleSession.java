package io.github.kafkarestgateway.console;

import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code GET /console/api/session}: who is signed in, the session's token against cross-site request forgery (the page
 * keeps it in memory only), when the session ends, and what the pages need to show: the API endpoint for the curl
 * commands, the instance, and where service IDs are kept and whether they can be changed there.
 */
public class DescribeConsoleSession implements Processor {

    private final Supplier<String> endpoint;
    private final String instance;
    private final ServiceIds serviceIds;
    private final long idleSeconds;

    public DescribeConsoleSession(Supplier<String> endpoint, String instance, ServiceIds serviceIds, long idleSeconds) {
        this.endpoint = endpoint;
        this.instance = instance;
        this.serviceIds = serviceIds;
        this.idleSeconds = idleSeconds;
    }

    @Override
    public void process(Exchange exchange) {
        ConsoleSessions.Session session = exchange.getVariable(GatewayNames.CONSOLE_SESSION,
                ConsoleSessions.Session.class);
        ObjectNode body = ConsoleAnswer.object();
        body.put("operator", session.operator());
        body.put("csrfToken", session.csrfToken());
        body.put("expires", session.expires().toString());
        body.put("idleSeconds", idleSeconds);
        body.put("endpoint", endpoint.get());
        body.put("instance", instance);
        body.putObject("serviceIds").put("location", serviceIds.location()).put("writable", serviceIds.writable());
        ConsoleAnswer.json(exchange.getMessage(), 200, body);
    }
}

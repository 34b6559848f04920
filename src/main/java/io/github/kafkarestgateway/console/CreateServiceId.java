package io.github.kafkarestgateway.console;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /console/api/service-ids} {@code {"name", "role", "topics": [..], "expires"}}: a service ID with a new
 * key, answered once (only its hash is kept). "Connect to this topic" sends the role {@code writer} and the one topic:
 * a key that can produce to that topic only. Made by the same store as the credentials tool's {@code create}.
 */
public class CreateServiceId implements Processor {

    private final ServiceIds serviceIds;

    public CreateServiceId(ServiceIds serviceIds) {
        this.serviceIds = serviceIds;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ServiceIdRequests.requireWritable(serviceIds);
        ObjectNode request = ConsoleAnswer.request(exchange);
        String name = ServiceIdRequests.name(request);
        String role = ApiKeyStore.role(ConsoleAnswer.text(request, "role", false) == null ? ApiKeyStore.WRITER
                : ConsoleAnswer.text(request, "role", false));
        List<String> topics = new ArrayList<>();
        for (JsonNode topic : request.path("topics")) {
            if (!topic.isTextual() || topic.asText().isBlank()) {
                throw new GatewayException(400, "'topics' must be names, prefixes such as orders.*, or *");
            }
            topics.add(topic.asText().trim());
        }
        if (topics.isEmpty()) {
            throw new GatewayException(400, "'topics' is required: the topics the key may produce to");
        }
        String key = serviceIds.create(name, role, topics, ServiceIdRequests.expires(request), true);
        ObjectNode body = ConsoleAnswer.object().put("name", name).put("role", role).put("key", key);
        body.putArray("topics").addAll(topics.stream().map(body::textNode).toList());
        ConsoleAnswer.json(exchange.getMessage(), 201, body);
    }
}

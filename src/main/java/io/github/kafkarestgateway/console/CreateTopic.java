package io.github.kafkarestgateway.console;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;

/**
 * {@code POST /console/api/topics} {@code {"name", "partitions", "replicationFactor"}}: creates a topic, as
 * {@code cloudctl es topic-create} does. The name is checked by Kafka's own rule ({@link Topic#validate}); what the
 * cluster refuses (too many replicas for its brokers, a policy, an ACL) is answered in its words: 400, 409 when the
 * topic exists.
 */
public class CreateTopic implements Processor {

    private final Admin admin;
    private final int timeoutMs;

    public CreateTopic(Admin admin, int timeoutMs) {
        this.admin = admin;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ObjectNode request = ConsoleAnswer.request(exchange);
        String name = ConsoleAnswer.text(request, "name", true);
        try {
            Topic.validate(name);
        } catch (InvalidTopicException e) {
            throw new GatewayException(400, "Not a valid topic name: " + e.getMessage());
        }
        int partitions = count(request, "partitions", 1, 10_000);
        short replicas = (short) count(request, "replicationFactor", 1, Short.MAX_VALUE);
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, replicas)),
                    new CreateTopicsOptions().timeoutMs(timeoutMs)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                throw new GatewayException(409, "A topic named '" + name + "' exists already");
            }
            if (e.getCause() instanceof ApiException refused && !(e.getCause() instanceof
                    org.apache.kafka.common.errors.RetriableException)) {
                throw new GatewayException(400, "Kafka refused the topic: " + refused.getMessage());
            }
            throw e;
        }
        ConsoleAnswer.json(exchange.getMessage(), 201, ConsoleAnswer.object().put("name", name)
                .put("partitions", partitions).put("replicationFactor", replicas));
    }

    private static int count(ObjectNode request, String field, int min, int max) {
        JsonNode value = request.get(field);
        if (value == null || value.isNull()) {
            return 1;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            throw new GatewayException(400, "'" + field + "' must be a whole number from " + min + " to " + max);
        }
        return value.asInt();
    }
}

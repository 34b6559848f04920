package io.github.kafkarestgateway.produce;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * After a failure of the gateway or the cluster (408, 5xx), makes the topic check ask the cluster again on the next
 * request to the topic, instead of trusting what it remembered (the topic may have gone with the failure).
 */
public class ForgetTopic implements Processor {

    private final TopicCheck topicCheck;

    public ForgetTopic(TopicCheck topicCheck) {
        this.topicCheck = topicCheck;
    }

    @Override
    public void process(Exchange exchange) {
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        if (topic != null) {
            topicCheck.forget(topic);
        }
    }
}

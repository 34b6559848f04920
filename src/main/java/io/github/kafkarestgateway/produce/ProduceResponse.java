package io.github.kafkarestgateway.produce;

import java.util.List;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Answers 200 with the Event Streams body {@code {"metadata":{"topic","partition","offset","timestamp"}}} from the
 * broker's acknowledgement (with {@code Comment} when the schema is deprecated), and leaves no internal header on the
 * HTTP response.
 */
public class ProduceResponse implements Processor {


    @Override
    public void process(Exchange exchange) {
        Message message = exchange.getMessage();
        List<?> metadata = message.getHeader(KafkaConstants.KAFKA_RECORD_META, List.class);
        if (metadata == null || metadata.isEmpty() || !(metadata.get(0) instanceof RecordMetadata)) {
            throw new IllegalStateException("No record metadata from the Kafka producer: is recordMetadata enabled?");
        }
        RecordMetadata record = (RecordMetadata) metadata.get(0);
        RequestFacts.of(exchange).acknowledged(record.partition(), record.offset());
        // topic names are restricted to [a-zA-Z0-9._-], so they need no JSON escaping
        String body = "{\"metadata\":{\"topic\":\"" + record.topic()
                + "\",\"partition\":" + record.partition()
                + ",\"offset\":" + record.offset()
                + ",\"timestamp\":\"" + record.timestamp() + "\"}"
                + comment(exchange.getVariable(GatewayNames.ANSWER_COMMENT, String.class)) + "}";
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(body);
    }

    /** Event Streams' {@code Comment} field (v1.1.0: why the schema is deprecated), or nothing. */
    private static String comment(String comment) {
        return comment == null ? ""
                : ",\"Comment\":\"" + new String(JsonStringEncoder.getInstance().quoteAsString(comment)) + "\"";
    }
}

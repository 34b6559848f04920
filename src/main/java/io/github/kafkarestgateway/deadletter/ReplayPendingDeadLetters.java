package io.github.kafkarestgateway.deadletter;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /admin/dead-letters/replay}: replays the oldest pending entries (at most
 * {@value DeadLetterReplayer#BATCH} per call: {@code pending} says how many are left); 503 when Kafka does not
 * take them. {@code ?topic=T} replays the entries of that topic only.
 */
public class ReplayPendingDeadLetters implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DeadLetterReplayer replayer;

    public ReplayPendingDeadLetters(DeadLetterReplayer replayer) {
        this.replayer = replayer;
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        // the query parameter (the automatic replay's timer exchange has none)
        Object topic = exchange.getMessage().getHeader("topic");
        if (topic != null && !(topic instanceof String)) {
            throw new GatewayException(400, "Parameter topic is given more than once");
        }
        DeadLetterReplayer.Result result = replayer.replay(topic == null || ((String) topic).isEmpty() ? null
                : (String) topic);
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode replayed = root.putArray("replayed");
        for (Map<String, Object> r : result.replayed()) {
            replayed.add(MAPPER.valueToTree(r));
        }
        root.put("pending", result.pending());
        root.put("notReplayable", result.notReplayable());
        if (result.error() != null) {
            root.put("error", result.error());
        }
        JsonAnswer.set(exchange.getMessage(), result.error() == null ? 200 : 503, MAPPER.writeValueAsString(root));
    }
}

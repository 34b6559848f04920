package io.github.kafkarestgateway;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/** The operator endpoints of the dead-letter store: list the entries, and replay the pending ones. */
public final class DeadLetterEndpoints {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterEndpoints() {
    }

    /**
     * {@code GET /admin/dead-letters}: every entry (metadata, key and value in Base64) and, once replayed, where it
     * landed; fields without a value are left out.
     */
    public static class ListEntries implements Processor {
        private final DeadLetterJournal journal;

        public ListEntries(DeadLetterJournal journal) {
            this.journal = journal;
        }

        @Override
        public void process(Exchange exchange) throws Exception {
            List<DeadLetterJournal.Entry> entries = journal.entries();
            ObjectNode root = MAPPER.createObjectNode();
            root.put("store", journal.file().toAbsolutePath().toString());
            root.put("pending", entries.stream().filter(e -> e.replayed() == null).count());
            ArrayNode array = root.putArray("entries");
            Base64.Encoder b64 = Base64.getEncoder();
            for (DeadLetterJournal.Entry e : entries) {
                ObjectNode node = array.addObject();
                node.put("id", e.id());
                node.put("time", e.time().toString());
                putIfSet(node, "topic", e.topic());
                putIfSet(node, "key", e.key() == null ? null : b64.encodeToString(e.key()));
                ArrayNode headers = node.putArray("headers");
                e.headers().forEach(h -> headers.addObject().put("name", h.getKey())
                        .put("value", b64.encodeToString(h.getValue())));
                putIfSet(node, "value", e.value() == null ? null : b64.encodeToString(e.value()));
                putIfSet(node, "contentType", e.contentType());
                putIfSet(node, "principal", e.principal());
                putIfSet(node, "requestId", e.requestId());
                node.put("status", e.status());
                putIfSet(node, "reason", e.reason());
                if (e.replayed() != null) {
                    node.putObject("replayed").put("time", e.replayed().time().toString())
                            .put("partition", e.replayed().partition()).put("offset", e.replayed().offset());
                }
            }
            answer(exchange.getMessage(), 200, MAPPER.writeValueAsString(root));
        }
    }

    /** {@code POST /admin/dead-letters/replay}: replays the pending entries; 503 when Kafka does not take them. */
    public static class ReplayPending implements Processor {
        private final DeadLetterReplayer replayer;

        public ReplayPending(DeadLetterReplayer replayer) {
            this.replayer = replayer;
        }

        @Override
        public void process(Exchange exchange) throws JsonProcessingException {
            DeadLetterReplayer.Result result = replayer.replay();
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
            answer(exchange.getMessage(), result.error() == null ? 200 : 503, MAPPER.writeValueAsString(root));
        }
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void answer(Message message, int status, String json) {
        message.getHeaders().clear();
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(json);
    }
}

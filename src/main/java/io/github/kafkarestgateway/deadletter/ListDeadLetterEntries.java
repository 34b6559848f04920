package io.github.kafkarestgateway.deadletter;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.error.GatewayException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * {@code GET /admin/dead-letters}: one page of entries in the order they were stored (metadata, key and value in
 * Base64) and, once replayed, where each landed; fields without a value are left out. Query parameters:
 * {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}), {@code after} (the {@code next} of
 * the previous page), {@code pending=true} (only entries not replayed yet). A page also ends before its values
 * pass {@value #MAX_PAGE_BYTES} bytes, so that listing a large store never needs much memory.
 */
public class ListDeadLetterEntries implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    static final long MAX_PAGE_BYTES = 8L << 20;

    private final DeadLetterJournal journal;

    public ListDeadLetterEntries(DeadLetterJournal journal) {
        this.journal = journal;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        int limit = limit(message.getHeader("limit", String.class));
        boolean pendingOnly = pendingOnly(message.getHeader("pending", String.class));
        String after = message.getHeader("after", String.class);

        DeadLetterJournal.Summary summary = journal.summary();
        List<DeadLetterJournal.Entry> page = new ArrayList<>();
        boolean[] pastCursor = {after == null || after.isEmpty()};
        boolean[] more = {false};
        long[] bytes = {0};
        journal.scan(id -> {
            if (!pastCursor[0]) {
                pastCursor[0] = id.equals(after);
                return false;
            }
            return !pendingOnly || !summary.replayed(id);
        }, entry -> {
            long size = size(entry);
            if (page.size() == limit || (!page.isEmpty() && bytes[0] + size > MAX_PAGE_BYTES)) {
                more[0] = true;
                return false;
            }
            page.add(entry);
            bytes[0] += size;
            return true;
        });
        if (!pastCursor[0]) {
            throw new GatewayException(400, "No dead letter with id '" + after + "' (parameter after)");
        }
        Set<String> replayedIds = new HashSet<>();
        page.stream().map(DeadLetterJournal.Entry::id).filter(summary::replayed).forEach(replayedIds::add);
        Map<String, DeadLetterJournal.Replay> replays = journal.replays(replayedIds);

        ObjectNode root = MAPPER.createObjectNode();
        root.put("store", journal.file().toAbsolutePath().toString());
        root.put("total", summary.entries());
        root.put("pending", summary.pending());
        ArrayNode array = root.putArray("entries");
        Base64.Encoder b64 = Base64.getEncoder();
        for (DeadLetterJournal.Entry e : page) {
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
            DeadLetterJournal.Replay replay = replays.get(e.id());
            if (replay != null) {
                node.putObject("replayed").put("time", replay.time().toString())
                        .put("partition", replay.partition()).put("offset", replay.offset());
            }
        }
        if (more[0]) {
            root.put("next", page.get(page.size() - 1).id());
        }
        JsonAnswer.set(message, 200, MAPPER.writeValueAsString(root));
    }

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw new GatewayException(400, "Parameter limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static boolean pendingOnly(String text) {
        if (text == null || text.isEmpty() || "false".equals(text)) {
            return false;
        }
        if ("true".equals(text)) {
            return true;
        }
        throw new GatewayException(400, "Parameter pending must be true or false");
    }

    private static long size(DeadLetterJournal.Entry e) {
        long size = (e.value() == null ? 0 : e.value().length) + (e.key() == null ? 0 : e.key().length);
        for (Map.Entry<String, byte[]> header : e.headers()) {
            size += header.getValue().length;
        }
        return size;
    }

    private static void putIfSet(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }
}

package io.github.kafkarestgateway.deadletter;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter store: an append-only journal of JSON lines on local disk. Each failed request is one
 * {@code "entry"} line (topic, key, headers and value in Base64, content type, principal, request id, reason, time);
 * a replay adds a {@code "replayed"} line with the id and where the record landed. Every line is forced to disk before
 * {@link #append} returns, so an entry whose id the client was given survives a crash of the gateway; a line torn by a
 * crash while being written is skipped when reading. One gateway process owns the journal (a file lock).
 */
public final class DeadLetterJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterJournal.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    /** A dead letter as stored. Binary fields are raw bytes; key may be null. */
    public record Entry(String id, Instant time, String topic, byte[] key, List<Map.Entry<String, byte[]>> headers,
                        byte[] value, String contentType, String principal, String requestId, int status,
                        String reason, Replay replayed) {
    }

    /** Where a replayed entry landed. */
    public record Replay(Instant time, int partition, long offset) {
    }

    private final Path file;
    private final long minFreeBytes;
    private FileChannel channel;
    private FileLock lock;
    private volatile String unwritable;
    private volatile String problem;

    /**
     * @param file         the journal file (its folder is created)
     * @param minFreeBytes below this much free space the store counts as full and refuses new entries
     */
    public DeadLetterJournal(Path file, long minFreeBytes) {
        this.file = file;
        this.minFreeBytes = minFreeBytes;
    }

    /** Opens the journal; a store that cannot be opened is reported by {@link #problem()}, not thrown. */
    public synchronized DeadLetterJournal open() {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            try {
                lock = channel.tryLock();
            } catch (java.nio.channels.OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException("another process holds the dead-letter journal " + file);
            }
            unwritable = null;
        } catch (IOException e) {
            closeChannel();
            unwritable = "dead-letter store " + file + " cannot be written: " + e.getMessage();
            LOG.error("{}", unwritable);
        }
        updateProblem();
        return this;
    }

    /**
     * Null when entries can be stored; otherwise why not (no free space, not writable), as of the last
     * {@link #check()}. Never waits: request threads ask it while an entry may be being forced to disk.
     */
    public String problem() {
        return problem;
    }

    /**
     * Looks again at free space and writability (the gateway does every second), so that a store that recovers
     * (space freed, folder made writable) is used again without a restart.
     */
    public synchronized void check() {
        if (channel == null) {
            open();
        } else {
            updateProblem();
        }
    }

    private void updateProblem() {
        try {
            checkSpace();
            problem = unwritable;
        } catch (IOException e) {
            problem = unwritable != null ? unwritable : e.getMessage();
        }
    }

    public Path file() {
        return file;
    }

    /** Stores an entry durably (forced to disk) and returns its id. */
    public synchronized String append(String topic, byte[] key, Map<String, byte[]> headers, byte[] value,
                                      String contentType, String principal, String requestId, int status,
                                      String reason) throws IOException {
        if (channel == null) {
            throw new IOException(unwritable);
        }
        checkSpace();
        String id = "dl-" + UUID.randomUUID();
        ObjectNode line = MAPPER.createObjectNode();
        line.put("type", "entry");
        line.put("id", id);
        line.put("time", Instant.now().toString());
        line.put("topic", topic);
        line.put("key", key == null ? null : B64.encodeToString(key));
        ArrayNode headerArray = line.putArray("headers");
        if (headers != null) {
            headers.forEach((name, bytes) -> headerArray.addObject().put("name", name).put("value", B64.encodeToString(bytes)));
        }
        line.put("value", value == null ? null : B64.encodeToString(value));
        line.put("contentType", contentType);
        line.put("principal", principal);
        line.put("requestId", requestId);
        line.put("status", status);
        line.put("reason", reason);
        write(line);
        return id;
    }

    /** Records that an entry was re-delivered and acknowledged at this partition and offset. */
    public synchronized void markReplayed(String id, int partition, long offset) throws IOException {
        ObjectNode line = MAPPER.createObjectNode();
        line.put("type", "replayed");
        line.put("id", id);
        line.put("time", Instant.now().toString());
        line.put("partition", partition);
        line.put("offset", offset);
        write(line);
    }

    /**
     * How many entries the journal holds, and which were replayed: what a pass over the journal must know of every
     * entry. Its memory grows by about 40 bytes per replayed entry, whatever the entries' size.
     */
    public static final class Summary {
        private final long entries;
        private final UUID[] replayed;
        private final Set<String> otherReplayed;

        private Summary(long entries, List<UUID> replayed, Set<String> otherReplayed) {
            this.entries = entries;
            // sorted, each id once
            this.replayed = replayed.stream().sorted().distinct().toArray(UUID[]::new);
            this.otherReplayed = otherReplayed;
        }

        public long entries() {
            return entries;
        }

        public long pending() {
            return entries - replayed.length - otherReplayed.size();
        }

        public boolean replayed(String id) {
            UUID uuid = uuidOf(id);
            return uuid == null ? otherReplayed.contains(id) : Arrays.binarySearch(replayed, uuid) >= 0;
        }
    }

    /**
     * One pass over the journal that keeps only which entries were replayed. Lines are parsed as a stream of tokens:
     * the Base64 fields are passed over, not decoded.
     */
    public Summary summary() throws IOException {
        long[] entries = {0};
        List<UUID> replayed = new ArrayList<>();
        Set<String> otherReplayed = new HashSet<>();
        lines(line -> {
            if ("entry".equals(line.type())) {
                entries[0]++;
            } else if (line.replay() != null) {
                UUID uuid = uuidOf(line.id());
                if (uuid == null) {
                    otherReplayed.add(line.id());
                } else {
                    replayed.add(uuid);
                }
            }
        });
        return new Summary(entries[0], replayed, otherReplayed);
    }

    /**
     * Visits the entries in the order they were stored; only those whose id is {@code wanted} are decoded, one at a
     * time, and the scan ends when the visitor returns false. Entries come without their replay ({@link #replays}).
     */
    public void scan(Predicate<String> wanted, Predicate<Entry> visitor) throws IOException {
        eachLine(file, (line, text) -> !"entry".equals(line.type()) || !wanted.test(line.id())
                || visitor.test(entry(MAPPER.readTree(text))));
    }

    /** Where these entries were replayed to, for those that were. */
    public Map<String, Replay> replays(Set<String> ids) throws IOException {
        Map<String, Replay> replays = new HashMap<>();
        if (!ids.isEmpty()) {
            lines(line -> {
                if (line.replay() != null && ids.contains(line.id())) {
                    replays.put(line.id(), line.replay());
                }
            });
        }
        return replays;
    }

    private static Entry withReplay(Entry e, Replay replay) {
        return replay == null ? e : new Entry(e.id(), e.time(), e.topic(), e.key(), e.headers(), e.value(),
                e.contentType(), e.principal(), e.requestId(), e.status(), e.reason(), replay);
    }

    /** Reads a whole journal file (also while another process owns it, or after a crash): for tests and small files. */
    public static List<Entry> read(Path file) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        eachLine(file, (line, text) -> {
            if ("entry".equals(line.type())) {
                entries.put(line.id(), entry(MAPPER.readTree(text)));
            } else if (line.replay() != null && entries.containsKey(line.id())) {
                entries.put(line.id(), withReplay(entries.get(line.id()), line.replay()));
            }
            return true;
        });
        return new ArrayList<>(entries.values());
    }

    /** The type and id of a journal line (and the replay of a replayed line); null for a line torn by a crash. */
    private record Line(String type, String id, Replay replay) {
    }

    private void lines(Consumer<Line> consumer) throws IOException {
        eachLine(file, (line, text) -> {
            consumer.accept(line);
            return true;
        });
    }

    /** What is done with one readable line of the journal: its type and id, and its text; false ends the reading. */
    @FunctionalInterface
    private interface LineVisitor {
        boolean visit(Line line, String text) throws IOException;
    }

    /** Reads the journal's lines in order, skipping torn ones, until the visitor returns false. */
    private static void eachLine(Path file, LineVisitor visitor) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String text; (text = reader.readLine()) != null; ) {
                Line line = line(text);
                if (line != null && !visitor.visit(line, text)) {
                    return;
                }
            }
        }
    }

    /** The UUID in an entry id ("dl-" and a UUID, as {@link #append} makes them), or null. */
    private static UUID uuidOf(String id) {
        try {
            return id.startsWith("dl-") && id.length() == 39 ? UUID.fromString(id.substring(3)) : null;
        } catch (IllegalArgumentException notOne) {
            return null;
        }
    }

    /** Parses a line as a stream of tokens: the Base64 fields are passed over, not decoded. */
    private static Line line(String text) {
        String type = null;
        String id = null;
        String time = null;
        int partition = -1;
        long offset = -1;
        try (JsonParser parser = MAPPER.getFactory().createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not an object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                switch (field) {
                    case "type" -> type = parser.getText();
                    case "id" -> id = parser.getText();
                    case "time" -> time = parser.getText();
                    case "partition" -> partition = parser.getIntValue();
                    case "offset" -> offset = parser.getLongValue();
                    default -> parser.skipChildren();
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null || id == null) {
                throw new IOException("not one whole object with an id");
            }
        } catch (IOException | RuntimeException torn) {
            LOG.warn("Skipping an unreadable line of the dead-letter journal (torn by a crash?)");
            return null;
        }
        Replay replay = "replayed".equals(type) && time != null ? new Replay(Instant.parse(time), partition, offset) : null;
        return new Line(type, id, replay);
    }

    @Override
    public synchronized void close() {
        closeChannel();
    }

    private void closeChannel() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException e) {
            LOG.warn("Closing the dead-letter journal: {}", e.toString());
        }
        lock = null;
        channel = null;
    }

    private void write(ObjectNode line) throws IOException {
        byte[] bytes = (MAPPER.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
        } catch (IOException e) {
            unwritable = "dead-letter store " + file + " cannot be written: " + e.getMessage();
            problem = unwritable;
            closeChannel();
            throw e;
        }
    }

    private void checkSpace() throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        long free = Files.getFileStore(dir).getUsableSpace();
        if (free < minFreeBytes) {
            throw new IOException("dead-letter store " + dir + " is full: " + free + " bytes free, "
                    + minFreeBytes + " required");
        }
    }

    private static Entry entry(JsonNode line) {
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        line.path("headers").forEach(h -> headers.add(Map.entry(h.path("name").asText(),
                B64D.decode(h.path("value").asText()))));
        return new Entry(line.path("id").asText(), Instant.parse(line.path("time").asText()),
                line.path("topic").isNull() ? null : line.path("topic").asText(null),
                bytes(line.path("key")), List.copyOf(headers), bytes(line.path("value")),
                line.path("contentType").asText(null), line.path("principal").asText(null),
                line.path("requestId").asText(null), line.path("status").asInt(), line.path("reason").asText(null),
                null);
    }

    private static byte[] bytes(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : B64D.decode(node.asText());
    }
}

package io.github.kafkarestgateway.auth;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service IDs of the Kafka topic, as every instance derives them from the topic's records in log order, so that
 * all instances agree. A record holds a service ID's whole {@link ServiceIdEntry} (its key is the name) and says which
 * record of that name it changes: header {@value #BASED_ON}, that record's offset, or -1 for a new service ID.
 * In log order:
 * <ul>
 * <li>a record of a name not known takes effect: a new service ID or, in a compacted log, the newest record kept;</li>
 * <li>a record of a known name takes effect only when it is based on the record in effect. A change made from a
 * stale view (a create of a name that was created meanwhile, a revoke racing a rotate) is ignored by every instance
 * alike, and its writer, who waits until it has read its record, learns that it lost;</li>
 * <li>a record without the header (written by hand) takes effect unconditionally, a tombstone removes the name, and
 * a record that is not a valid entry of its name is ignored.</li>
 * </ul>
 * Compaction keeps only the newest record of each name, so an ignored record must not stay the newest, or an instance
 * reading the compacted log later would take it: a name whose newest record was ignored is <em>stranded</em> until the
 * entry in effect is written again, based on the record in effect ({@link KafkaServiceIds} does it).
 */
final class ServiceIdLog {

    /** Header of a record: the offset of the record of the same name it changes, -1 for a new service ID. */
    static final String BASED_ON = "based-on";
    private static final Logger LOG = LoggerFactory.getLogger(ServiceIdLog.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The entry in effect for a name, and the offset of its record. */
    record Version(ObjectNode entry, long offset) {
    }

    /** A name whose newest record was ignored: since when (ms, by this instance's clock), and that record's offset. */
    private record Stranded(long since, long offset) {
    }

    private final Map<String, Version> current = new LinkedHashMap<>();
    private final Map<String, Stranded> stranded = new HashMap<>();

    /**
     * Applies the record at {@code offset}: its value (null: a tombstone), and the offset it is based on (null: none
     * given). Returns whether it took effect. Records must come in log order.
     */
    synchronized boolean apply(String name, String value, Long basedOn, long offset, long now) {
        if (name == null) {
            return false;
        }
        if (value == null) {
            stranded.remove(name);
            return current.remove(name) != null;
        }
        ObjectNode entry = valid(name, value, offset);
        Version known = current.get(name);
        if (entry != null && (known == null || basedOn == null || basedOn == known.offset())) {
            current.put(name, new Version(entry, offset));
            stranded.remove(name);
            return true;
        }
        if (known != null) {
            Stranded before = stranded.get(name);
            stranded.put(name, new Stranded(before == null ? now : before.since(), offset));
        }
        return false;
    }

    /** The entry if the value is a valid entry of this name, else null (logged). */
    private static ObjectNode valid(String name, String value, long offset) {
        try {
            JsonNode entry = MAPPER.readTree(value);
            if (entry instanceof ObjectNode object && name.equals(ServiceIdEntry.name(object))) {
                ServiceIdEntry.principal(object);
                return object;
            }
            LOG.warn("Ignored the record at offset {} of service ID '{}': not an entry of that name", offset, name);
        } catch (Exception e) {
            LOG.warn("Ignored the record at offset {} of service ID '{}': {}", offset, name, e.getMessage());
        }
        return null;
    }

    /** The entry in effect and its record's offset, or null for an unknown name. Do not change the entry. */
    synchronized Version version(String name) {
        return current.get(name);
    }

    /** Every entry in effect, in the order the names first took effect. Do not change them. */
    synchronized List<ObjectNode> entries() {
        List<ObjectNode> entries = new ArrayList<>(current.size());
        current.values().forEach(version -> entries.add(version.entry()));
        return entries;
    }

    /**
     * The offset of the name's newest record if that one was ignored (and the entry in effect must be written again),
     * else null.
     */
    synchronized Long strandedAt(String name) {
        Stranded at = stranded.get(name);
        return at == null ? null : at.offset();
    }

    /** The names stranded for at least {@code ms}: whoever wrote their newest record did not write it again. */
    synchronized List<String> strandedFor(long ms, long now) {
        List<String> names = new ArrayList<>();
        stranded.forEach((name, at) -> {
            if (now - at.since() >= ms) {
                names.add(name);
            }
        });
        return names;
    }
}

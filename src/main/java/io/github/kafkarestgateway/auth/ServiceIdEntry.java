package io.github.kafkarestgateway.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One service ID in its JSON form, the same in the key file and on the Kafka topic:
 * <pre>
 * {"name":"orders-app","hash":"sha256:&lt;hex&gt;","role":"writer","topics":["orders.*"],
 *  "created":"…","expires":"2027-01-01T00:00:00Z","revoked":false}
 * </pre>
 * Every store makes and reads its entries here, so that a change means the same and an entry is understood the same
 * wherever it is kept. The methods that change an entry change it in place.
 */
public final class ServiceIdEntry {

    static final String HASH_PREFIX = "sha256:";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ServiceIdEntry() {
    }

    /** A new entry; {@code key} null makes it certificate only (no hash). */
    static ObjectNode create(String name, String role, List<String> topics, Instant expires, String key) {
        ObjectNode entry = MAPPER.createObjectNode();
        entry.put("name", name);
        entry.put("hash", key == null ? null : HASH_PREFIX + ApiKeyStore.sha256Hex(key));
        entry.put("role", ApiKeyStore.role(role));
        ArrayNode topicArray = entry.putArray("topics");
        topics.forEach(topicArray::add);
        entry.put("created", Instant.now().toString());
        entry.put("expires", expires == null ? null : expires.toString());
        entry.put("revoked", false);
        return entry;
    }

    /** A new key: the old one stops working, and a revoked service ID works again. */
    static void rotate(ObjectNode entry, String key) {
        entry.put("hash", HASH_PREFIX + ApiKeyStore.sha256Hex(key));
        entry.put("rotated", Instant.now().toString());
        entry.put("revoked", false);
    }

    static void revoke(ObjectNode entry) {
        entry.put("revoked", true);
    }

    /** Sets (or clears, with null) the time after which the service ID stops working. */
    static void expire(ObjectNode entry, Instant expires) {
        entry.put("expires", expires == null ? null : expires.toString());
    }

    /** What a create of a name in use fails with. */
    static IllegalArgumentException existsAlready(String name) {
        return new IllegalArgumentException("A service ID named '" + name + "' exists already");
    }

    /** What a change of an unknown name fails with. */
    static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("No service ID named '" + name + "'");
    }

    /** What a listing shows of an entry: everything but its hash, and whether it has a key. */
    static ObjectNode listed(JsonNode entry) {
        ObjectNode copy = ((ObjectNode) entry).deepCopy();
        copy.remove("hash");
        copy.put("key", entry.hasNonNull("hash") ? "set" : "none (client certificate only)");
        return copy;
    }

    /** The entry's name, or null when it has none. */
    static String name(JsonNode entry) {
        String name = entry.path("name").asText(null);
        return name == null || name.isBlank() ? null : name;
    }

    /**
     * The principal an entry describes. The role is {@code role}, or the highest of {@code roles} (Event Streams' form),
     * writer when neither is given.
     *
     * @throws IllegalArgumentException for an unknown role
     */
    static ApiKeyStore.Principal principal(JsonNode entry) {
        List<String> topics = new ArrayList<>();
        entry.path("topics").forEach(t -> topics.add(t.asText()));
        String role = ApiKeyStore.WRITER;
        if (entry.path("roles").isArray() && entry.path("roles").size() > 0) {
            role = ApiKeyStore.READER;
            for (JsonNode r : entry.path("roles")) {
                String named = ApiKeyStore.role(r.asText());
                role = ApiKeyStore.RANKED.indexOf(named) > ApiKeyStore.RANKED.indexOf(role) ? named : role;
            }
        } else if (entry.hasNonNull("role")) {
            role = ApiKeyStore.role(entry.path("role").asText());
        }
        Instant expires = entry.hasNonNull("expires") ? Instant.parse(entry.path("expires").asText()) : null;
        return new ApiKeyStore.Principal(name(entry), List.copyOf(topics), role, expires,
                entry.path("revoked").asBoolean(false),
                entry.hasNonNull("rateLimit") ? entry.path("rateLimit").asDouble() : null);
    }

    /** The SHA-256 of the entry's key in lower-case hex, or null for a certificate-only service ID. */
    static String hashHex(JsonNode entry) {
        String hash = entry.path("hash").asText("");
        return hash.startsWith(HASH_PREFIX) ? hash.substring(HASH_PREFIX.length()).toLowerCase(Locale.ROOT) : null;
    }
}

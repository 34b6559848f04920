package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service IDs the gateway accepts, as entries that hold only SHA-256 hashes of their API keys (see
 * {@link ServiceIdEntry} for the format): read from the key file ({@link #load}; {@link ApiKeyFile} makes the changes
 * of the key tool), or handed over by the Kafka topic's reader ({@link #fed()}, {@link #replace}). For the file, the
 * gateway calls {@link #refresh()} every second. Either way a change replaces the whole set at once, so a revoked key
 * stops working within seconds and a request in flight keeps the principal it was given; a file that cannot be read
 * leaves the last good set in place. Keys are random 256-bit values, so a plain SHA-256 is a safe, fast one-way hash
 * for them.
 */
public final class ApiKeyStore {

    /** Cannot produce (Event Streams Viewer). */
    public static final String READER = "reader";
    /** Produces to the topics of the key (Event Streams Editor). */
    public static final String WRITER = "writer";
    /** Also uses the operator endpoints (dead-letter list and replay). */
    public static final String OPERATOR = "operator";
    static final List<String> RANKED = List.of(READER, WRITER, OPERATOR);
    private static final Map<String, String> ALIASES = Map.of("viewer", READER, "editor", WRITER,
            "manager", OPERATOR, "administrator", OPERATOR);

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A service ID: its name, the topics it may produce to, its role, until when it is valid, its request quota. */
    public record Principal(String name, List<String> topicPatterns, String role, Instant expires, boolean revoked,
                            Double rateLimit) {

        /** Whether the role is at least the required one (reader, writer, operator). */
        public boolean hasRole(String required) {
            return RANKED.indexOf(role) >= RANKED.indexOf(required);
        }

        public boolean active(Instant now) {
            return !revoked && (expires == null || now.isBefore(expires));
        }

        /** Active now: not revoked and not expired (the clock is read only for a key that expires). */
        public boolean active() {
            return expires == null ? !revoked : active(Instant.now());
        }

        public boolean mayProduceTo(String topic) {
            return anyMatches(topicPatterns, topic);
        }
    }

    /** Whether a topic matches one of these patterns: a name, a prefix ending in {@code *}, or {@code *} for all. */
    public static boolean anyMatches(Iterable<String> topicPatterns, String topic) {
        for (String pattern : topicPatterns) {
            if (pattern.equals("*") || pattern.equals(topic)
                    || pattern.endsWith("*") && topic.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private record Snapshot(Map<String, Principal> byHash, Map<String, String> hashByName,
                            Map<String, Principal> byName) {
    }

    private final Path file;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());
    private FileTime loadedModified;
    private Object loadedFileKey;

    private ApiKeyStore(Path file) {
        this.file = file;
    }

    /** A store without a file and, until the first {@link #replace}, without service IDs: for the Kafka topic. */
    public static ApiKeyStore fed() {
        return new ApiKeyStore(null);
    }

    /**
     * Replaces every service ID at once with these entries (each with a name and a known role): the Kafka topic's
     * reader calls it with everything it has read.
     */
    public void replace(Collection<? extends JsonNode> entries) {
        snapshot = snapshot(entries);
    }

    /** Reads the key file; later changes are picked up by {@link #refresh()}. */
    public static ApiKeyStore load(Path file) throws IOException {
        ApiKeyStore store = new ApiKeyStore(file);
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
        store.snapshot = read(file);
        store.loadedModified = attributes.lastModifiedTime();
        store.loadedFileKey = attributes.fileKey();
        return store;
    }

    /** Reads the file again if it changed; keeps the current keys when it cannot be read. Nothing without a file. */
    public synchronized void refresh() {
        if (file == null) {
            return;
        }
        try {
            // the key tool replaces the file (a new file key); an edit in place changes the modification time
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.lastModifiedTime().equals(loadedModified)
                    && Objects.equals(attributes.fileKey(), loadedFileKey)) {
                return;
            }
            snapshot = read(file);
            loadedModified = attributes.lastModifiedTime();
            loadedFileKey = attributes.fileKey();
            LOG.info("Reloaded {} service ID(s) from {}", snapshot.byName().size(), file);
        } catch (IOException | RuntimeException e) {
            LOG.error("Keeping the current API keys: cannot read {}: {}", file, e.getMessage());
        }
    }

    /** The active principal of a presented key. */
    public Optional<Principal> authenticate(String presentedKey) {
        Snapshot current = snapshot;
        String hash = sha256Hex(presentedKey);
        Principal principal = current.byHash().get(hash);
        // found by hash; compared again in constant time, so no timing depends on the secret itself
        if (principal == null || !MessageDigest.isEqual(bytes(current.hashByName().get(principal.name())), bytes(hash))) {
            return Optional.empty();
        }
        return principal.active() ? Optional.of(principal) : Optional.empty();
    }

    /** The active principal named {@code name} if the key is its key (HTTP Basic with the service ID as user). */
    public Optional<Principal> authenticate(String name, String presentedKey) {
        Snapshot current = snapshot;
        String expected = current.hashByName().get(name);
        boolean match = MessageDigest.isEqual(bytes(expected == null ? "" : expected), bytes(sha256Hex(presentedKey)));
        Principal principal = current.byName().get(name);
        return match && principal != null && principal.active() ? Optional.of(principal) : Optional.empty();
    }

    /** The active principal of this name, for a client certificate that names it. */
    public Optional<Principal> byName(String name) {
        Principal principal = snapshot.byName().get(name);
        return principal != null && principal.active() ? Optional.of(principal) : Optional.empty();
    }

    public int size() {
        return snapshot.byName().size();
    }

    /** A new random key: 256 bits, URL-safe Base64 without padding. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The role name for what a user typed (Event Streams names such as editor are accepted). */
    public static String role(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String role = ALIASES.getOrDefault(lower, lower);
        if (!RANKED.contains(role)) {
            throw new IllegalArgumentException("Unknown role '" + name + "': use reader, writer or operator");
        }
        return role;
    }

    public static String sha256Hex(String value) {
        // digest() resets it for the next use; one per thread, as the provider lookup of getInstance cost as much
        // as the hash of a key
        return HexFormat.of().formatHex(SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.US_ASCII);
    }

    private static Snapshot read(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        List<JsonNode> entries = new ArrayList<>();
        for (JsonNode entry : root.path("keys")) {
            if (ServiceIdEntry.name(entry) == null) {
                throw new IOException("An entry of " + file + " has no name");
            }
            entries.add(entry);
        }
        return snapshot(entries);
    }

    /** The lookup tables of these entries (each with a name); an unknown role is an IllegalArgumentException. */
    private static Snapshot snapshot(Collection<? extends JsonNode> entries) {
        Map<String, Principal> byHash = new LinkedHashMap<>();
        Map<String, String> hashByName = new LinkedHashMap<>();
        Map<String, Principal> byName = new LinkedHashMap<>();
        for (JsonNode entry : entries) {
            Principal principal = ServiceIdEntry.principal(entry);
            byName.put(principal.name(), principal);
            String hex = ServiceIdEntry.hashHex(entry);
            if (hex != null) {
                byHash.put(hex, principal);
                hashByName.put(principal.name(), hex);
            }
        }
        return new Snapshot(Map.copyOf(byHash), Map.copyOf(hashByName), Map.copyOf(byName));
    }
}

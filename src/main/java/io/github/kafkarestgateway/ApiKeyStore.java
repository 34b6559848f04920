package io.github.kafkarestgateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The API keys the gateway accepts, read from a JSON file that holds only SHA-256 hashes of the keys:
 * <pre>{"keys":[{"name":"dev","hash":"sha256:&lt;hex&gt;","topics":["*"],"roles":["writer"]}]}</pre>
 * Topic patterns are exact names, prefixes ending in {@code *} ({@code orders.*}) or {@code *}. Roles:
 * {@code writer} (the default) produces; {@code operator} also uses the operator endpoints.
 * Keys are random 256-bit values, so a plain SHA-256 is a safe, fast one-way hash for them.
 */
public final class ApiKeyStore {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HASH_PREFIX = "sha256:";

    /** Produces to the topics of the key. */
    public static final String WRITER = "writer";
    /** Also uses the operator endpoints (dead-letter list and replay). */
    public static final String OPERATOR = "operator";

    /** Who called, where that caller may produce, and its roles. */
    public record Principal(String name, List<String> topicPatterns, Set<String> roles) {

        public boolean hasRole(String role) {
            return roles.contains(role) || roles.contains(OPERATOR);
        }

        public boolean mayProduceTo(String topic) {
            for (String pattern : topicPatterns) {
                if (pattern.equals("*") || pattern.equals(topic)
                        || pattern.endsWith("*") && topic.startsWith(pattern.substring(0, pattern.length() - 1))) {
                    return true;
                }
            }
            return false;
        }
    }

    private final Map<String, Principal> byHash;

    private ApiKeyStore(Map<String, Principal> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    /** Reads the key file. */
    public static ApiKeyStore load(Path file) throws IOException {
        JsonNode root = MAPPER.readTree(file.toFile());
        Map<String, Principal> byHash = new LinkedHashMap<>();
        for (JsonNode key : root.path("keys")) {
            String name = key.path("name").asText(null);
            String hash = key.path("hash").asText("");
            if (name == null || !hash.startsWith(HASH_PREFIX)) {
                throw new IOException("Each entry of " + file + " needs a name and a hash of the form sha256:<hex>");
            }
            List<String> topics = new ArrayList<>();
            key.path("topics").forEach(t -> topics.add(t.asText()));
            Set<String> roles = new LinkedHashSet<>();
            key.path("roles").forEach(r -> roles.add(r.asText()));
            if (roles.isEmpty()) {
                roles.add(WRITER);
            }
            byHash.put(hash.substring(HASH_PREFIX.length()).toLowerCase(),
                    new Principal(name, List.copyOf(topics), Set.copyOf(roles)));
        }
        return new ApiKeyStore(byHash);
    }

    /** The principal of a presented key, if the key is known. */
    public Optional<Principal> authenticate(String presentedKey) {
        String hash = sha256Hex(presentedKey);
        Principal principal = byHash.get(hash);
        if (principal == null) {
            return Optional.empty();
        }
        // the map found the entry by hash; compare again in constant time so no timing depends on the secret
        for (String known : byHash.keySet()) {
            if (MessageDigest.isEqual(known.getBytes(StandardCharsets.US_ASCII), hash.getBytes(StandardCharsets.US_ASCII))) {
                return Optional.of(principal);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return byHash.size();
    }

    /** A new random key: 256 bits, URL-safe Base64 without padding. */
    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Adds a key to the file (creating it if absent), written atomically; the file keeps only the hash.
     */
    public static void addKey(Path file, String name, String key, List<String> topics, List<String> roles)
            throws IOException {
        ObjectNode root = Files.exists(file) ? (ObjectNode) MAPPER.readTree(file.toFile()) : MAPPER.createObjectNode();
        ArrayNode keys = root.has("keys") ? (ArrayNode) root.get("keys") : root.putArray("keys");
        ObjectNode entry = keys.addObject();
        entry.put("name", name);
        entry.put("hash", HASH_PREFIX + sha256Hex(key));
        ArrayNode topicArray = entry.putArray("topics");
        topics.forEach(topicArray::add);
        ArrayNode roleArray = entry.putArray("roles");
        roles.forEach(roleArray::add);
        entry.put("created", Instant.now().toString());
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".api-keys", ".tmp");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static String sha256Hex(String value) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Changes to the key file, made by the key tool and the run command's development key. The file is
 * {@code {"keys":[…]}}, one {@link ServiceIdEntry} each.
 * Only the SHA-256 of a key is stored; the key itself is returned once, by {@link #create} and {@link #rotate}.
 * A service ID without a hash is known by its client certificate only. Every change replaces the file atomically,
 * so the gateway never reads half a file.
 */
public final class ApiKeyFile implements ServiceIds {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;

    public ApiKeyFile(Path file) {
        this.file = file;
    }

    /** Creates a service ID and returns its new key (or null when {@code withKey} is false: certificate only). */
    @Override
    public synchronized String create(String name, String role, List<String> topics, Instant expires, boolean withKey)
            throws IOException {
        ObjectNode root = read();
        if (find(root, name) != null) {
            throw ServiceIdEntry.existsAlready(name);
        }
        String key = withKey ? ApiKeyStore.newKey() : null;
        ((ArrayNode) root.get("keys")).add(ServiceIdEntry.create(name, role, topics, expires, key));
        write(root);
        return key;
    }

    /** Gives the service ID a new key; the old one stops working. Returns the new key. */
    @Override
    public synchronized String rotate(String name) throws IOException {
        ObjectNode root = read();
        String key = ApiKeyStore.newKey();
        ServiceIdEntry.rotate(existing(root, name), key);
        write(root);
        return key;
    }

    /** Revokes the service ID: its key and its certificate stop working. */
    @Override
    public synchronized void revoke(String name) throws IOException {
        ObjectNode root = read();
        ServiceIdEntry.revoke(existing(root, name));
        write(root);
    }

    /** Sets (or clears, with null) the time after which the service ID stops working. */
    @Override
    public synchronized void expire(String name, Instant expires) throws IOException {
        ObjectNode root = read();
        ServiceIdEntry.expire(existing(root, name), expires);
        write(root);
    }

    /** Every service ID, without hashes. */
    @Override
    public synchronized List<ObjectNode> list() throws IOException {
        List<ObjectNode> entries = new ArrayList<>();
        for (JsonNode entry : read().path("keys")) {
            entries.add(ServiceIdEntry.listed(entry));
        }
        return entries;
    }

    /** Writable when the file (or, before it exists, its folder) may be written: not on a read-only mount. */
    @Override
    public boolean writable() {
        Path parent = file.toAbsolutePath().getParent();
        return Files.exists(file) ? Files.isWritable(file) && Files.isWritable(parent)
                : parent == null || !Files.exists(parent) || Files.isWritable(parent);
    }

    @Override
    public String location() {
        return "file " + file;
    }

    private ObjectNode read() throws IOException {
        ObjectNode root = Files.exists(file) ? (ObjectNode) MAPPER.readTree(file.toFile()) : MAPPER.createObjectNode();
        if (!root.has("keys")) {
            root.putArray("keys");
        }
        return root;
    }

    private static ObjectNode find(ObjectNode root, String name) {
        for (JsonNode entry : root.path("keys")) {
            if (name.equals(entry.path("name").asText())) {
                return (ObjectNode) entry;
            }
        }
        return null;
    }

    private static ObjectNode existing(ObjectNode root, String name) {
        ObjectNode entry = find(root, name);
        if (entry == null) {
            throw ServiceIdEntry.unknown(name);
        }
        return entry;
    }

    private void write(ObjectNode root) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, ".api-keys", ".tmp");
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), root);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where the service IDs are kept and changed: the key file ({@link ApiKeyFile}) or, for many instances, a Kafka topic.
 * The credentials tool and the operator console change them only through this, so both act on the store the gateway
 * is configured with. Keys are returned once, by {@link #create} and {@link #rotate}; only their hashes are kept.
 */
public interface ServiceIds {

    /** Creates a service ID and returns its new key (or null when {@code withKey} is false: certificate only). */
    String create(String name, String role, List<String> topics, Instant expires, boolean withKey) throws IOException;

    /** Gives the service ID a new key; the old one stops working. Returns the new key. */
    String rotate(String name) throws IOException;

    /** Revokes the service ID: its key and its certificate stop working. */
    void revoke(String name) throws IOException;

    /** Sets (or clears, with null) the time after which the service ID stops working. */
    void expire(String name, Instant expires) throws IOException;

    /** Every service ID, without hashes. */
    List<ObjectNode> list() throws IOException;

    /** Whether changes can be made (a key file mounted read-only, from a Kubernetes Secret say, cannot). */
    boolean writable();

    /** Where they are kept, for people: {@code file data/api-keys.json}, {@code Kafka topic …}. */
    String location();
}

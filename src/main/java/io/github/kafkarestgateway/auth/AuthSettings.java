package io.github.kafkarestgateway.auth;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the API keys, where they are kept, and of failed authentications: {@code gateway.auth.*}. */
public final class AuthSettings {

    public static final Setting KEYS_FILE = Setting.of("gateway.auth.keys-file", "data/api-keys.json",
            "JSON file of hashed API keys and their topics (*, orders.*, exact names).");
    public static final Setting STORE = Setting.of("gateway.auth.store", "file",
            "Where the service IDs are kept: file (the key file, this instance's) or kafka (a compacted topic that every"
                    + " instance reads: the same service IDs on all, a change taking effect on all within seconds).");
    public static final Setting STORE_TOPIC = Setting.of("gateway.auth.store-topic", "rest-gateway-service-ids",
            "With gateway.auth.store=kafka, the compacted topic of the service IDs (hashes only; created when absent,"
                    + " never deleting).");
    public static final Setting CREATE_DEV_KEY = Setting.of("gateway.auth.create-dev-key", "true",
            "When the key file is absent (with the kafka store: when the topic holds no service ID), create one"
                    + " development key (operator, all topics) and print it once.");
    public static final Setting RELOAD_INTERVAL_MS = Setting.of("gateway.auth.reload-interval-ms", "1000",
            "How often in ms the key file and the TLS files are checked for changes.");
    public static final Setting MAX_FAILURES = Setting.of("gateway.auth.max-failures", "10",
            "Wrong credentials from one address, or for one Basic user name, after which further wrong ones from that"
                    + " source get 429 (valid ones never; 0: never).");
    public static final Setting FAILURE_WINDOW_MS = Setting.of("gateway.auth.failure-window-ms", "60000",
            "The window in ms those failures are counted in.");
    public static final Setting BLOCK_MS = Setting.of("gateway.auth.block-ms", "60000",
            "How long in ms such a source's wrong credentials get 429.");

    public static final Setting KAFKA_IDENTITY = Setting.of("gateway.auth.kafka-identity", "off",
            "Who produces: off (the service IDs of the key file, the gateway's own Kafka login), scram (HTTP Basic is a"
                    + " Kafka user's SCRAM login) or oauthbearer (the Bearer token is the caller's OAUTHBEARER token):"
                    + " records go by that user's own producer and Kafka's ACLs decide.");
    public static final Setting SCRAM_MECHANISM = Setting.of("gateway.auth.scram-mechanism", "SCRAM-SHA-512",
            "The SCRAM mechanism of the callers' logins: SCRAM-SHA-512 or SCRAM-SHA-256.");
    public static final Setting MAX_PRODUCERS = Setting.of("gateway.auth.kafka-identity.max-producers", "100",
            "Most callers' producers open at once; the least recently used closes first.");
    public static final Setting PRODUCER_IDLE_MS = Setting.of("gateway.auth.kafka-identity.idle-ms", "300000",
            "A caller's producer unused this many ms is closed.");
    public static final Setting RECHECK_MS = Setting.of("gateway.auth.kafka-identity.recheck-ms", "60000",
            "Verified credentials are verified by the brokers again after this many ms: a changed or revoked password"
                    + " stops working within it.");
    public static final Setting PRODUCER_BUFFER_BYTES = Setting.of("gateway.auth.kafka-identity.buffer-bytes",
            "2097152", "buffer.memory of each caller's producer (at least 2 × gateway.max-value-bytes).");
    public static final Setting MAX_CONCURRENT_CHECKS = Setting.of("gateway.auth.kafka-identity.max-concurrent-checks",
            "16", "Most verifications of new credentials by the brokers at once; over it, 503.");
    public static final Setting ACL_REFRESH_MS = Setting.of("gateway.auth.acl-refresh-ms", "10000",
            "With kafka-identity, how old in ms the cluster's ACLs that authorize client-certificate callers may be.");

    public static final List<Setting> ALL = List.of(KEYS_FILE, STORE, STORE_TOPIC, CREATE_DEV_KEY, RELOAD_INTERVAL_MS, MAX_FAILURES,
            FAILURE_WINDOW_MS, BLOCK_MS, KAFKA_IDENTITY, SCRAM_MECHANISM, MAX_PRODUCERS, PRODUCER_IDLE_MS, RECHECK_MS,
            PRODUCER_BUFFER_BYTES, MAX_CONCURRENT_CHECKS, ACL_REFRESH_MS);

    private AuthSettings() {
    }
}

package io.github.kafkarestgateway.kafka;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/**
 * Settings of the Kafka connection: the cluster, the gateway's own Kafka settings ({@code gateway.kafka.*}), the
 * producer options of the kafka component ({@code camel.component.kafka.*}, read by Camel itself, not by the gateway's
 * code) and the embedded broker of the run command ({@code gateway.embedded-kafka.*}). Further Kafka client properties
 * are given as {@code kafka.<client property>}; they are not settings of their own.
 */
public final class KafkaSettings {

    public static final Setting BOOTSTRAP_SERVERS = Setting.of("kafka.bootstrap.servers", "",
            "An existing cluster; empty runs the embedded broker.");
    public static final Setting CHECK_TIMEOUT_MS = Setting.of("gateway.kafka.check-timeout-ms", "5000",
            "Bound in ms of the topic check: unknown topic 404, no answer 503.");
    public static final Setting TOPIC_CACHE_MS = Setting.of("gateway.kafka.topic-cache-ms", "30000",
            "How long in ms an existing topic is remembered.");
    public static final Setting UNAVAILABLE_BACKOFF_MS = Setting.of("gateway.kafka.unavailable-backoff-ms", "1000",
            "After the cluster did not answer, how long in ms requests get 503 at once.");
    public static final Setting CONTINUATION_THREADS = Setting.of("gateway.kafka.continuation-threads", "32",
            "Threads on which requests go on after an asynchronous step (topic check, Idempotency-Key store, v2"
                    + " delivery); more than Vert.x's 20 workers.");

    public static final Setting REQUEST_REQUIRED_ACKS = Setting.of("camel.component.kafka.request-required-acks", "all",
            "Producer acks.");
    public static final Setting ENABLE_IDEMPOTENCE = Setting.of("camel.component.kafka.enable-idempotence", "true",
            "Idempotent producer.");
    public static final Setting RECORD_METADATA = Setting.of("camel.component.kafka.record-metadata", "true",
            "Keep the record metadata (required for the answer: its partition and offset).");
    public static final Setting KEY_SERIALIZER = Setting.of("camel.component.kafka.key-serializer",
            "org.apache.kafka.common.serialization.ByteArraySerializer",
            "Byte-array key serializer: keys go to Kafka unchanged.");
    public static final Setting VALUE_SERIALIZER = Setting.of("camel.component.kafka.value-serializer",
            "org.apache.kafka.common.serialization.ByteArraySerializer",
            "Byte-array value serializer: values go to Kafka unchanged.");
    public static final Setting MAX_BLOCK_MS = Setting.of("camel.component.kafka.max-block-ms", "5000",
            "Longest wait in ms of a send for metadata or buffer space.");
    public static final Setting DELIVERY_TIMEOUT_MS = Setting.of("camel.component.kafka.delivery-timeout-ms", "10000",
            "After this many ms, an unacknowledged record is a 408.");
    public static final Setting REQUEST_TIMEOUT_MS = Setting.of("camel.component.kafka.request-timeout-ms", "5000",
            "Produce request timeout in ms.");
    public static final Setting LINGER_MS = Setting.of("camel.component.kafka.linger-ms", "1",
            "Producer batching delay in ms.");
    public static final Setting WORKER_POOL = Setting.of("camel.component.kafka.worker-pool",
            "#class:io.github.kafkarestgateway.kafka.AckThreadExecutor",
            "Where an acknowledged exchange continues: the thread the acknowledgement is handed to, the request's"
                    + " event loop.");

    public static final Setting EMBEDDED_DATA_DIR = Setting.of("gateway.embedded-kafka.data-dir", "data/kafka",
            "Data directory of the embedded broker, kept across restarts.");
    public static final Setting EMBEDDED_PORT = Setting.of("gateway.embedded-kafka.port", "9092",
            "The embedded broker's client port.");
    public static final Setting EMBEDDED_CONTROLLER_PORT = Setting.of("gateway.embedded-kafka.controller-port", "9093",
            "The embedded broker's KRaft controller port.");
    public static final Setting EMBEDDED_AUTO_CREATE_TOPICS = Setting.of("gateway.embedded-kafka.auto-create-topics",
            "true", "Create topics on first produce (off: unknown topics are 404).");

    public static final List<Setting> ALL = List.of(BOOTSTRAP_SERVERS, CHECK_TIMEOUT_MS, TOPIC_CACHE_MS,
            UNAVAILABLE_BACKOFF_MS, CONTINUATION_THREADS, REQUEST_REQUIRED_ACKS, ENABLE_IDEMPOTENCE, RECORD_METADATA,
            KEY_SERIALIZER, VALUE_SERIALIZER, MAX_BLOCK_MS, DELIVERY_TIMEOUT_MS, REQUEST_TIMEOUT_MS, LINGER_MS,
            WORKER_POOL, EMBEDDED_DATA_DIR, EMBEDDED_PORT, EMBEDDED_CONTROLLER_PORT, EMBEDDED_AUTO_CREATE_TOPICS);

    private KafkaSettings() {
    }
}

package io.github.kafkarestgateway.deadletter;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the dead-letter store, its replay and the dead-letter route: {@code gateway.dead-letter.*}. */
public final class DeadLetterSettings {

    public static final Setting JOURNAL = Setting.of("gateway.dead-letter.journal", "data/dead-letters/journal.jsonl",
            "The dead-letter journal file.");
    public static final Setting MIN_FREE_BYTES = Setting.of("gateway.dead-letter.min-free-bytes", "67108864",
            "Below this many free bytes on its disk the store counts as full and produce requests get 503.");
    public static final Setting KAFKA_TOPIC = Setting.of("gateway.dead-letter.kafka-topic", "",
            "Kafka dead-letter topic for record-specific failures (500); empty: the journal.");
    public static final Setting KAFKA_BOOTSTRAP_SERVERS = Setting.of("gateway.dead-letter.kafka-bootstrap-servers", "",
            "Cluster of that topic; empty: the gateway's cluster.");
    public static final Setting REPLAY_TIMEOUT_MS = Setting.of("gateway.dead-letter.replay-timeout-ms", "10000",
            "Bound in ms for re-delivering one entry.");
    public static final Setting REPLAY_LOOKBACK_MS = Setting.of("gateway.dead-letter.replay-lookback-ms", "120000",
            "How far in ms before a failure replay looks for the record having been written after all.");
    public static final Setting AUTO_REPLAY = Setting.of("gateway.dead-letter.auto-replay", "false",
            "Replay pending dead letters automatically.");
    public static final Setting AUTO_REPLAY_PERIOD_MS = Setting.of("gateway.dead-letter.auto-replay-period-ms", "30000",
            "Period in ms of the automatic replay.");
    public static final Setting THREADS = Setting.of("gateway.dead-letter.threads", "4",
            "Threads that write dead letters, off the event loops and the Kafka client's thread.");
    public static final Setting QUEUE_SIZE = Setting.of("gateway.dead-letter.queue-size", "10000",
            "Failed requests waiting for those threads at most.");

    public static final List<Setting> ALL = List.of(JOURNAL, MIN_FREE_BYTES, KAFKA_TOPIC, KAFKA_BOOTSTRAP_SERVERS,
            REPLAY_TIMEOUT_MS, REPLAY_LOOKBACK_MS, AUTO_REPLAY, AUTO_REPLAY_PERIOD_MS, THREADS, QUEUE_SIZE);

    private DeadLetterSettings() {
    }
}

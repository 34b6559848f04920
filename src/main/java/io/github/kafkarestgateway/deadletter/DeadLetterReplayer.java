package io.github.kafkarestgateway.deadletter;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.kafkarestgateway.error.ErrorResponse;
import io.github.kafkarestgateway.kafka.LazyProducer;
import io.github.kafkarestgateway.kafka.ReliableProducer;
import io.github.kafkarestgateway.names.GatewayNames;
import io.micrometer.core.instrument.Counter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-delivers dead letters to Kafka: one at a time in the order they were stored (so per topic and key the original
 * order holds), with their key and headers plus a header naming the dead-letter id. An entry is marked replayed only
 * after the broker acknowledged it; a failure stops the run for that topic, so no later entry overtakes an earlier one.
 * A failed delivery may have been written after all (a timeout's outcome is unknown): each entry is looked for in its
 * topic first and re-sent only if absent, so each dead letter ends up in Kafka once. One replay runs at a time.
 */
public class DeadLetterReplayer implements AutoCloseable {

    /** At most this many entries are replayed by one run (the next run takes the next ones). */
    static final int BATCH = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

    /** What a replay did. */
    public record Result(List<Map<String, Object>> replayed, int pending, int notReplayable, String error) {
    }

    private final DeadLetterJournal journal;
    /** Counts the entries a replay delivered (or found delivered): gateway_dead_letters_replayed_total. */
    private final Counter replayedCount;
    private final LazyProducer producer;
    private final long timeoutMs;
    private final long lookbackMs;
    private final Map<String, Object> consumerProperties;
    private KafkaConsumer<byte[], byte[]> consumer;

    /**
     * @param timeoutMs  bound for re-delivering one entry
     * @param lookbackMs how far before a failure to look for the record having been written after all
     */
    public DeadLetterReplayer(DeadLetterJournal journal, Map<String, Object> kafkaClient, long timeoutMs,
                              long lookbackMs, Counter replayedCount) {
        this.journal = journal;
        this.replayedCount = replayedCount;
        this.timeoutMs = timeoutMs;
        this.lookbackMs = lookbackMs;
        this.producer = new LazyProducer(ReliableProducer.properties(kafkaClient, "rest-gateway-dead-letter-replay", timeoutMs));
        Map<String, Object> consumerProps = new HashMap<>(kafkaClient);
        consumerProps.put("key.deserializer", ByteArrayDeserializer.class.getName());
        consumerProps.put("value.deserializer", ByteArrayDeserializer.class.getName());
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("client.id", "rest-gateway-dead-letter-check");
        this.consumerProperties = consumerProps;
    }

    /**
     * Replays the oldest pending entries, at most {@link #BATCH} of them; {@code pending} in the result says how many
     * are left for the next run. Memory stays small whatever the journal holds: entries are read from the journal one
     * at a time, and of the records already in a topic only those that match a pending entry are kept (by digest).
     */
    public synchronized Result replay() {
        return replay(null);
    }

    /** As {@link #replay()}, for the entries of one topic only (all topics when null). */
    public synchronized Result replay(String onlyTopic) {
        List<Map<String, Object>> replayed = new ArrayList<>();
        String error = null;
        Map<String, Pending> batch = new LinkedHashMap<>();
        int[] notReplayable = {0};
        long[] replayable = {0};
        try {
            DeadLetterJournal.Summary summary = journal.summary();
            journal.scan(id -> !summary.replayed(id), entry -> {
                if (onlyTopic != null && !onlyTopic.equals(entry.topic())) {
                    return true;
                }
                if (entry.topic() == null || entry.value() == null) {
                    notReplayable[0]++;
                    return true;
                }
                replayable[0]++;
                if (batch.size() < BATCH) {
                    batch.put(entry.id(), new Pending(entry.topic(), entry.time().toEpochMilli(),
                            content(entry.key(), entry.value(), entry.headers())));
                }
                return true;
            });
        } catch (Exception e) {
            return new Result(List.of(), 0, 0, "cannot read the dead-letter store: " + e.getMessage());
        }
        Map<String, Map<String, Deque<long[]>>> written = new HashMap<>();
        Set<String> stopped = new HashSet<>();
        String[] failed = {null};
        try {
            journal.scan(batch::containsKey, entry -> {
                if (stopped.contains(entry.topic())) {
                    return true;
                }
                Pending pending = batch.get(entry.id());
                try {
                    Map<String, Deque<long[]>> index = written.get(entry.topic());
                    if (index == null) {
                        index = writtenSince(entry.topic(), batch.values().stream()
                                .filter(p -> p.topic().equals(entry.topic())).mapToLong(Pending::timeMs).min()
                                .orElseThrow() - lookbackMs, batch.values().stream()
                                .filter(p -> p.topic().equals(entry.topic())).map(Pending::digest)
                                .collect(Collectors.toSet()));
                        written.put(entry.topic(), index);
                    }
                    long[] found = index.getOrDefault(pending.digest(), new ArrayDeque<>()).poll();
                    if (found != null) {
                        // the failed write did land after all (a timeout's outcome is unknown), or the client sent it
                        // again: record where, and do not write it twice
                        journal.markReplayed(entry.id(), (int) found[0], found[1]);
                        replayed.add(Map.of("id", entry.id(), "topic", entry.topic(), "partition", (int) found[0],
                                "offset", found[1], "resent", false));
                        return true;
                    }
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(entry.topic(), null, entry.key(),
                            entry.value());
                    entry.headers().forEach(h -> record.headers().add(new RecordHeader(h.getKey(), h.getValue())));
                    record.headers().add(GatewayNames.DEAD_LETTER_ID_HEADER,
                            entry.id().getBytes(StandardCharsets.UTF_8));
                    RecordMetadata metadata = producer.get().send(record).get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
                    journal.markReplayed(entry.id(), metadata.partition(), metadata.offset());
                    replayed.add(Map.of("id", entry.id(), "topic", metadata.topic(), "partition", metadata.partition(),
                            "offset", metadata.offset(), "resent", true));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failed[0] = "interrupted";
                    return false;
                } catch (Exception e) {
                    // later entries of this topic wait, so that none overtakes this one; other topics go on
                    stopped.add(entry.topic());
                    String failure = "replay of " + entry.id() + " to topic " + entry.topic()
                            + " failed, its later entries wait: " + ErrorResponse.unwrap(e);
                    failed[0] = failed[0] == null ? failure : failed[0] + "; " + failure;
                    LOG.warn("{}", failure);
                }
                return true;
            });
            error = failed[0];
        } catch (Exception e) {
            error = "cannot read the dead-letter store: " + e.getMessage();
        }
        int left = (int) (replayable[0] - replayed.size());
        if (!replayed.isEmpty()) {
            replayedCount.increment(replayed.size());
            LOG.info("Replayed {} dead letter(s); {} pending", replayed.size(), left);
        }
        return new Result(replayed, left, notReplayable[0], error);
    }

    /** A pending entry of a replay run: what is needed to find it in its topic. */
    private record Pending(String topic, long timeMs, String digest) {
    }

    /**
     * Where records of a topic written since a time lie (partition and offset, oldest first), by content (key, value
     * and headers), for the contents asked for only: a failed delivery whose outcome is unknown (a timeout) may have
     * been written after all, so each dead letter is looked for before it is sent again.
     */
    private Map<String, Deque<long[]>> writtenSince(String topic, long since, Set<String> digests) {
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMillis(timeoutMs)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, since));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, Duration.ofMillis(timeoutMs));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofMillis(timeoutMs));
        consumer.assign(partitions);
        for (TopicPartition tp : partitions) {
            OffsetAndTimestamp start = starts.get(tp);
            consumer.seek(tp, start == null ? ends.get(tp) : start.offset());
        }
        Map<String, Deque<long[]>> index = new HashMap<>();
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("could not read topic " + topic + " within " + timeoutMs + " ms");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                    List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
                    record.headers().forEach(h -> headers.add(Map.entry(h.key(), h.value())));
                    String digest = content(record.key(), record.value(), headers);
                    if (digests.contains(digest)) {
                        index.computeIfAbsent(digest, c -> new ArrayDeque<>())
                                .add(new long[] {record.partition(), record.offset()});
                    }
                }
            }
        }
        consumer.unsubscribe();
        return index;
    }

    /**
     * A digest of what a record carries. Headers count by name, not by the order they were kept in: camel-kafka sends
     * a v1 request's headers in the order of Camel's header map (case-insensitive by name), not the request's. Headers
     * of the same name (v2) keep their order.
     */
    private static String content(byte[] key, byte[] value, List<Map.Entry<String, byte[]>> headers) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, key);
            update(digest, value);
            List<Map.Entry<String, byte[]>> byName = new ArrayList<>(headers);
            byName.sort(Map.Entry.comparingByKey());
            for (Map.Entry<String, byte[]> header : byName) {
                update(digest, header.getKey().getBytes(StandardCharsets.UTF_8));
                update(digest, header.getValue());
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void update(MessageDigest digest, byte[] bytes) {
        int length = bytes == null ? -1 : bytes.length;
        digest.update(new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length});
        if (bytes != null) {
            digest.update(bytes);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(consumerProperties);
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        producer.close();
        if (consumer != null) {
            consumer.close();
            consumer = null;
        }
    }
}

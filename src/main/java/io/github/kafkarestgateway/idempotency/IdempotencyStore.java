package io.github.kafkarestgateway.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.kafka.ReliableProducer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of {@code Idempotency-Key}s, shared by every gateway instance of a cluster through a compacted Kafka
 * topic: no database. Each instance tails the topic and applies its records in log order, so all instances agree:
 * <ul>
 * <li>{@code claim} — the first claim of a key (or one after the last claim expired) owns it: the request that wrote
 * it produces; a later claim of a key in flight or done loses;</li>
 * <li>{@code done} — the owner's answer (status and body), returned to every repeat within the window;</li>
 * <li>{@code release} — the owner failed: the key is free again, so the client's retry can produce.</li>
 * </ul>
 * A request claims by writing its claim and waiting, without a thread, until this instance has read the log up to it;
 * it then knows whether it won. Expiry uses the records' own timestamps (the broker's append time on a topic the
 * gateway created), so every instance decides alike.
 * <p>
 * Nothing grows without bound: an instance forgets a key once the log's time (the newest timestamp it read) is past
 * the key's expiry by a margin, which decides nothing differently as long as records are not appended out of
 * timestamp order by more than the margin; and the topic deletes records older than the window (compact and delete),
 * so that neither it nor an instance's start-up read grows with every key ever used.
 */
public class IdempotencyStore implements AutoCloseable, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a request with a key may do. */
    public sealed interface Decision permits Proceed, Replay, InFlight, Mismatch {
    }

    /** This request owns the key: produce, then {@link #done} or {@link #release}. */
    public record Proceed(String claimId) implements Decision {
    }

    /** The key was used for the same request before: answer this. */
    public record Replay(int status, String contentType, String body) implements Decision {
    }

    /** The same request is still in flight. */
    public record InFlight() implements Decision {
    }

    /** The key was used for another request. */
    public record Mismatch() implements Decision {
    }

    private record State(String claimId, String fingerprint, long at, boolean done, int status, String contentType,
                         String body) {
    }

    private final String topic;
    private final Map<String, Object> kafkaClient;
    private final long windowMs;
    private final long inFlightMs;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();
    private volatile long position;
    /** The newest record timestamp read: the log's time. */
    private long logTime;
    private long lastSweep;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private Thread reader;
    private volatile boolean running;

    public IdempotencyStore(String topic, Map<String, Object> kafkaClient, long windowMs, long inFlightMs) {
        this.topic = topic;
        this.kafkaClient = kafkaClient;
        this.windowMs = windowMs;
        this.inFlightMs = inFlightMs;
    }

    /** Claims the key for a request with this fingerprint. */
    public CompletableFuture<Decision> claim(String key, String fingerprint) {
        start();
        long now = System.currentTimeMillis();
        State state = states.get(key);
        if (state != null && state.done() && !expired(state, now)) {
            // an answered key stays answered for the window: that much of this instance's view cannot be stale
            return CompletableFuture.completedFuture(decide(key, fingerprint, null, now));
        }
        // anything else (free, or in flight: perhaps answered or released by now) is decided by the log's order
        String claimId = UUID.randomUUID().toString();
        ObjectNode claim = MAPPER.createObjectNode().put("t", "claim").put("id", claimId).put("fp", fingerprint);
        return write(key, claim).thenCompose(this::readUpTo).thenApply(ignored -> {
            Decision decision = decide(key, fingerprint, claimId, Long.MAX_VALUE);
            return decision != null ? decision : new InFlight();
        });
    }

    /** Remembers the owner's answer before it is sent. */
    public CompletableFuture<Void> done(String key, String claimId, String fingerprint, int status, String contentType,
                                        String body) {
        ObjectNode done = MAPPER.createObjectNode().put("t", "done").put("id", claimId).put("fp", fingerprint)
                .put("status", status).put("type", contentType).put("body", body);
        return write(key, done).thenApply(offset -> null);
    }

    /** Frees the key after the owner failed, so that a retry can produce. */
    public void release(String key, String claimId) {
        write(key, MAPPER.createObjectNode().put("t", "release").put("id", claimId)).exceptionally(e -> {
            LOG.warn("Could not release Idempotency-Key claim {}: {}", claimId, e.toString());
            return null;
        });
    }

    /**
     * What the known state says: null when the key is free (or, given our claim id, when we must wait for it), a
     * decision otherwise. {@code now} is Long.MAX_VALUE once the log was read up to our claim: then its order decides.
     */
    private Decision decide(String key, String fingerprint, String ourClaim, long now) {
        State state = states.get(key);
        if (state == null || now != Long.MAX_VALUE && expired(state, now)) {
            return null;
        }
        if (!state.fingerprint().equals(fingerprint)) {
            return new Mismatch();
        }
        if (state.done()) {
            return new Replay(state.status(), state.contentType(), state.body());
        }
        return state.claimId().equals(ourClaim) ? new Proceed(ourClaim) : new InFlight();
    }

    private boolean expired(State state, long now) {
        return now - state.at() > (state.done() ? windowMs : inFlightMs);
    }

    /** How far a record may lag the log's time and still be decided as it would have been before a key was forgotten. */
    private long forgetMarginMs() {
        return Math.min(60_000, windowMs);
    }

    /** Forgets the keys that expired a margin ago by the log's time (at most once a second; on the reader thread). */
    private void sweep() {
        long now = System.currentTimeMillis();
        if (now - lastSweep < 1000) {
            return;
        }
        lastSweep = now;
        long horizon = logTime - forgetMarginMs();
        states.values().removeIf(state -> expired(state, horizon));
    }

    /** How many keys this instance holds in memory. */
    public int keys() {
        return states.size();
    }

    /** Topic settings: compacted, and records older than the window (and any claim's timeout) deleted. */
    static Map<String, String> topicConfig(long windowMs, long inFlightMs, int brokers) {
        long retention = Math.max(windowMs, inFlightMs) + 3_600_000L;
        return Map.of(
                "cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(retention),
                "segment.ms", String.valueOf(Math.max(60_000L, Math.min(windowMs, 86_400_000L))),
                "message.timestamp.type", "LogAppendTime",
                "min.insync.replicas", brokers >= 3 ? "2" : "1");
    }

    /** Applies one record of the log; every instance applies the same records in the same order. */
    private void apply(ConsumerRecord<String, String> record) {
        JsonNode value;
        try {
            value = record.value() == null ? null : MAPPER.readTree(record.value());
        } catch (Exception e) {
            return;
        }
        logTime = Math.max(logTime, record.timestamp());
        String key = record.key();
        State current = states.get(key);
        if (value == null) {
            states.remove(key);
            return;
        }
        String id = value.path("id").asText();
        switch (value.path("t").asText()) {
            case "claim" -> {
                if (current == null || expired(current, record.timestamp())) {
                    states.put(key, new State(id, value.path("fp").asText(), record.timestamp(), false, 0, null, null));
                }
            }
            case "done" -> {
                if (current == null || current.claimId().equals(id)) {
                    states.put(key, new State(id, value.path("fp").asText(), record.timestamp(), true,
                            value.path("status").asInt(), value.path("type").asText(), value.path("body").asText()));
                }
            }
            case "release" -> {
                if (current != null && current.claimId().equals(id) && !current.done()) {
                    states.remove(key);
                }
            }
            default -> {
                // not ours
            }
        }
    }

    private CompletableFuture<Long> write(String key, ObjectNode value) {
        CompletableFuture<Long> written = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, 0, key, value.toString()), (metadata, failure) -> {
            if (failure != null) {
                written.completeExceptionally(failure);
            } else {
                written.complete(metadata.offset());
            }
        });
        return written;
    }

    /** Completes once this instance has applied the log up to the offset. */
    private CompletableFuture<Void> readUpTo(long offset) {
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        waiting.computeIfAbsent(offset, o -> new ArrayList<>()).add(caughtUp);
        wake();
        return caughtUp;
    }

    private synchronized void wake() {
        while (!waiting.isEmpty() && waiting.firstKey() < position) {
            waiting.pollFirstEntry().getValue().forEach(f -> f.complete(null));
        }
    }

    private synchronized void start() {
        if (running) {
            return;
        }
        try (Admin admin = Admin.create(kafkaClient)) {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) Math.min(3, brokers))
                        .configs(topicConfig(windowMs, inFlightMs, brokers)))).all()
                        .get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create the idempotency topic " + topic, e.getCause());
                }
                warnIfKeptForEver(admin);
            }
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create the idempotency topic " + topic, e);
        }
        Map<String, Object> producerProps = ReliableProducer.properties(kafkaClient, "rest-gateway-idempotency",
                10_000);
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", StringSerializer.class.getName());
        producerProps.remove("partitioner.class");
        producerProps.remove("interceptor.classes");
        producer = new KafkaProducer<>(producerProps);
        Map<String, Object> consumerProps = new HashMap<>(kafkaClient);
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.remove("interceptor.classes");
        consumer = new KafkaConsumer<>(consumerProps);
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        running = true;
        reader = new Thread(() -> {
            try {
                while (running) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                        apply(record);
                    }
                    position = consumer.position(partition);
                    wake();
                    sweep();
                }
            } catch (WakeupException stopping) {
                // closed
            } catch (RuntimeException e) {
                LOG.error("The idempotency reader stopped: {}", e.toString());
            } finally {
                consumer.close();
            }
        }, "idempotency-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** A topic made before (or by others) may keep every key for ever: say how to bound it; the gateway leaves it. */
    private void warnIfKeptForEver(Admin admin) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            String policy = config.get("cleanup.policy").value();
            if (!policy.contains("delete")) {
                LOG.warn("The idempotency topic {} keeps every key for ever (cleanup.policy={}); to drop keys after the"
                        + " window: kafka-configs.sh --alter --entity-type topics --entity-name {} --add-config"
                        + " 'cleanup.policy=[compact,delete],retention.ms={}'", topic, policy, topic,
                        topicConfig(windowMs, inFlightMs, 1).get("retention.ms"));
            }
        } catch (Exception e) {
            LOG.debug("Cannot read the settings of the idempotency topic {}: {}", topic, e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            consumer.wakeup();
            producer.close();
        }
    }

    /** Gauge of the Idempotency-Keys this instance holds in memory (those within their window). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("gateway.idempotency.keys", this, IdempotencyStore::keys)
                .description("Idempotency-Keys held in memory: those used within the window").register(registry);
    }
}

package io.github.kafkarestgateway.idempotency;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.kafka.TailedTopic;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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

    private final TailedTopic log;
    private final long windowMs;
    private final long inFlightMs;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    /** The newest record timestamp read: the log's time. */
    private long logTime;
    private long lastSweep;
    private boolean started;

    public IdempotencyStore(String topic, Map<String, Object> kafkaClient, long windowMs, long inFlightMs) {
        this.log = new TailedTopic(topic, kafkaClient, "rest-gateway-idempotency", 10_000);
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
        return write(key, claim).thenCompose(log::readUpTo).thenApply(ignored -> {
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
        return log.write(key, value.toString(), Map.of());
    }

    private synchronized void start() {
        if (started) {
            return;
        }
        if (!log.create(brokers -> topicConfig(windowMs, inFlightMs, brokers), 30_000)) {
            warnIfKeptForEver();
        }
        log.start(this::apply, this::sweep);
        started = true;
    }

    /** A topic made before (or by others) may keep every key for ever: say how to bound it; the gateway leaves it. */
    private void warnIfKeptForEver() {
        String policy = log.config("cleanup.policy", 30_000);
        if (policy != null && !policy.contains("delete")) {
            LOG.warn("The idempotency topic {} keeps every key for ever (cleanup.policy={}); to drop keys after the"
                    + " window: kafka-configs.sh --alter --entity-type topics --entity-name {} --add-config"
                    + " 'cleanup.policy=[compact,delete],retention.ms={}'", log.name(), policy, log.name(),
                    topicConfig(windowMs, inFlightMs, 1).get("retention.ms"));
        }
    }

    @Override
    public synchronized void close() {
        log.close();
    }

    /** Gauge of the Idempotency-Keys this instance holds in memory (those within their window). */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("gateway.idempotency.keys", this, IdempotencyStore::keys)
                .description("Idempotency-Keys held in memory: those used within the window").register(registry);
    }
}

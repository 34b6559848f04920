package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.kafka.TailedTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The service IDs kept on a compacted Kafka topic ({@code gateway.auth.store=kafka}) instead of the key file, so that
 * every gateway instance behind a load balancer accepts the same keys and a change made through any of them (or the
 * credentials tool) takes effect on all within a second or so. The topic holds one record per change, keyed by the
 * service ID's name, whose value is the entry as the key file holds it: hashes only, never keys. Every instance reads
 * it from the beginning and keeps what it read in an {@link ApiKeyStore}, which authenticates as it does for the file.
 * <p>
 * Changes are decided in log order ({@link ServiceIdLog}): a change is written as based on the record in effect, and
 * its writer waits until it has read its own record; a change based on a stale view is ignored by every instance, and
 * the writer tries again from the newer view: a create of a name that exists by then fails ("exists already"), a
 * rotate, revoke or expire is made again on the newer entry. A writer that lost writes the entry in effect again, so
 * that compaction keeps that one; an instance that sees a name left stranded for {@value #STRANDED_MS} ms (its writer
 * died) does it instead.
 */
public final class KafkaServiceIds implements ServiceIds, AutoCloseable {

    /** Header of a record: a random id by which its writer recognizes it when it reads it. */
    static final String CHANGE = "change";
    static final long STRANDED_MS = 10_000;
    private static final int ATTEMPTS = 10;
    private static final Logger LOG = LoggerFactory.getLogger(KafkaServiceIds.class);

    private final TailedTopic topic;
    private final long timeoutMs;
    private final long strandedMs;
    private final ServiceIdLog log = new ServiceIdLog();
    private final ApiKeyStore store = ApiKeyStore.fed();
    private final Map<String, CompletableFuture<Boolean>> pending = new ConcurrentHashMap<>();
    /** The outcomes of this poll's changes of ours, told once the store has the new entries. */
    private final List<Runnable> outcomes = new ArrayList<>();
    private final Set<String> settling = ConcurrentHashMap.newKeySet();
    private final ExecutorService settler = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "service-ids-settler");
        thread.setDaemon(true);
        return thread;
    });
    private boolean changed;
    private long lastStrandedCheck;

    /** The service IDs of this topic; each call to Kafka gives up after {@code timeoutMs}. */
    public KafkaServiceIds(String topicName, Map<String, Object> kafkaClient, long timeoutMs) {
        this(topicName, kafkaClient, timeoutMs, STRANDED_MS);
    }

    /** With another time after which a stranded name is written again (for tests). */
    KafkaServiceIds(String topicName, Map<String, Object> kafkaClient, long timeoutMs, long strandedMs) {
        this.topic = new TailedTopic(topicName, kafkaClient, "rest-gateway-service-ids", timeoutMs);
        this.timeoutMs = timeoutMs;
        this.strandedMs = strandedMs;
    }

    /**
     * Creates the topic unless it exists, and reads it to its end: on return, {@link #store()} holds every service ID
     * written before. Then it goes on reading.
     *
     * @throws IllegalStateException when Kafka does not answer within the timeout (and it is closed)
     */
    public KafkaServiceIds open() {
        try {
            if (!topic.create(KafkaServiceIds::topicConfig, timeoutMs)) {
                warnIfDeleting();
            }
            topic.start(this::apply, this::afterPoll);
            topic.readToEnd(timeoutMs);
            return this;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** What the gateway authenticates against: the service IDs read so far. */
    public ApiKeyStore store() {
        return store;
    }

    /**
     * Settings of the topic: compacted and never deleted (the newest record of every name kept for ever), each record
     * kept uncompacted for 10 minutes (time for its writer to settle a lost race), replicated like the
     * Idempotency-Key topic.
     */
    static Map<String, String> topicConfig(int brokers) {
        return Map.of(
                "cleanup.policy", "compact",
                "retention.ms", "-1",
                "retention.bytes", "-1",
                "min.compaction.lag.ms", "600000",
                "min.insync.replicas", String.valueOf(Math.min(2, brokers)));
    }

    /** A topic made by others may delete records, and with them service IDs: say so (the gateway leaves it). */
    private void warnIfDeleting() {
        String policy = topic.config("cleanup.policy", timeoutMs);
        if (policy != null && !policy.equals("compact")) {
            LOG.warn("The service-ID topic {} has cleanup.policy={}: service IDs are deleted with their records; make"
                    + " it compact only: kafka-configs.sh --alter --entity-type topics --entity-name {} --add-config"
                    + " cleanup.policy=compact", topic.name(), policy, topic.name());
        }
    }

    /** The log's decisions so far (for tests). */
    ServiceIdLog log() {
        return log;
    }

    @Override
    public String create(String name, String role, List<String> topics, Instant expires, boolean withKey)
            throws IOException {
        String key = withKey ? ApiKeyStore.newKey() : null;
        change(name, current -> {
            if (current != null) {
                throw ServiceIdEntry.existsAlready(name);
            }
            return ServiceIdEntry.create(name, role, topics, expires, key);
        });
        return key;
    }

    @Override
    public String rotate(String name) throws IOException {
        String key = ApiKeyStore.newKey();
        changeExisting(name, entry -> ServiceIdEntry.rotate(entry, key));
        return key;
    }

    @Override
    public void revoke(String name) throws IOException {
        changeExisting(name, ServiceIdEntry::revoke);
    }

    @Override
    public void expire(String name, Instant expires) throws IOException {
        changeExisting(name, entry -> ServiceIdEntry.expire(entry, expires));
    }

    /** Every service ID this instance has read, without hashes. */
    @Override
    public List<ObjectNode> list() {
        return log.entries().stream().map(ServiceIdEntry::listed).toList();
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public String location() {
        return "Kafka topic " + topic.name();
    }

    private void changeExisting(String name, Consumer<ObjectNode> edit) throws IOException {
        change(name, current -> {
            if (current == null) {
                throw ServiceIdEntry.unknown(name);
            }
            edit.accept(current);
            return current;
        });
    }

    /** A record written and read back: its offset, and whether it took effect. */
    private record Written(long offset, boolean tookEffect) {
    }

    /**
     * Makes a change of the name's entry (given a copy of the entry in effect, or null; it returns the new entry or
     * refuses with an IllegalArgumentException) take effect in log order, made again from the newer entry while others'
     * changes come first. It starts from the log as of now (read to its end), so that a change made through another
     * instance a moment ago is known.
     */
    private void change(String name, UnaryOperator<ObjectNode> change) throws IOException {
        // decide on what every instance has written so far: a service ID just made through another instance is known
        try {
            topic.readToEnd(timeoutMs);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
        Long lost = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            ServiceIdLog.Version version = log.version(name);
            ObjectNode proposed;
            try {
                proposed = change.apply(version == null ? null : version.entry().deepCopy());
            } catch (IllegalArgumentException refused) {
                if (lost != null) {
                    settle(name, lost);
                }
                throw refused;
            }
            Written written = write(name, proposed, version == null ? -1 : version.offset());
            if (written.tookEffect()) {
                return;
            }
            LOG.debug("The change of service ID '{}' at offset {} came after another one: made again",
                    name, written.offset());
            lost = written.offset();
        }
        if (lost != null) {
            settle(name, lost);
        }
        throw new IOException("Service ID '" + name + "' was changed by others " + ATTEMPTS + " times while this"
                + " change was made; try again");
    }

    /**
     * While the name's newest record is one that was ignored, writes the entry in effect again, based on its record.
     * With {@code ours}, only while that ignored record is ours (at that offset, or a later one of this settling): a
     * writer settles what it left, not what another writer is settling; null settles whoever left it.
     */
    private void settle(String name, Long ours) throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Long stranded = log.strandedAt(name);
            if (stranded == null || ours != null && !stranded.equals(ours)) {
                return;
            }
            ServiceIdLog.Version version = log.version(name);
            Written written = write(name, version.entry(), version.offset());
            if (written.tookEffect()) {
                return;
            }
            ours = written.offset();
        }
    }

    /** Writes an entry based on the record at {@code basedOn}, and waits until this instance has read it. */
    private Written write(String name, ObjectNode entry, long basedOn) throws IOException {
        String change = UUID.randomUUID().toString();
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        pending.put(change, outcome);
        try {
            long offset = topic.write(name, entry.toString(),
                    Map.of(ServiceIdLog.BASED_ON, String.valueOf(basedOn), CHANGE, change))
                    .get(2 * timeoutMs, TimeUnit.MILLISECONDS);
            return new Written(offset, outcome.get(timeoutMs, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            throw new IOException("No answer from Kafka within " + timeoutMs + " ms about the change of service ID '"
                    + name + "' (it may still take effect: list the service IDs to see)", e);
        } catch (ExecutionException e) {
            throw new IOException("Cannot write the change of service ID '" + name + "' to the topic " + topic.name()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while changing service ID '" + name + "'", e);
        } finally {
            pending.remove(change);
        }
    }

    /** On the reader thread, in log order. */
    private void apply(ConsumerRecord<String, String> record) {
        String basedOn = header(record, ServiceIdLog.BASED_ON);
        boolean tookEffect = log.apply(record.key(), record.value(), basedOn == null ? null : Long.valueOf(basedOn),
                record.offset(), System.currentTimeMillis());
        changed |= tookEffect;
        String change = header(record, CHANGE);
        CompletableFuture<Boolean> outcome = change == null ? null : pending.get(change);
        if (outcome != null) {
            outcomes.add(() -> outcome.complete(tookEffect));
        }
    }

    /** After each poll, on the reader thread: the store gets what was read, then writers learn their outcomes. */
    private void afterPoll() {
        if (changed) {
            store.replace(log.entries());
            changed = false;
        }
        outcomes.forEach(Runnable::run);
        outcomes.clear();
        long now = System.currentTimeMillis();
        if (now - lastStrandedCheck >= 1000) {
            lastStrandedCheck = now;
            log.strandedFor(strandedMs, now).forEach(this::settleLater);
        }
    }

    /** Settles a name stranded by a writer that did not (it died, say), off the reader thread. */
    private void settleLater(String name) {
        if (settling.add(name)) {
            settler.execute(() -> {
                try {
                    LOG.info("Writing service ID '{}' again: its newest record on {} did not take effect", name,
                            topic.name());
                    settle(name, null);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not write service ID '{}' again: {}", name, e.getMessage());
                } finally {
                    settling.remove(name);
                }
            });
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    @Override
    public void close() {
        settler.shutdownNow();
        topic.close();
    }
}

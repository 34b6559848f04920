package io.github.kafkarestgateway.kafka;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka producers of the callers, one per Kafka user, so that each record is produced as its caller and the
 * cluster's ACLs decide ({@code gateway.auth.kafka-identity}). A caller's credentials (SCRAM user and password, or an
 * OAuth bearer token) are first verified by the brokers: a short-lived admin client logs in with them and asks for
 * the cluster id. Then a producer is made with them (the kafka component's producer settings: acks=all, idempotent;
 * a small {@code buffer.memory} of its own), reused by the caller's later requests and closed when idle for
 * {@code idleMs}, when more than {@code maxProducers} callers are active (the least recently used goes), when its
 * credentials are refused on a later login, or when they were replaced by new ones.
 * <p>
 * A request's credentials are compared with the verified ones by a keyed hash (HMAC-SHA-256 with a key of this
 * process, in constant time): a wrong password is never let through because the right one was seen before; it is
 * verified by the brokers like any new credentials, and the right one stays in use. After {@code recheckMs} verified
 * credentials are verified again (on the caller's next request), so a changed or revoked password or a revoked
 * token stops working within that bound even when the brokers never ask for a new login. Concurrent requests with the
 * same new credentials share one verification; at most {@code maxConcurrentChecks} run at once.
 * <p>
 * A producer in use by a request is closed only once that request is done (each request holds its caller from
 * authentication to its end): records handed to it are acknowledged, never dropped.
 */
public final class CallerProducers implements AutoCloseable, MeterBinder {

    private static final Logger LOG = LoggerFactory.getLogger(CallerProducers.class);
    /** Record header naming the caller's producer from the route to the kafka component's producer; never produced. */
    public static final String HANDLE_HEADER = "gateway-caller-producer";
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * How long a topic the brokers refused a caller stays refused without asking them: a producer refused a topic
     * in its metadata would make each further send wait for max.block.ms, holding a thread.
     */
    static final long REFUSAL_MEMORY_MS = 2000;
    private static final int MAX_REFUSED_TOPICS = 256;

    /** How the callers authenticate to Kafka. */
    public enum Mechanism {
        SCRAM_SHA_256("SCRAM-SHA-256"), SCRAM_SHA_512("SCRAM-SHA-512"), OAUTHBEARER("OAUTHBEARER");

        private final String saslName;

        Mechanism(String saslName) {
            this.saslName = saslName;
        }

        public String saslName() {
            return saslName;
        }

        public boolean scram() {
            return this != OAUTHBEARER;
        }

        /** From {@code gateway.auth.kafka-identity} and {@code gateway.auth.scram-mechanism}; null when off. */
        public static Mechanism of(String identity, String scramMechanism) {
            return switch (identity.trim().toLowerCase(Locale.ROOT)) {
                case "off", "" -> null;
                case "oauthbearer" -> OAUTHBEARER;
                case "scram" -> switch (scramMechanism.trim().toUpperCase(Locale.ROOT)) {
                    case "SCRAM-SHA-512", "SHA-512" -> SCRAM_SHA_512;
                    case "SCRAM-SHA-256", "SHA-256" -> SCRAM_SHA_256;
                    default -> throw new IllegalArgumentException("gateway.auth.scram-mechanism must be SCRAM-SHA-512"
                            + " or SCRAM-SHA-256, not '" + scramMechanism + "'");
                };
                default -> throw new IllegalArgumentException("gateway.auth.kafka-identity must be off, scram or"
                        + " oauthbearer, not '" + identity + "'");
            };
        }
    }

    /** What a caller presented: a Kafka user name and its password, or a token's subject and the token. */
    public record Credentials(String name, String secret) {
        @Override
        public String toString() {
            return "Credentials[" + name + "]";
        }
    }

    /** The brokers could not be asked (no answer within the bound, or too many verifications at once). */
    public static final class VerificationUnavailable extends RuntimeException {
        VerificationUnavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One caller: its verified credentials' keyed hash, and its producer. */
    public final class Caller {
        private final String handle;
        private final String name;
        private final byte[] fingerprint;
        private final Producer<byte[], byte[]> producer;
        private final AtomicInteger users = new AtomicInteger();
        private final Map<String, Long> refusedTopics = new ConcurrentHashMap<>();
        private volatile long verifiedAt;
        private volatile long expiresAt;
        private volatile boolean retired;
        private boolean closed;

        private Caller(String name, byte[] fingerprint, Producer<byte[], byte[]> producer, long expiresAt) {
            this.handle = HexFormat.of().formatHex(randomBytes(16));
            this.name = name;
            this.fingerprint = fingerprint;
            this.producer = producer;
            this.verifiedAt = System.currentTimeMillis();
            this.expiresAt = expiresAt;
        }

        public String handle() {
            return handle;
        }

        public String name() {
            return name;
        }

        Producer<byte[], byte[]> producer() {
            return producer;
        }

        /**
         * Holds the producer open until {@link #release()}; false when it is closed already. A caller evicted (or
         * replaced) meanwhile may still be held: its producer closes when the last request holding it is done.
         */
        public synchronized boolean acquire() {
            if (closed) {
                return false;
            }
            users.incrementAndGet();
            return true;
        }

        /** Held once for each request of the verification; false when the producer is closed already. */
        private synchronized boolean hold(Verification verification) {
            if (closed) {
                return false;
            }
            users.addAndGet(verification.settle());
            return true;
        }

        public void release() {
            if (users.decrementAndGet() <= 0 && retired) {
                closeWhenUnused();
            }
        }

        /** True while a send to this topic was refused by Kafka's ACLs a moment ago. */
        boolean refusedRecently(String topic) {
            Long until = refusedTopics.get(topic);
            return until != null && until > System.currentTimeMillis();
        }

        void refusedTopic(String topic) {
            if (refusedTopics.size() >= MAX_REFUSED_TOPICS) {
                long now = System.currentTimeMillis();
                refusedTopics.values().removeIf(until -> until <= now);
                if (refusedTopics.size() >= MAX_REFUSED_TOPICS) {
                    return;
                }
            }
            refusedTopics.put(topic, System.currentTimeMillis() + REFUSAL_MEMORY_MS);
        }

        private boolean fresh(long now) {
            return !retired && now - verifiedAt < recheckMs && (expiresAt == 0 || now < expiresAt);
        }

        private void retire() {
            retired = true;
            if (users.get() <= 0) {
                closeWhenUnused();
            }
        }

        private void closeWhenUnused() {
            synchronized (this) {
                if (closed || users.get() > 0) {
                    return;
                }
                closed = true;
            }
            byHandle.remove(handle);
            closer.execute(() -> {
                try {
                    producer.close(Duration.ofSeconds(5));
                } catch (RuntimeException e) {
                    LOG.debug("Closing the producer of {}: {}", name, e.toString());
                } finally {
                    alive.decrementAndGet();
                }
            });
        }
    }

    private final Mechanism mechanism;
    private final Map<String, Object> clientProperties;
    private final long recheckMs;
    private final long bufferBytes;
    private final int verifyTimeoutMs;
    private final int maxConcurrentChecks;
    private final Executor closer;
    private final Cache<String, Caller> callers;
    private final Map<String, Caller> byHandle = new ConcurrentHashMap<>();
    private final Map<String, Verification> verifying = new ConcurrentHashMap<>();
    private final AtomicInteger checks = new AtomicInteger();
    private final AtomicInteger alive = new AtomicInteger();
    private final AtomicLong created = new AtomicLong();
    private final SecretKeySpec fingerprintKey = new SecretKeySpec(randomBytes(32), "HmacSHA256");
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
    private volatile Map<String, Object> producerProperties;

    /**
     * @param clientProperties the gateway's own Kafka client properties ({@code kafka.*}): the cluster, its
     *                         security protocol (SASL_SSL or SASL_PLAINTEXT) and TLS trust; the SASL login is the
     *                         caller's
     * @param closer           where producers are closed (closing waits for their last acknowledgements)
     */
    public CallerProducers(Mechanism mechanism, Map<String, Object> clientProperties, int maxProducers, long idleMs,
                           long recheckMs, long bufferBytes, int verifyTimeoutMs, int maxConcurrentChecks,
                           Executor closer) {
        String protocol = String.valueOf(clientProperties.getOrDefault("security.protocol", "PLAINTEXT"));
        if (!protocol.toUpperCase(Locale.ROOT).startsWith("SASL_")) {
            throw new IllegalArgumentException("gateway.auth.kafka-identity needs a SASL connection to Kafka:"
                    + " set kafka.security.protocol to SASL_SSL (or SASL_PLAINTEXT), not " + protocol);
        }
        this.mechanism = mechanism;
        this.clientProperties = Map.copyOf(clientProperties);
        this.recheckMs = recheckMs;
        this.bufferBytes = bufferBytes;
        this.verifyTimeoutMs = verifyTimeoutMs;
        this.maxConcurrentChecks = maxConcurrentChecks;
        this.closer = closer;
        this.callers = Caffeine.newBuilder()
                .maximumSize(maxProducers)
                .expireAfterAccess(idleMs, TimeUnit.MILLISECONDS)
                .scheduler(Scheduler.systemScheduler())
                // evictions run on the thread that adds a caller: the bound holds as soon as the put returns
                .executor(Runnable::run)
                .removalListener((String name, Caller caller, RemovalCause cause) -> {
                    if (caller != null) {
                        caller.retire();
                    }
                })
                .build();
    }

    public Mechanism mechanism() {
        return mechanism;
    }

    /**
     * The producer settings of the kafka component (given by its client factory when it makes its own producer),
     * which the callers' producers take, with their own login and buffer.
     */
    void producerProperties(Properties componentProducer) {
        Map<String, Object> props = new HashMap<>();
        componentProducer.forEach((key, value) -> props.put(String.valueOf(key), value));
        producerProperties = props;
    }

    /**
     * Whether these are the credentials verified last for their user, however long ago (they need no protection
     * against guessing: a new verification of them is no guess).
     */
    public boolean known(Credentials credentials) {
        Caller caller = callers.getIfPresent(credentials.name());
        return caller != null && MessageDigest.isEqual(caller.fingerprint, fingerprint(credentials));
    }

    /** The caller these credentials were verified for, recently enough; null when they must be verified. */
    public Caller current(Credentials credentials) {
        Caller caller = callers.getIfPresent(credentials.name());
        if (caller == null || !caller.fresh(System.currentTimeMillis())
                || !MessageDigest.isEqual(caller.fingerprint, fingerprint(credentials))) {
            return null;
        }
        return caller;
    }

    /** One verification of new credentials, shared by the requests that presented them meanwhile. */
    private static final class Verification {
        final CompletableFuture<Caller> result = new CompletableFuture<>();
        private int holders;
        private boolean settled;

        /** Counts one more request to be handed the caller; false once the result is being handed out. */
        synchronized boolean join() {
            if (settled) {
                return false;
            }
            holders++;
            return true;
        }

        synchronized int settle() {
            settled = true;
            return holders;
        }
    }

    /**
     * Has the brokers verify the credentials, then makes (or keeps) the caller's producer, held for this request
     * ({@link Caller#release()} when it is done). Fails with the brokers'
     * {@link org.apache.kafka.common.errors.AuthenticationException} when they refuse the credentials, or with
     * {@link VerificationUnavailable}.
     */
    public CompletableFuture<Caller> verify(Credentials credentials) {
        byte[] fingerprint = fingerprint(credentials);
        String key = credentials.name() + '\u0000' + Base64.getEncoder().encodeToString(fingerprint);
        while (true) {
            Verification shared = verifying.get(key);
            if (shared != null) {
                if (shared.join()) {
                    return shared.result;
                }
                // being handed out right now: it will be in the cache, or it failed
                Caller done = current(credentials);
                if (done != null && done.acquire()) {
                    return CompletableFuture.completedFuture(done);
                }
                verifying.remove(key, shared);
                continue;
            }
            if (checks.incrementAndGet() > maxConcurrentChecks) {
                checks.decrementAndGet();
                return CompletableFuture.failedFuture(
                        new VerificationUnavailable("Too many credential verifications at once", null));
            }
            Verification verification = new Verification();
            verification.join();
            if (verifying.putIfAbsent(key, verification) != null) {
                checks.decrementAndGet();
                continue;
            }
            verification.result.whenComplete((caller, failure) -> {
                verifying.remove(key, verification);
                checks.decrementAndGet();
            });
            start(credentials, fingerprint, verification);
            return verification.result;
        }
    }

    private void start(Credentials credentials, byte[] fingerprint, Verification verification) {
        Admin admin;
        try {
            Map<String, Object> props = withLogin(new HashMap<>(clientProperties), credentials, "rest-gateway-verify");
            props.put("default.api.timeout.ms", String.valueOf(Math.max(verifyTimeoutMs, 1000)));
            props.put("request.timeout.ms", String.valueOf(Math.max(verifyTimeoutMs, 1000)));
            admin = Admin.create(props);
        } catch (RuntimeException e) {
            verification.settle();
            verification.result.completeExceptionally(new VerificationUnavailable("Cannot make a Kafka client", e));
            return;
        }
        admin.describeCluster(new DescribeClusterOptions().timeoutMs(verifyTimeoutMs)).clusterId()
                .whenComplete((clusterId, failure) -> {
                    closer.execute(() -> admin.close(Duration.ZERO));
                    if (failure != null) {
                        verification.settle();
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        if (cause instanceof org.apache.kafka.common.errors.AuthenticationException refused) {
                            forgetRefused(credentials.name(), fingerprint);
                            verification.result.completeExceptionally(refused);
                        } else {
                            verification.result.completeExceptionally(new VerificationUnavailable(
                                    "Kafka did not answer the verification of the credentials", cause));
                        }
                        return;
                    }
                    try {
                        verification.result.complete(verified(credentials, fingerprint, verification));
                    } catch (RuntimeException e) {
                        verification.result.completeExceptionally(
                                new VerificationUnavailable("Cannot make the producer", e));
                    }
                });
    }

    /**
     * After the brokers refused credentials: when they are the ones verified before (a password changed or revoked
     * since), that caller's producer goes; a wrong password leaves the caller verified with the right one as it is.
     */
    private void forgetRefused(String name, byte[] fingerprint) {
        Caller previous = callers.getIfPresent(name);
        if (previous != null && MessageDigest.isEqual(previous.fingerprint, fingerprint)) {
            callers.asMap().remove(name, previous);
        }
    }

    /** The caller of verified credentials, held once for each request that waited for the verification. */
    private Caller verified(Credentials credentials, byte[] fingerprint, Verification verification) {
        long expiresAt = mechanism == Mechanism.OAUTHBEARER ? CallerToken.parse(credentials.secret()).lifetimeMs() : 0;
        Caller existing = callers.getIfPresent(credentials.name());
        if (existing != null && MessageDigest.isEqual(existing.fingerprint, fingerprint)
                && existing.hold(verification)) {
            existing.verifiedAt = System.currentTimeMillis();
            existing.expiresAt = expiresAt;
            return existing;
        }
        Map<String, Object> base = producerProperties;
        if (base == null) {
            throw new IllegalStateException("The kafka component has made no producer yet");
        }
        Map<String, Object> props = withLogin(new HashMap<>(base), credentials,
                "rest-gateway-caller-" + created.incrementAndGet());
        props.put("buffer.memory", String.valueOf(bufferBytes));
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        Caller caller = new Caller(credentials.name(), fingerprint, new KafkaProducer<>(props), expiresAt);
        alive.incrementAndGet();
        // held before it is cached: an eviction right away (the cache may prefer callers it saw more often) leaves
        // the producer open for these requests
        caller.hold(verification);
        byHandle.put(caller.handle(), caller);
        // a caller with other credentials before (a changed password, a new token) is replaced: its producer closes
        callers.put(credentials.name(), caller);
        LOG.info("Producing as Kafka user '{}' ({} caller producers open)", credentials.name(), alive.get());
        return caller;
    }

    private Map<String, Object> withLogin(Map<String, Object> props, Credentials credentials, String clientId) {
        props.put("sasl.mechanism", mechanism.saslName());
        if (mechanism == Mechanism.OAUTHBEARER) {
            props.put("sasl.jaas.config", SaslLogin.oauthBearer(credentials.secret()));
            props.put("sasl.login.callback.handler.class", CallerTokenLogin.class.getName());
        } else {
            props.put("sasl.jaas.config", SaslLogin.scram(credentials.name(), credentials.secret()));
            props.remove("sasl.login.callback.handler.class");
        }
        props.remove("sasl.client.callback.handler.class");
        props.put("client.id", clientId);
        return props;
    }

    /** The producer of a caller a request holds; null when there is none by that handle. */
    public Producer<byte[], byte[]> producer(String handle) {
        Caller caller = caller(handle);
        return caller == null ? null : caller.producer;
    }

    Caller caller(String handle) {
        return handle == null ? null : byHandle.get(handle);
    }

    /** A send as this caller was refused a login (its password changed, its token expired): it logs in anew. */
    void refused(String handle) {
        Caller caller = byHandle.get(handle);
        if (caller != null) {
            callers.asMap().remove(caller.name(), caller);
        }
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("gateway.kafka.caller.producers", alive, AtomicInteger::get)
                .description("Producers open as callers' Kafka users (gateway.auth.kafka-identity)").register(registry);
    }

    /** Producers open now, including those closing after their last request. */
    public int alive() {
        return alive.get();
    }

    @Override
    public void close() {
        callers.invalidateAll();
        callers.cleanUp();
    }

    private byte[] fingerprint(Credentials credentials) {
        Mac mac = macs.get();
        mac.update(credentials.name().getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(credentials.secret().getBytes(StandardCharsets.UTF_8));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}

package io.github.kafkarestgateway.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recent history of the gateway's own meters, for the operator console's overview charts: no external monitoring
 * needed. Each {@link #sample()} (every {@code gateway.console.sample-ms}, by a scheduler of the context) adds one
 * {@link MeterSample}; the newest {@code gateway.console.history-samples} are kept, in memory bounded by that number.
 * <p>
 * Rates are the differences of the request counters between two samples over the time between them; the p99 is that
 * of the requests answered between them, from the differences of the timers' histogram counts (which count from the
 * start), so one slow minute does not colour the next. Readiness is that of {@code GET /ready}, through the same
 * {@link DependencyChecks}; the sampler waits for a check at most {@value #MAX_READINESS_WAIT_MS} ms (or half a
 * sample), and a check still under way leaves the last answer. Dead letters pending are counted again only when the
 * journal changed ({@link DeadLettersPending}).
 * <p>
 * Samples are taken one at a time; {@link #snapshot()} and {@link #samples()} may be called from any thread meanwhile.
 * A sample that fails is logged and skipped: the next covers its interval too.
 */
public final class MeterHistory {

    /** The longest the sampler waits for a readiness check (the checks' own bound is the Kafka check timeout). */
    static final long MAX_READINESS_WAIT_MS = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(MeterHistory.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final GatewayMetrics metrics;
    private final DependencyChecks dependencies;
    private final DeadLettersPending deadLetters;
    private final String instance;
    private final long sampleMs;
    private final InstantSource clock;
    private final long readinessWaitMs;
    private final SampleRing samples;
    private final Object sampling = new Object();
    // the last reading, the last known readiness and the last failure: read and written while sampling only
    private MeterReading previous;
    private Instant previousTime;
    private boolean kafkaReady;
    private boolean registryReady;
    private String lastFailure;

    /**
     * @param instance       which gateway this is, as the console shows it (the host name)
     * @param sampleMs       the time between samples, as the scheduler keeps it (shown to the console)
     * @param historySamples how many samples are kept
     * @param clock          the time of each sample (a test's own, to control the intervals)
     */
    public MeterHistory(GatewayMetrics metrics, DependencyChecks dependencies, DeadLettersPending deadLetters,
                        String instance, long sampleMs, int historySamples, InstantSource clock) {
        if (sampleMs < 1) {
            throw new IllegalArgumentException("gateway.console.sample-ms must be at least 1, not " + sampleMs);
        }
        this.metrics = metrics;
        this.dependencies = dependencies;
        this.deadLetters = deadLetters;
        this.instance = instance;
        this.sampleMs = sampleMs;
        this.clock = clock;
        this.readinessWaitMs = Math.min(MAX_READINESS_WAIT_MS, Math.max(1, sampleMs / 2));
        this.samples = new SampleRing(historySamples);
        // the first sample's interval starts now
        this.previousTime = clock.instant();
        this.previous = metrics.read();
    }

    /** Takes a sample of the interval since the last one and keeps it; never throws (a failure is logged). */
    public void sample() {
        synchronized (sampling) {
            try {
                // the checks first, so that they run while the meters are read
                CompletableFuture<String> kafka = dependencies.kafkaProblem();
                CompletableFuture<String> registry = dependencies.registryProblem();
                Instant time = clock.instant();
                MeterReading reading = metrics.read();
                long pending = deadLetters.get();
                awaitBriefly(CompletableFuture.allOf(kafka, registry));
                kafkaReady = answered(kafka, kafkaReady);
                registryReady = answered(registry, registryReady);
                samples.add(between(previous, previousTime, reading, time, pending));
                previous = reading;
                previousTime = time;
                lastFailure = null;
            } catch (RuntimeException e) {
                // logged whole once, not every few seconds while it lasts
                boolean again = e.toString().equals(lastFailure);
                lastFailure = e.toString();
                if (again) {
                    LOG.debug("A sample of the meters for the console failed again: {}", lastFailure);
                } else {
                    LOG.warn("A sample of the meters for the console failed; the next one covers its interval", e);
                }
            }
        }
    }

    private MeterSample between(MeterReading before, Instant from, MeterReading now, Instant time, long pending) {
        double seconds = Math.max(Duration.between(from, time).toNanos(), 1_000_000) / 1e9;
        return new MeterSample(time,
                Math.max(0, now.requests() - before.requests()) / seconds,
                Math.max(0, now.errors4xx() - before.errors4xx()) / seconds,
                Math.max(0, now.errors5xx() - before.errors5xx()) / seconds,
                now.durations().minus(before.durations()).quantileMs(0.99),
                Math.round(now.inFlight()), pending, kafkaReady,
                dependencies.hasRegistry() ? registryReady : null);
    }

    private void awaitBriefly(CompletableFuture<Void> checks) {
        try {
            checks.get(readinessWaitMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException stillUnderWayOrFailed) {
            // the last answer stands (a failed check is one without an answer)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ready when the check answered no problem; the last answer while it is under way. */
    private static boolean answered(CompletableFuture<String> problem, boolean last) {
        return problem.isDone() ? !problem.isCompletedExceptionally() && problem.join() == null : last;
    }

    /** The samples kept, oldest first. */
    public List<MeterSample> samples() {
        return samples.toList();
    }

    /** The time between samples in ms. */
    public long sampleMs() {
        return sampleMs;
    }

    /**
     * The history as the console shows it: {@code instance}, {@code sampleMs}, {@code now} (the newest sample without
     * its time; null before the first) and {@code samples}, oldest first, each with its {@code time}.
     */
    public ObjectNode snapshot() {
        List<MeterSample> kept = samples.toList();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("instance", instance);
        root.put("sampleMs", sampleMs);
        if (kept.isEmpty()) {
            root.putNull("now");
        } else {
            kept.get(kept.size() - 1).writeTo(root.putObject("now"), false);
        }
        ArrayNode array = root.putArray("samples");
        kept.forEach(sample -> sample.writeTo(array.addObject(), true));
        return root;
    }
}

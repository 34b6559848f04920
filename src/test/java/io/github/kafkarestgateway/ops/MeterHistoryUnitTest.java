package io.github.kafkarestgateway.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.micrometer.core.instrument.Gauge;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's history of a real {@link GatewayMetrics}, fed by {@code request(...)} calls, with a clock of the
 * test's own and samples taken by the test: no waiting.
 */
class MeterHistoryUnitTest {

    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    @TempDir
    Path dir;

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    private final InstantSource clock = now::get;
    private final DeadLettersPending noDeadLetters = new DeadLettersPending(Path.of("no-such-journal.jsonl"),
            () -> 0);

    @AfterEach
    void close() {
        metrics.close();
    }

    private static DependencyChecks kafkaAnswering() {
        return new DependencyChecks(() -> CompletableFuture.completedFuture(null));
    }

    private MeterHistory history(int samples) {
        return new MeterHistory(metrics, kafkaAnswering(), noDeadLetters, "gw-1", 5000, samples, clock);
    }

    private void answered(int status, long millis, int times) {
        for (int i = 0; i < times; i++) {
            metrics.request("orders", status, "bearer", 10, null, TimeUnit.MILLISECONDS.toNanos(millis), null, null);
        }
    }

    private MeterSample sampleAfter(MeterHistory history, Duration elapsed) {
        now.set(now.get().plus(elapsed));
        history.sample();
        List<MeterSample> samples = history.samples();
        return samples.get(samples.size() - 1);
    }

    @Test
    void ratesAreTheCountsOfTheIntervalOverItsLengthWith4xxAnd5xxApart() {
        answered(200, 1, 7);
        MeterHistory history = history(120);
        answered(200, 2, 10);
        answered(404, 2, 3);
        answered(401, 2, 1);
        answered(503, 2, 2);

        MeterSample sample = sampleAfter(history, Duration.ofSeconds(4));

        assertEquals(16 / 4.0, sample.requestsPerSecond(), 1e-9, "only the requests since the history began");
        assertEquals(4 / 4.0, sample.errors4xxPerSecond(), 1e-9);
        assertEquals(2 / 4.0, sample.errors5xxPerSecond(), 1e-9);
        assertEquals(START.plusSeconds(4), sample.time());

        answered(500, 2, 5);
        MeterSample next = sampleAfter(history, Duration.ofSeconds(5));
        assertEquals(1.0, next.requestsPerSecond(), 1e-9, "the next interval counts its own requests");
        assertEquals(0.0, next.errors4xxPerSecond(), 1e-9);
        assertEquals(1.0, next.errors5xxPerSecond(), 1e-9);
    }

    @Test
    void theP99IsThatOfTheIntervalsRequestsEveryStatusClassTogether() {
        MeterHistory history = history(120);
        answered(200, 2, 99);
        answered(503, 500, 5);

        MeterSample burst = sampleAfter(history, Duration.ofSeconds(5));
        // 104 requests: the 99th percentile is the 102.96th, in the bucket of the slow ones (447.4 to 536.9 ms)
        assertTrue(burst.p99Ms() > 447 && burst.p99Ms() <= 537, "the slow 5xx are counted: " + burst.p99Ms());

        answered(200, 2, 100);
        MeterSample fast = sampleAfter(history, Duration.ofSeconds(5));
        assertTrue(fast.p99Ms() > 1 && fast.p99Ms() < 2.2, "the last burst is not in this interval: " + fast.p99Ms());

        MeterSample idle = sampleAfter(history, Duration.ofSeconds(5));
        assertNull(idle.p99Ms(), "no request answered, no p99");
        assertEquals(0.0, idle.requestsPerSecond());
    }

    @Test
    void aRequestSlowerThanTheLastBucketGivesTheLastBound() {
        MeterHistory history = history(120);
        answered(200, 60_000, 1);

        assertEquals(30_000.0, sampleAfter(history, Duration.ofSeconds(5)).p99Ms(), 1e-6);
    }

    @Test
    void keepsTheNewestSamplesUpToItsBoundOldestFirst() {
        MeterHistory history = history(3);
        for (int i = 1; i <= 5; i++) {
            answered(200, 2, i);
            sampleAfter(history, Duration.ofSeconds(1));
        }

        List<MeterSample> kept = history.samples();
        assertEquals(3, kept.size());
        assertEquals(List.of(START.plusSeconds(3), START.plusSeconds(4), START.plusSeconds(5)),
                kept.stream().map(MeterSample::time).toList());
        assertEquals(List.of(3.0, 4.0, 5.0), kept.stream().map(MeterSample::requestsPerSecond).toList());
    }

    @Test
    void theSnapshotIsTheConsolesJsonWithTheNewestSampleAsNow() {
        AtomicInteger inFlight = new AtomicInteger(3);
        metrics.bind(registry -> Gauge.builder(GatewayMetrics.REQUESTS_IN_FLIGHT, inFlight, AtomicInteger::get)
                .register(registry));
        MeterHistory history = history(120);
        assertTrue(history.snapshot().get("now").isNull(), "nothing to show before the first sample");

        answered(200, 2, 5);
        sampleAfter(history, Duration.ofSeconds(5));
        inFlight.set(7);
        sampleAfter(history, Duration.ofSeconds(5));
        JsonNode snapshot = history.snapshot();

        assertEquals("gw-1", snapshot.get("instance").asText());
        assertEquals(5000, snapshot.get("sampleMs").asLong());
        JsonNode samples = snapshot.get("samples");
        assertEquals(2, samples.size());
        JsonNode first = samples.get(0);
        assertEquals("2025-06-01T12:00:05Z", first.get("time").asText());
        assertEquals(1.0, first.get("requestsPerSecond").asDouble());
        assertEquals(0.0, first.get("errors4xxPerSecond").asDouble());
        assertEquals(0.0, first.get("errors5xxPerSecond").asDouble());
        assertTrue(first.get("p99Ms").isNumber(), first.toString());
        assertEquals(3, first.get("inFlight").asLong());
        assertEquals(0, first.get("deadLettersPending").asLong());
        assertTrue(first.get("kafkaReady").asBoolean());
        assertTrue(first.get("registryReady").isNull(), "no registry configured");
        assertTrue(samples.get(1).get("p99Ms").isNull(), samples.toString());
        JsonNode latest = snapshot.get("now");
        assertEquals(7, latest.get("inFlight").asLong());
        assertFalse(latest.has("time"), latest.toString());
        assertEquals(List.of("requestsPerSecond", "errors4xxPerSecond", "errors5xxPerSecond", "p99Ms", "inFlight",
                "deadLettersPending", "kafkaReady", "registryReady"), fieldNames(latest));
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void readinessIsTheAnswerOfTheSharedChecksAndTheLastOneWhileACheckIsUnderWay() {
        AtomicReference<CompletableFuture<String>> kafka = new AtomicReference<>(
                CompletableFuture.completedFuture("Kafka does not answer"));
        DependencyChecks checks = new DependencyChecks(kafka::get);
        CompletableFuture<Void> registry = new CompletableFuture<>();
        checks.reportRegistry(() -> registry);
        // sampleMs 2: the sampler waits at most 1 ms for a check under way
        MeterHistory history = new MeterHistory(metrics, checks, noDeadLetters, "gw-1", 2, 10, clock);

        MeterSample down = sampleAfter(history, Duration.ofSeconds(1));
        assertFalse(down.kafkaReady());
        assertEquals(Boolean.FALSE, down.registryReady(), "no answer yet from the registry: not known ready");

        registry.complete(null);
        MeterSample up = sampleAfter(history, Duration.ofSeconds(1));
        assertFalse(up.kafkaReady(), "Kafka still does not answer");
        assertEquals(Boolean.TRUE, up.registryReady(), "the registry answered");
    }

    @Test
    void aRegistryThatFailsIsNotReady() {
        DependencyChecks checks = kafkaAnswering();
        checks.reportRegistry(() -> CompletableFuture.failedFuture(new java.io.IOException("refused")));
        MeterHistory history = new MeterHistory(metrics, checks, noDeadLetters, "gw-1", 5000, 10, clock);

        MeterSample sample = sampleAfter(history, Duration.ofSeconds(5));

        assertTrue(sample.kafkaReady());
        assertEquals(Boolean.FALSE, sample.registryReady());
    }

    @Test
    void deadLettersPendingAreCountedAgainOnlyWhenTheJournalChanged() throws Exception {
        DeadLetterJournal journal = new DeadLetterJournal(dir.resolve("journal.jsonl"), 0).open();
        try {
            AtomicInteger passes = new AtomicInteger();
            DeadLettersPending pending = new DeadLettersPending(journal.file(), () -> {
                passes.incrementAndGet();
                return journal.summary().pending();
            });
            MeterHistory history = new MeterHistory(metrics, kafkaAnswering(), pending, "gw-1", 5000, 10, clock);

            assertEquals(0, sampleAfter(history, Duration.ofSeconds(5)).deadLettersPending());
            assertEquals(0, passes.get(), "an empty journal needs no pass");
            String first = append(journal);
            append(journal);
            assertEquals(2, sampleAfter(history, Duration.ofSeconds(5)).deadLettersPending());
            assertEquals(2, sampleAfter(history, Duration.ofSeconds(5)).deadLettersPending());
            assertEquals(2, sampleAfter(history, Duration.ofSeconds(5)).deadLettersPending());
            assertEquals(1, passes.get(), "the journal did not change: no pass over it");

            journal.markReplayed(first, 0, 42);
            assertEquals(1, sampleAfter(history, Duration.ofSeconds(5)).deadLettersPending());
            assertEquals(2, passes.get());
        } finally {
            journal.close();
        }
    }

    private static String append(DeadLetterJournal journal) throws Exception {
        return journal.append("orders", null, Map.of(), new byte[] {1}, "text/plain", "app", "r-1", 503, "down");
    }

    @Test
    void aSampleThatFailsIsLoggedAndTheNextCoversItsInterval() throws Exception {
        Path journal = Files.writeString(dir.resolve("journal.jsonl"), "{}\n");
        AtomicInteger calls = new AtomicInteger();
        DeadLettersPending failingOnce = new DeadLettersPending(journal, () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the journal went away");
            }
            return 0;
        });
        MeterHistory history = new MeterHistory(metrics, kafkaAnswering(), failingOnce, "gw-1", 5000, 10, clock);
        answered(200, 2, 10);

        now.set(now.get().plusSeconds(5));
        assertDoesNotThrow(history::sample);
        assertEquals(List.of(), history.samples(), "no sample of a failed reading");
        now.set(now.get().plusSeconds(5));
        history.sample();

        MeterSample sample = history.samples().get(0);
        assertEquals(10 / 10.0, sample.requestsPerSecond(), 1e-9, "both intervals, ten seconds");
    }
}

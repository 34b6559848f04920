package io.github.kafkarestgateway.testing;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Six clients that each post one record after another to a topic until stopped (values {@code c<client>-<n>}), for
 * the fault tests. Every request a client sends ends as exactly one {@link Outcome}: its status and body, or the
 * exception that took their place (a client timeout, a reset connection) with how long it waited. A client that dies
 * anyway is reported by {@link #stop()}, and every client stops by itself at {@link #MAX_RUN}, so a load never hangs a
 * test.
 */
public final class LoadClients {

    /** How the records are keyed. */
    public enum Keys {
        /** No key. */
        NONE,
        /** Each record's value is also its key. */
        VALUE,
        /** The client's name ({@code c<client>}): one key per client, its records in the order it sent them. */
        CLIENT
    }

    /**
     * One request: {@code status} and {@code body} when it was answered, else {@code failure} (status 0, body null);
     * {@code millis} is how long it waited either way; {@code key} is null when the record had none.
     */
    public record Outcome(int client, int sequence, String value, String key, int status, String body, Throwable failure,
                   long millis) {

        boolean answered() {
            return failure == null;
        }
    }

    /** How long one client waits for one answer before it gives up (the give-up is an outcome too). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The longest any load runs: each client stops sending after this, however the test goes. */
    static final Duration MAX_RUN = Duration.ofMinutes(3);
    static final int CLIENTS = 6;

    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final AtomicBoolean ranOutOfTime = new AtomicBoolean();
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final List<Future<?>> running = new ArrayList<>();

    /**
     * Starts the clients and returns once this many requests were answered.
     *
     * @param keyed whether each record's value is also its key (query {@code key})
     */
    public static LoadClients start(TestGateway gateway, String topic, boolean keyed, int warmUp) throws InterruptedException {
        return start(gateway, topic, keyed ? Keys.VALUE : Keys.NONE, warmUp);
    }

    /** Starts the clients and returns once this many requests were answered (fails if they are not within 60 s). */
    public static LoadClients start(TestGateway gateway, String topic, Keys keys, int warmUp) throws InterruptedException {
        LoadClients load = new LoadClients();
        CountDownLatch warmedUp = new CountDownLatch(warmUp);
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            load.running.add(load.clients.submit(() -> {
                for (int i = 0; load.sending.get(); i++) {
                    if (System.nanoTime() > deadline) {
                        load.ranOutOfTime.set(true);
                        return;
                    }
                    String value = "c" + client + "-" + i;
                    String key = switch (keys) {
                        case NONE -> null;
                        case VALUE -> value;
                        case CLIENT -> "c" + client;
                    };
                    Outcome outcome = send(gateway, topic, client, i, value, key);
                    load.outcomes.add(outcome);
                    warmedUp.countDown();
                    if (outcome.failure() instanceof InterruptedException) {
                        return;
                    }
                }
            }));
        }
        if (!warmedUp.await(60, TimeUnit.SECONDS)) {
            load.sending.set(false);
            load.clients.shutdownNow();
            fail("load is not running: " + load.snapshot().size() + " outcomes, first " + first(load.snapshot(), 5));
        }
        return load;
    }

    private static Outcome send(TestGateway gateway, String topic, int client, int sequence, String value, String key) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = gateway.client().send(gateway.request("/topics/" + topic + "/records"
                            + (key == null ? "" : "?key=" + key))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                    .header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
            return new Outcome(client, sequence, value, key, response.statusCode(), response.body(), null,
                    millisSince(start));
        } catch (IOException | RuntimeException e) {
            return new Outcome(client, sequence, value, key, 0, null, e, millisSince(start));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(client, sequence, value, key, 0, null, e, millisSince(start));
        }
    }

    /** Every outcome so far (synchronized: iterate while holding its lock, or use {@link #snapshot()}). */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    /** A copy of every outcome so far. */
    public List<Outcome> snapshot() {
        synchronized (outcomes) {
            return new ArrayList<>(outcomes);
        }
    }

    /** How many outcomes so far match. */
    public int count(Predicate<Outcome> which) {
        synchronized (outcomes) {
            return (int) outcomes.stream().filter(which).count();
        }
    }

    /**
     * Waits until the outcomes so far satisfy the condition; fails after {@code atMost}, or at once when a client
     * ended before being stopped.
     */
    public void await(String what, Duration atMost, Predicate<List<Outcome>> condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.test(snapshot())) {
            for (Future<?> client : running) {
                if (client.isDone()) {
                    String why = ended(client);
                    fail("a load client ended while waiting for: " + what + ": "
                            + (why == null ? "it ran into its deadline of " + MAX_RUN : why));
                }
            }
            if (System.nanoTime() > deadline) {
                List<Outcome> all = snapshot();
                fail("not within " + atMost + ": " + what + " (" + all.size() + " outcomes, last "
                        + all.subList(Math.max(0, all.size() - 5), all.size()) + ")");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Stops the clients once their requests in progress have ended; fails if a client thread died or ran into
     * {@link #MAX_RUN}.
     */
    public void stop() throws InterruptedException {
        sending.set(false);
        clients.shutdown();
        boolean ended = clients.awaitTermination(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        if (!ended) {
            clients.shutdownNow();
        }
        assertTrue(ended, "every client ended within its request timeout");
        for (Future<?> client : running) {
            String failure = ended(client);
            if (failure != null) {
                fail("a load client died: " + failure);
            }
        }
        assertTrue(!ranOutOfTime.get(), "the load ran into its deadline of " + MAX_RUN);
    }

    /**
     * Asserts that every request got an answer (a status, whatever it was) within this many milliseconds: none ended
     * with an exception (a client timeout, a reset), none waited longer.
     */
    public void assertEveryRequestAnswered(long boundMillis) {
        List<Outcome> late = snapshot().stream().filter(o -> !o.answered() || o.millis() >= boundMillis).toList();
        if (!late.isEmpty()) {
            fail(late.size() + " of " + snapshot().size() + " requests not answered within " + boundMillis
                    + " ms, first: " + first(late, 10));
        }
    }

    private static String ended(Future<?> client) {
        if (!client.isDone()) {
            return null;
        }
        try {
            client.get();
            return null;
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        } catch (InterruptedException | java.util.concurrent.CancellationException e) {
            return String.valueOf(e);
        }
    }

    private static List<Outcome> first(List<Outcome> list, int n) {
        return list.subList(0, Math.min(n, list.size()));
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}

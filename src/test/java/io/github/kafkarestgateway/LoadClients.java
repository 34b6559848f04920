package io.github.kafkarestgateway;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Six clients that each post one record after another to a topic until stopped (values {@code c<client>-<n>}), for
 * the fault tests: every answer is kept with its time.
 */
final class LoadClients {

    record Outcome(String value, int status, String body, long millis) {
    }

    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private final ExecutorService clients = Executors.newFixedThreadPool(6);

    /**
     * Starts the clients and returns once this many requests were answered.
     *
     * @param keyed whether each record's value is also its key (query {@code key})
     */
    static LoadClients start(TestGateway gateway, String topic, boolean keyed, int warmUp) throws InterruptedException {
        LoadClients load = new LoadClients();
        CountDownLatch warmedUp = new CountDownLatch(warmUp);
        for (int c = 0; c < 6; c++) {
            int client = c;
            load.clients.submit(() -> {
                for (int i = 0; load.sending.get(); i++) {
                    String value = "c" + client + "-" + i;
                    long start = System.nanoTime();
                    HttpResponse<String> response = gateway.send(gateway.request("/topics/" + topic + "/records"
                                    + (keyed ? "?key=" + value : ""))
                            .header("Authorization", "Bearer " + TestGateway.ALL_TOPICS_KEY)
                            .header("Content-Type", "text/plain")
                            .POST(HttpRequest.BodyPublishers.ofString(value)).build());
                    load.outcomes.add(new Outcome(value, response.statusCode(), response.body(),
                            (System.nanoTime() - start) / 1_000_000));
                    warmedUp.countDown();
                }
            });
        }
        assertTrue(warmedUp.await(60, TimeUnit.SECONDS), "load is running");
        return load;
    }

    /** Every answer so far (synchronized: iterate while holding its lock). */
    List<Outcome> outcomes() {
        return outcomes;
    }

    /** Stops the clients once their requests in progress are answered. */
    void stop() throws InterruptedException {
        sending.set(false);
        clients.shutdown();
        assertTrue(clients.awaitTermination(30, TimeUnit.SECONDS));
    }
}

package io.github.kafkarestgateway.ops;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.github.kafkarestgateway.error.ErrorResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Whether the services the gateway depends on answer: Kafka, and the schema registry when one is configured. Each
 * answer is a problem (why it does not answer) or null, as a future that never blocks the asker; an answer is reused
 * for a second and shared while a check is under way, so that {@code GET /ready} and the console's history
 * ({@link MeterHistory}) asking at once cost one check, not one each.
 */
public final class DependencyChecks {

    private final Reused kafka;
    private volatile Reused registry;

    /** @param kafkaProbe one check of Kafka: completes with null when it answers, else with why not */
    public DependencyChecks(Supplier<CompletableFuture<String>> kafkaProbe) {
        this.kafka = new Reused(kafkaProbe);
    }

    /** Kafka checked by one cluster description within {@code timeoutMs}. */
    public static DependencyChecks of(Admin admin, int timeoutMs) {
        return new DependencyChecks(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .clusterId().toCompletionStage().toCompletableFuture()
                .handle((id, failure) -> failure == null ? null
                        : "Kafka does not answer: " + ErrorResponse.unwrap(failure).getMessage()));
    }

    /** Checks the schema registry too, by this ping. */
    public void reportRegistry(Supplier<CompletableFuture<Void>> ping) {
        this.registry = new Reused(() -> ping.get().handle((ok, failure) -> failure == null ? null
                : "The schema registry does not answer: " + ErrorResponse.unwrap(failure).getMessage()
                        + " (cached schemas go on working)"));
    }

    /** Null when Kafka answers, else why not. */
    public CompletableFuture<String> kafkaProblem() {
        return kafka.problem();
    }

    /** Whether a schema registry is configured (and so checked). */
    public boolean hasRegistry() {
        return registry != null;
    }

    /** Null when the schema registry answers or none is configured, else why not. */
    public CompletableFuture<String> registryProblem() {
        Reused check = registry;
        return check == null ? CompletableFuture.completedFuture(null) : check.problem();
    }

    /** A check whose answer (a problem, or null) is reused for a second, and shared while one is under way. */
    private static final class Reused {
        private final Supplier<CompletableFuture<String>> probe;
        private volatile CompletableFuture<String> last;
        private volatile long checkedAt;

        Reused(Supplier<CompletableFuture<String>> probe) {
            this.probe = probe;
        }

        CompletableFuture<String> problem() {
            long now = System.currentTimeMillis();
            CompletableFuture<String> known = last;
            if (known != null && (!known.isDone() || now - checkedAt < 1000)) {
                return known;
            }
            checkedAt = now;
            CompletableFuture<String> check = probe.get();
            last = check;
            return check;
        }
    }
}

package io.github.kafkarestgateway.ops;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import io.github.kafkarestgateway.error.ErrorResponse;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code GET /ready}: 200 when the gateway can take records (Kafka answers, the dead-letter store can keep entries,
 * not shutting down, Camel's readiness checks of context, routes and Kafka producer are up), else 503; the JSON body
 * has one status per check. The Kafka check is one cluster description
 * within {@code timeoutMs}, without blocking a thread; its result is reused for a second.
 */
public class ReadinessCheck extends AsyncProcessorSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DeadLetterJournal journal;
    private final Executor continuation;
    private final Reused kafka;
    private volatile Reused registry;

    public ReadinessCheck(Admin admin, DeadLetterJournal journal, Executor continuation, int timeoutMs) {
        this.journal = journal;
        this.continuation = continuation;
        this.kafka = new Reused(() -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .clusterId().toCompletionStage().toCompletableFuture()
                .handle((id, failure) -> failure == null ? null
                        : "Kafka does not answer: " + ErrorResponse.unwrap(failure).getMessage()));
    }

    /**
     * Reports the schema registry too (check {@code schemaRegistry}), without making the gateway unready when it does
     * not answer: records without a schema need no registry, and cached schemas go on working.
     */
    public void reportRegistry(Supplier<CompletableFuture<Void>> ping) {
        this.registry = new Reused(() -> ping.get().handle((ok, failure) -> failure == null ? null
                : "The schema registry does not answer: " + ErrorResponse.unwrap(failure).getMessage()
                        + " (cached schemas go on working)"));
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        kafka.problem().thenCombine(registryProblem(), (kafkaProblem, registryProblem) -> new String[] {kafkaProblem,
                registryProblem}).whenCompleteAsync((problems, ignored) -> {
            String kafkaProblem = problems[0];
            String storeProblem = journal.problem();
            boolean stopping = !exchange.getContext().isStarted() || exchange.getContext().isStopping();
            ObjectNode root = MAPPER.createObjectNode();
            boolean up = kafkaProblem == null && storeProblem == null && !stopping;
            ObjectNode checks = root.putObject("checks");
            check(checks, "kafka", kafkaProblem);
            check(checks, "deadLetterStore", storeProblem);
            check(checks, "shutdown", stopping ? "the gateway is shutting down" : null);
            if (registry != null) {
                check(checks, "schemaRegistry", problems[1]);
            }
            // Camel's own readiness checks (context, routes, Kafka producer), each by its id
            boolean camelUp = true;
            if (!stopping) {
                for (HealthCheck.Result result : HealthCheckHelper.invokeReadiness(exchange.getContext())) {
                    boolean checkUp = result.getState() != HealthCheck.State.DOWN;
                    camelUp &= checkUp;
                    check(checks, "camel:" + result.getCheck().getId(), checkUp ? null
                            : result.getMessage().orElse("DOWN"));
                }
            }
            up &= camelUp;
            root.put("status", up ? "UP" : "DOWN");
            Message message = exchange.getMessage();
            message.getHeaders().clear();
            message.setHeader(Exchange.HTTP_RESPONSE_CODE, up ? 200 : 503);
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
            message.setBody(root.toString());
            callback.done(false);
        }, continuation);
        return false;
    }

    private CompletableFuture<String> registryProblem() {
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

    private static void check(ObjectNode checks, String name, String problem) {
        ObjectNode node = checks.putObject(name);
        node.put("status", problem == null ? "UP" : "DOWN");
        if (problem != null) {
            node.put("detail", problem);
        }
    }
}

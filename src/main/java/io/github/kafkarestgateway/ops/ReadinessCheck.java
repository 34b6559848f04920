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

    private final Admin admin;
    private final DeadLetterJournal journal;
    private final Executor continuation;
    private final int timeoutMs;
    private volatile CompletableFuture<String> kafka;
    private volatile long kafkaCheckedAt;
    private Supplier<CompletableFuture<Void>> registry;
    private volatile CompletableFuture<String> registryCheck;
    private volatile long registryCheckedAt;

    public ReadinessCheck(Admin admin, DeadLetterJournal journal, Executor continuation, int timeoutMs) {
        this.admin = admin;
        this.journal = journal;
        this.continuation = continuation;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Reports the schema registry too (check {@code schemaRegistry}), without making the gateway unready when it does
     * not answer: records without a schema need no registry, and cached schemas go on working.
     */
    public void reportRegistry(Supplier<CompletableFuture<Void>> ping) {
        this.registry = ping;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        kafkaProblem().thenCombine(registryProblem(), (kafkaProblem, registryProblem) -> new String[] {kafkaProblem,
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

    private CompletableFuture<String> kafkaProblem() {
        long now = System.currentTimeMillis();
        CompletableFuture<String> last = kafka;
        if (last != null && (!last.isDone() || now - kafkaCheckedAt < 1000)) {
            return last;
        }
        kafkaCheckedAt = now;
        CompletableFuture<String> check = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .clusterId().toCompletionStage().toCompletableFuture()
                .handle((id, failure) -> failure == null ? null
                        : "Kafka does not answer: " + ErrorResponse.unwrap(failure).getMessage());
        kafka = check;
        return check;
    }

    private CompletableFuture<String> registryProblem() {
        if (registry == null) {
            return CompletableFuture.completedFuture(null);
        }
        long now = System.currentTimeMillis();
        CompletableFuture<String> last = registryCheck;
        if (last != null && (!last.isDone() || now - registryCheckedAt < 1000)) {
            return last;
        }
        registryCheckedAt = now;
        CompletableFuture<String> check = registry.get().handle((ok, failure) -> failure == null ? null
                : "The schema registry does not answer: " + ErrorResponse.unwrap(failure).getMessage()
                        + " (cached schemas go on working)");
        registryCheck = check;
        return check;
    }

    private static void check(ObjectNode checks, String name, String problem) {
        ObjectNode node = checks.putObject(name);
        node.put("status", problem == null ? "UP" : "DOWN");
        if (problem != null) {
            node.put("detail", problem);
        }
    }
}

package io.github.kafkarestgateway.ops;

import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.kafkarestgateway.deadletter.DeadLetterJournal;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * {@code GET /ready}: 200 when the gateway can take records (Kafka answers, the dead-letter store can keep entries,
 * not shutting down, Camel's readiness checks of context, routes and Kafka producer are up), else 503; the JSON body
 * has one status per check. Kafka and the schema registry are asked through {@link DependencyChecks}, without blocking
 * a thread; the registry is reported without making the gateway unready when it does not answer: records without a
 * schema need no registry, and cached schemas go on working.
 */
public class ReadinessCheck extends AsyncProcessorSupport {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final DependencyChecks dependencies;
    private final DeadLetterJournal journal;
    private final Executor continuation;

    public ReadinessCheck(DependencyChecks dependencies, DeadLetterJournal journal, Executor continuation) {
        this.dependencies = dependencies;
        this.journal = journal;
        this.continuation = continuation;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        dependencies.kafkaProblem().thenCombine(dependencies.registryProblem(),
                (kafkaProblem, registryProblem) -> new String[] {kafkaProblem, registryProblem}).whenCompleteAsync((problems, ignored) -> {
            String kafkaProblem = problems[0];
            String storeProblem = journal.problem();
            boolean stopping = !exchange.getContext().isStarted() || exchange.getContext().isStopping();
            ObjectNode root = MAPPER.createObjectNode();
            boolean up = kafkaProblem == null && storeProblem == null && !stopping;
            ObjectNode checks = root.putObject("checks");
            check(checks, "kafka", kafkaProblem);
            check(checks, "deadLetterStore", storeProblem);
            check(checks, "shutdown", stopping ? "the gateway is shutting down" : null);
            if (dependencies.hasRegistry()) {
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

    private static void check(ObjectNode checks, String name, String problem) {
        ObjectNode node = checks.putObject(name);
        node.put("status", problem == null ? "UP" : "DOWN");
        if (problem != null) {
            node.put("detail", problem);
        }
    }
}

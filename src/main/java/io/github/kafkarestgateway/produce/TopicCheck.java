package io.github.kafkarestgateway.produce;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.Errors;

/**
 * Checks, without blocking a thread, that the cluster answers and the topic exists before the record is sent:
 * an unknown topic is a 404 within {@code timeoutMs} (unless the cluster creates topics on first use), an
 * unreachable cluster a 503 within the same bound, instead of the producer blocking for {@code max.block.ms}.
 * Existing topics are remembered for {@code cacheMs}; concurrent checks of one topic share one admin call; after a
 * failed contact, requests fail at once for {@code retryBackoffMs} instead of each waiting the whole bound.
 */
public class TopicCheck extends AsyncProcessorSupport {


    private final Admin admin;
    private final Executor continuation;
    private final int timeoutMs;
    private final long cacheMs;
    private final long retryBackoffMs;
    private final Map<String, Long> knownUntil = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private volatile long unreachableUntil;
    private volatile CompletableFuture<Boolean> autoCreate;

    public TopicCheck(Admin admin, Executor continuation, int timeoutMs, long cacheMs, long retryBackoffMs) {
        this.admin = admin;
        this.continuation = continuation;
        this.timeoutMs = timeoutMs;
        this.cacheMs = cacheMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
        long now = System.currentTimeMillis();
        Long until = knownUntil.get(topic);
        if (until != null && until > now) {
            RequestFacts.of(exchange).topicExists();
            callback.done(true);
            return true;
        }
        if (unreachableUntil > now) {
            exchange.setException(unavailable(topic, null));
            callback.done(true);
            return true;
        }
        inFlight.computeIfAbsent(topic, this::describe).whenCompleteAsync((ok, failure) -> {
            if (failure != null) {
                exchange.setException(failure instanceof CompletionException ? failure.getCause() : failure);
            } else {
                RequestFacts.of(exchange).topicExists();
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    /** Forget what is known, so that the next request asks the cluster again (after a delivery failure). */
    public void forget(String topic) {
        knownUntil.remove(topic);
    }

    private CompletableFuture<Void> describe(String topic) {
        CompletableFuture<Void> result = admin
                .describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMs))
                .topicNameValues().get(topic)
                .toCompletionStage().toCompletableFuture()
                .handle((description, failure) -> failure)
                .thenCompose(failure -> {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    if (cause == null) {
                        knownUntil.put(topic, System.currentTimeMillis() + cacheMs);
                        return CompletableFuture.completedFuture(null);
                    }
                    if (cause instanceof UnknownTopicOrPartitionException) {
                        return autoCreateEnabled().handle((enabled, lookupFailure) -> {
                            if (lookupFailure != null) {
                                unreachableUntil = System.currentTimeMillis() + retryBackoffMs;
                                throw unavailable(topic, lookupFailure);
                            }
                            if (!enabled) {
                                throw new GatewayException(404, "Topic '" + topic + "' does not exist",
                                        (int) Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Map.of(), null);
                            }
                            return null;
                        });
                    }
                    unreachableUntil = System.currentTimeMillis() + retryBackoffMs;
                    throw unavailable(topic, cause);
                });
        result.whenComplete((ok, failure) -> inFlight.remove(topic));
        return result;
    }

    /** Whether the cluster creates a topic on first produce (broker setting auto.create.topics.enable). */
    private CompletableFuture<Boolean> autoCreateEnabled() {
        CompletableFuture<Boolean> known = autoCreate;
        if (known != null && !known.isCompletedExceptionally()) {
            return known;
        }
        CompletableFuture<Boolean> lookup = admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs))
                .controller().toCompletionStage().toCompletableFuture()
                .thenCompose(node -> {
                    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, String.valueOf(node.id()));
                    return admin.describeConfigs(List.of(broker), new DescribeConfigsOptions().timeoutMs(timeoutMs))
                            .values().get(broker).toCompletionStage();
                })
                .thenApply(config -> {
                    var entry = config.get("auto.create.topics.enable");
                    return entry != null && Boolean.parseBoolean(entry.value());
                });
        autoCreate = lookup;
        return lookup;
    }

    private static GatewayException unavailable(String topic, Throwable cause) {
        return new GatewayException(503, "Kafka brokers are unavailable: could not reach the cluster for topic '"
                + topic + "'", null, Map.of("Retry-After", "1"), cause);
    }
}

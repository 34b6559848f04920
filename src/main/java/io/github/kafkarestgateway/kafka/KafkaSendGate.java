package io.github.kafkarestgateway.kafka;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.Metric;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the kafka component's producer would take a record for a topic at once. {@code send()} returns at
 * once unless the producer has no partitions of the topic yet (it waits for metadata) or no buffer space (it waits
 * for the broker to take earlier records), both for up to {@code max.block.ms}. When neither can happen, a request may
 * run its route on the HTTP event loop instead of being handed to a worker thread, which saves a thread switch per
 * request; otherwise it runs on a worker thread, where waiting is harmless.
 * <p>
 * It creates the component's producers (as Camel's default factory does, each wrapped in a
 * {@link ContextCallbackProducer}, so that acknowledgements complete on the request's event loop) to look into them:
 * the partitions the producer knows come from its metadata, which the client keeps private (read once by reflection; when that fails,
 * every request runs on a worker thread), the free buffer from its {@code buffer-available-bytes} metric.
 */
public final class KafkaSendGate extends DefaultKafkaClientFactory {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSendGate.class);

    /** Buffer space left for what other threads send between the check and the send. */
    static final long HEADROOM_BYTES = 8L << 20;

    private record Watched(Metadata metadata, Metric availableBuffer) {
    }

    private final List<Watched> producers = new CopyOnWriteArrayList<>();
    private volatile boolean blind;
    private volatile CallerProducers callers;

    /**
     * With {@code gateway.auth.kafka-identity}: the component's producers send a caller's record by that caller's
     * producer ({@link CallerRoutingProducer}), which takes the component's producer settings. Set before the routes
     * start.
     */
    public void produceAsCallers(CallerProducers callers) {
        this.callers = callers;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Producer getProducer(Properties kafkaProps) {
        Producer producer = super.getProducer(kafkaProps);
        try {
            Field field = KafkaProducer.class.getDeclaredField("metadata");
            field.setAccessible(true);
            Metadata metadata = (Metadata) field.get(producer);
            Metric available = null;
            for (Map.Entry<?, ? extends Metric> metric : ((Map<?, ? extends Metric>) producer.metrics()).entrySet()) {
                if ("buffer-available-bytes".equals(metric.getValue().metricName().name())) {
                    available = metric.getValue();
                }
            }
            if (metadata == null || available == null) {
                throw new IllegalStateException("no metadata or buffer-available-bytes metric");
            }
            // the component closes a producer when its route stops (a reload makes a new one): forget closed ones
            producers.removeIf(watched -> watched.metadata().isClosed());
            producers.add(new Watched(metadata, available));
        } catch (ReflectiveOperationException | RuntimeException e) {
            blind = true;
            LOG.warn("Cannot look into the Kafka producer ({}): every request runs on a worker thread", e.toString());
        }
        CallerProducers asCallers = callers;
        if (asCallers != null) {
            asCallers.producerProperties(kafkaProps);
            return new CallerRoutingProducer(producer, asCallers);
        }
        return new ContextCallbackProducer<>(producer);
    }

    /** True when a send of a record of about this many bytes to this topic would not wait. */
    public boolean sendsAtOnce(String topic, long bytes) {
        if (blind || producers.isEmpty() || topic == null) {
            return false;
        }
        try {
            for (Watched producer : producers) {
                if (producer.metadata().fetch().partitionCountForTopic(topic) == null
                        || ((Number) producer.availableBuffer().metricValue()).doubleValue() < bytes + HEADROOM_BYTES) {
                    if (!producer.metadata().isClosed()) {
                        return false;
                    }
                    // a producer the component closed (its route stopped or was reloaded) sends nothing more
                    producers.remove(producer);
                }
            }
            return !producers.isEmpty();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** How many producers are watched: the open ones, and closed ones not yet noticed. */
    int watched() {
        return producers.size();
    }
}

package io.github.kafkarestgateway.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.metrics.KafkaMetric;

/**
 * The kafka component's producer, with each record's completion handed to the Vert.x context that sent it (the
 * request's event loop) instead of being run on the producer's network thread. What follows the send in a produce
 * route (the answer, the access log line) then runs on the thread that holds the request, and the network thread only
 * reads acknowledgements and sends batches: the continuation of the route used to take a fifth of that thread's time
 * per record, and the answer needed a hop to the event loop anyway. A send from outside Vert.x (no current context)
 * completes on the network thread as before.
 */
class ContextCallbackProducer<K, V> implements Producer<K, V> {

    private final Producer<K, V> delegate;

    ContextCallbackProducer(Producer<K, V> delegate) {
        this.delegate = delegate;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        return sendOnContext(delegate, record, callback);
    }

    /** Sends with that producer, the completion handed to the current Vert.x context (if any). */
    static <K, V> Future<RecordMetadata> sendOnContext(Producer<K, V> producer, ProducerRecord<K, V> record,
                                                      Callback callback) {
        Context context = Vertx.currentContext();
        if (context == null || callback == null) {
            return producer.send(record, callback);
        }
        return producer.send(record, (metadata, failure) ->
                context.runOnContext(ignored -> callback.onCompletion(metadata, failure)));
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<K, V> record) {
        return delegate.send(record);
    }

    @Override
    public void initTransactions() {
        delegate.initTransactions();
    }

    @Override
    public void beginTransaction() {
        delegate.beginTransaction();
    }

    @Override
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        delegate.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    @Override
    public void commitTransaction() {
        delegate.commitTransaction();
    }

    @Override
    public void abortTransaction() {
        delegate.abortTransaction();
    }

    @Override
    public void registerMetricForSubscription(KafkaMetric metric) {
        delegate.registerMetricForSubscription(metric);
    }

    @Override
    public void unregisterMetricFromSubscription(KafkaMetric metric) {
        delegate.unregisterMetricFromSubscription(metric);
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public List<PartitionInfo> partitionsFor(String topic) {
        return delegate.partitionsFor(topic);
    }

    @Override
    public Map<MetricName, ? extends Metric> metrics() {
        return delegate.metrics();
    }

    @Override
    public Uuid clientInstanceId(Duration timeout) {
        return delegate.clientInstanceId(timeout);
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public void close(Duration timeout) {
        delegate.close(timeout);
    }
}

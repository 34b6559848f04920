package io.github.kafkarestgateway.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;

/**
 * The kafka component's producer with {@code gateway.auth.kafka-identity}: a record that names a caller's producer
 * (header {@value CallerProducers#HANDLE_HEADER}, set by the route's {@code produce-as-caller} step and removed here,
 * so it never reaches Kafka) is sent by that producer, logged in as the caller's Kafka user; any other record by the
 * gateway's own (callers with a client certificate, which cannot be presented onward). A send refused a login
 * (the caller's password changed, its token expired) closes that caller's producer.
 */
final class CallerRoutingProducer extends ContextCallbackProducer<byte[], byte[]> {

    private final CallerProducers callers;

    CallerRoutingProducer(Producer<byte[], byte[]> gatewayOwn, CallerProducers callers) {
        super(gatewayOwn);
        this.callers = callers;
    }

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        Header header = record.headers().lastHeader(CallerProducers.HANDLE_HEADER);
        if (header == null) {
            return super.send(record, callback);
        }
        record.headers().remove(CallerProducers.HANDLE_HEADER);
        String handle = header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        CallerProducers.Caller caller = callers.caller(handle);
        if (caller != null && caller.refusedRecently(record.topic())) {
            TopicAuthorizationException refused = new TopicAuthorizationException(Set.of(record.topic()));
            if (callback != null) {
                callback.onCompletion(null, refused);
            }
            return new FailedSend(refused);
        }
        if (caller == null) {
            IllegalStateException gone = new IllegalStateException("The caller's producer is closed");
            if (callback != null) {
                callback.onCompletion(null, gone);
            }
            return new FailedSend(gone);
        }
        return sendOnContext(caller.producer(), record, callback == null ? null : (metadata, failure) -> {
            if (failure instanceof AuthenticationException) {
                callers.refused(handle);
            } else if (failure instanceof TopicAuthorizationException
                    || failure != null && failure.getCause() instanceof TopicAuthorizationException) {
                caller.refusedTopic(record.topic());
            }
            callback.onCompletion(metadata, failure);
        });
    }

    /** The future of a send that never reached a producer. */
    private static final class FailedSend extends java.util.concurrent.CompletableFuture<RecordMetadata> {
        FailedSend(Throwable failure) {
            completeExceptionally(failure);
        }
    }
}

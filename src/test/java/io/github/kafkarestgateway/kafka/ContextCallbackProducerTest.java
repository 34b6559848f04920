package io.github.kafkarestgateway.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.kafkarestgateway.testing.TestKafka;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kafka component's producers (made by {@link KafkaSendGate}) complete a record sent from a Vert.x context on
 * that context's event loop, so that the route goes on where the request is served; a record sent from any other
 * thread completes on the producer's network thread, as before. Against the real broker.
 */
class ContextCallbackProducerTest {

    private static Vertx vertx;
    private static Producer<byte[], byte[]> producer;
    private static String topic;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void start() {
        vertx = Vertx.vertx();
        topic = TestKafka.createTopic("context-callback");
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaSendGate().getProducer(properties);
    }

    @AfterAll
    static void stop() {
        producer.close();
        vertx.close();
    }

    private record Completion(Thread thread, RecordMetadata metadata, Exception failure, Context context,
                              boolean onEventLoop) {
    }

    @Test
    void aRecordSentOnAnEventLoopCompletesOnThatEventLoop() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<Thread> sentOn = new CompletableFuture<>();
        CompletableFuture<Completion> completed = new CompletableFuture<>();
        context.runOnContext(ignored -> {
            producer.send(new ProducerRecord<>(topic, "on the loop".getBytes(StandardCharsets.UTF_8)),
                    (metadata, failure) -> completed.complete(
                            new Completion(Thread.currentThread(), metadata, failure, Vertx.currentContext(),
                                    Context.isOnEventLoopThread())));
            sentOn.complete(Thread.currentThread());
        });
        Completion completion = completed.get(30, TimeUnit.SECONDS);
        assertEquals(null, completion.failure());
        assertNotNull(completion.metadata());
        assertEquals(sentOn.get(), completion.thread(), "completed on " + completion.thread().getName());
        assertTrue(completion.onEventLoop());
        assertEquals(context, completion.context());
        // the record is on the broker, where the metadata says
        assertEquals("on the loop", new String(TestKafka.recordAt(topic, completion.metadata().partition(),
                completion.metadata().offset()).value(), StandardCharsets.UTF_8));
    }

    @Test
    void aRecordSentOutsideVertxCompletesOnTheProducersThread() throws Exception {
        CompletableFuture<Completion> completed = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, "off the loop".getBytes(StandardCharsets.UTF_8)),
                (metadata, failure) -> completed.complete(
                        new Completion(Thread.currentThread(), metadata, failure, Vertx.currentContext(),
                                    Context.isOnEventLoopThread())));
        Completion completion = completed.get(30, TimeUnit.SECONDS);
        assertEquals(null, completion.failure());
        assertNotEquals(Thread.currentThread(), completion.thread());
        assertTrue(completion.thread().getName().startsWith("kafka-producer-network-thread"),
                completion.thread().getName());
        assertEquals(null, completion.context());
        assertTrue(!completion.onEventLoop());
    }
}

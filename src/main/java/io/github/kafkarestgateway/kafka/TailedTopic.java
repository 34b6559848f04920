package io.github.kafkarestgateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntFunction;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * A one-partition topic that this instance writes to and reads from its beginning, handing every record, in log
 * order, to the state it keeps, on a thread of its own: how the gateway's instances share state without a database
 * (the Idempotency-Keys, the service IDs). Every instance applies the same records in the same order, so all agree;
 * a writer learns what its record decided by waiting until the log was read up to it ({@link #readUpTo}), and a
 * start-up waits until everything written before it was read ({@link #readToEnd}).
 */
public final class TailedTopic implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TailedTopic.class);

    private final String topic;
    private final Map<String, Object> kafkaClient;
    private final String clientId;
    private final long producerTimeoutMs;
    private final TopicPartition partition;
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();
    private volatile long position;
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private volatile boolean running;
    private volatile boolean stopped;

    /** A topic of this cluster; its producer gives a record up after {@code producerTimeoutMs}. */
    public TailedTopic(String topic, Map<String, Object> kafkaClient, String clientId, long producerTimeoutMs) {
        this.topic = topic;
        this.kafkaClient = kafkaClient;
        this.clientId = clientId;
        this.producerTimeoutMs = producerTimeoutMs;
        this.partition = new TopicPartition(topic, 0);
    }

    public String name() {
        return topic;
    }

    /**
     * Creates the topic unless it exists: one partition (one log order), min(3, brokers) replicas, and the settings
     * {@code config} gives for the number of brokers. Returns false when it existed.
     *
     * @throws IllegalStateException when Kafka does not answer within the timeout, or refuses
     */
    public boolean create(IntFunction<Map<String, String>> config, long timeoutMs) {
        Admin admin = Admin.create(kafkaClient);
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs)).nodes()
                    .get(timeoutMs, TimeUnit.MILLISECONDS).size();
            try {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) Math.min(3, brokers))
                                .configs(config.apply(brokers))), new CreateTopicsOptions().timeoutMs((int) timeoutMs))
                        .all().get(timeoutMs, TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return false;
                }
                throw e;
            }
        } catch (Exception e) {
            throw failure("Cannot create the topic " + topic, e, timeoutMs);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** The topic's setting of this name as the brokers describe it, or null when they cannot say within the timeout. */
    public String config(String name, long timeoutMs) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Admin admin = Admin.create(kafkaClient);
        try {
            Config config = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions()
                    .timeoutMs((int) timeoutMs)).all().get(timeoutMs, TimeUnit.MILLISECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(name);
            return entry == null ? null : entry.value();
        } catch (Exception e) {
            LOG.debug("Cannot read the settings of the topic {}: {}", topic, e.toString());
            return null;
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /**
     * Starts the producer and the reader, which reads from the beginning: each record goes to {@code apply} (a
     * record it fails on is logged and skipped), then {@code afterPoll} runs, after every poll of at most 100 ms.
     */
    public synchronized void start(Consumer<ConsumerRecord<String, String>> apply, Runnable afterPoll) {
        if (running || stopped) {
            return;
        }
        Map<String, Object> producerProps = ReliableProducer.properties(kafkaClient, clientId, producerTimeoutMs);
        producerProps.put("key.serializer", StringSerializer.class.getName());
        producerProps.put("value.serializer", StringSerializer.class.getName());
        producerProps.remove("partitioner.class");
        producerProps.remove("interceptor.classes");
        producer = new KafkaProducer<>(producerProps);
        Map<String, Object> consumerProps = new HashMap<>(kafkaClient);
        consumerProps.put("key.deserializer", StringDeserializer.class.getName());
        consumerProps.put("value.deserializer", StringDeserializer.class.getName());
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("client.id", clientId + "-reader");
        consumerProps.remove("interceptor.classes");
        consumer = new KafkaConsumer<>(consumerProps);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        running = true;
        Thread reader = new Thread(() -> read(apply, afterPoll), clientId + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Consumer<ConsumerRecord<String, String>> apply, Runnable afterPoll) {
        try {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    try {
                        apply.accept(record);
                    } catch (RuntimeException e) {
                        LOG.error("Skipped the record at offset {} of {}: {}", record.offset(), topic, e.toString());
                    }
                }
                position = consumer.position(partition);
                wake();
                afterPoll.run();
            }
        } catch (WakeupException stopping) {
            // closed
        } catch (RuntimeException e) {
            LOG.error("The reader of {} stopped: {}", topic, e.toString());
        } finally {
            running = false;
            consumer.close();
            failWaiting();
        }
    }

    public boolean isRunning() {
        return running;
    }

    /** Writes a record (with these headers, none when empty); completes with its offset once the brokers have it. */
    public CompletableFuture<Long> write(String key, String value, Map<String, String> headers) {
        CompletableFuture<Long> written = new CompletableFuture<>();
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, 0, key, value);
        headers.forEach((name, text) -> record.headers().add(name, text.getBytes(UTF_8)));
        try {
            producer.send(record, (metadata, failure) -> {
                if (failure != null) {
                    written.completeExceptionally(failure);
                } else {
                    written.complete(metadata.offset());
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written;
    }

    /** Completes once this instance has applied the log up to the offset (fails when the reader stops first). */
    public CompletableFuture<Void> readUpTo(long offset) {
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        waiting.computeIfAbsent(offset, o -> new ArrayList<>()).add(caughtUp);
        wake();
        if (!running) {
            failWaiting();
        }
        return caughtUp;
    }

    /**
     * Returns once every record written before the call was read and applied (after {@link #start}).
     *
     * @throws IllegalStateException when Kafka does not answer, or the reading makes no progress, within the timeout
     */
    public void readToEnd(long timeoutMs) {
        long end;
        Admin admin = Admin.create(kafkaClient);
        try {
            end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                            new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs((int) timeoutMs))
                    .partitionResult(partition).get(timeoutMs, TimeUnit.MILLISECONDS).offset();
        } catch (Exception e) {
            throw failure("Cannot find the end of the topic " + topic, e, timeoutMs);
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
        if (end == 0) {
            return;
        }
        CompletableFuture<Void> read = readUpTo(end - 1);
        long before = position;
        while (true) {
            try {
                read.get(timeoutMs, TimeUnit.MILLISECONDS);
                return;
            } catch (TimeoutException e) {
                if (position == before) {
                    throw new IllegalStateException("Read the topic " + topic + " only up to offset " + position
                            + " of " + end + ": no record came within " + timeoutMs + " ms");
                }
                before = position;
            } catch (ExecutionException e) {
                throw new IllegalStateException("Cannot read the topic " + topic + ": " + e.getCause().getMessage(),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reading the topic " + topic, e);
            }
        }
    }

    private synchronized void wake() {
        while (!waiting.isEmpty() && waiting.firstKey() < position) {
            waiting.pollFirstEntry().getValue().forEach(f -> f.complete(null));
        }
    }

    private synchronized void failWaiting() {
        IllegalStateException stopped = new IllegalStateException("The reader of " + topic + " stopped");
        while (!waiting.isEmpty()) {
            waiting.pollFirstEntry().getValue().forEach(f -> f.completeExceptionally(stopped));
        }
    }

    /** What went wrong talking to the brokers, in words: no answer in time, or their refusal. */
    private IllegalStateException failure(String what, Exception e, long timeoutMs) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return new IllegalStateException(what + ": Kafka (" + kafkaClient.get("bootstrap.servers")
                    + ") did not answer within " + timeoutMs + " ms", cause);
        }
        if (cause instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new IllegalStateException(what + ": " + cause.getMessage(), cause);
    }

    @Override
    public synchronized void close() {
        stopped = true;
        if (running) {
            running = false;
            consumer.wakeup();
        }
        if (producer != null) {
            producer.close();
        }
    }
}

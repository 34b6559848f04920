package io.github.kafkarestgateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Re-delivers dead letters to Kafka: one at a time in the order they were stored (so per topic and key the original
 * order holds), with their key and headers plus a header naming the dead-letter id. An entry is marked replayed only
 * after the broker acknowledged it; the first failure stops the run, so no later entry overtakes an earlier one.
 * One replay runs at a time.
 */
public class DeadLetterReplayer implements AutoCloseable {

    /** The record header that names the dead-letter entry a replayed record comes from. */
    public static final String ID_HEADER = "gateway-dead-letter-id";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReplayer.class);

    /** What a replay did. */
    public record Result(List<Map<String, Object>> replayed, int pending, int notReplayable, String error) {
    }

    private final DeadLetterJournal journal;
    private final Map<String, Object> producerProperties;
    private final long timeoutMs;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetterReplayer(DeadLetterJournal journal, Map<String, Object> kafkaClient, long timeoutMs) {
        this.journal = journal;
        this.timeoutMs = timeoutMs;
        Map<String, Object> props = new HashMap<>(kafkaClient);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("max.block.ms", String.valueOf(timeoutMs));
        props.put("request.timeout.ms", String.valueOf(Math.max(1000, timeoutMs / 2)));
        props.put("delivery.timeout.ms", String.valueOf(timeoutMs));
        props.put("linger.ms", "0");
        props.put("key.serializer", ByteArraySerializer.class.getName());
        props.put("value.serializer", ByteArraySerializer.class.getName());
        props.put("client.id", "rest-gateway-dead-letter-replay");
        this.producerProperties = props;
    }

    public synchronized Result replay() {
        List<Map<String, Object>> replayed = new ArrayList<>();
        int notReplayable = 0;
        String error = null;
        List<DeadLetterJournal.Entry> pending;
        try {
            pending = journal.entries().stream().filter(e -> e.replayed() == null).toList();
        } catch (Exception e) {
            return new Result(List.of(), 0, 0, "cannot read the dead-letter store: " + e.getMessage());
        }
        int left = pending.size();
        for (DeadLetterJournal.Entry entry : pending) {
            if (entry.topic() == null || entry.value() == null) {
                notReplayable++;
                left--;
                continue;
            }
            try {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(entry.topic(), null, entry.key(), entry.value());
                entry.headers().forEach(h -> record.headers().add(new RecordHeader(h.getKey(), h.getValue())));
                record.headers().add(ID_HEADER, entry.id().getBytes(StandardCharsets.UTF_8));
                RecordMetadata metadata = producer().send(record).get(timeoutMs + 1000, TimeUnit.MILLISECONDS);
                journal.markReplayed(entry.id(), metadata.partition(), metadata.offset());
                replayed.add(Map.of("id", entry.id(), "topic", metadata.topic(), "partition", metadata.partition(),
                        "offset", metadata.offset()));
                left--;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
                break;
            } catch (Exception e) {
                error = "replay of " + entry.id() + " failed, stopping to keep the order: "
                        + ErrorResponse.unwrap(e).toString();
                LOG.warn("{}", error);
                break;
            }
        }
        if (!replayed.isEmpty()) {
            LOG.info("Replayed {} dead letter(s); {} pending", replayed.size(), left);
        }
        return new Result(replayed, left, notReplayable, error);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProperties);
        }
        return producer;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close();
            producer = null;
        }
    }
}

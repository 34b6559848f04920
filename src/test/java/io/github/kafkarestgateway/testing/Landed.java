package io.github.kafkarestgateway.testing;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The check behind every 200 the tests expect: the answer names a partition and offset, and the record there, read
 * back from the broker, is exactly what was sent: value bytes, key bytes (or none) and the complete list of headers.
 * <pre>
 * Landed.expect(topic, bytes("v")).key(bytes("k")).header("colour", bytes("red")).in(response);
 * </pre>
 */
public final class Landed {

    private final String topic;
    private final byte[] value;
    private byte[] key;
    private final List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
    private String bootstrap;
    private Map<String, ConsumerRecord<byte[], byte[]>> records;

    private Landed(String topic, byte[] value) {
        this.topic = topic;
        this.value = value;
    }

    /** A record with this value, no key and no headers unless said otherwise. */
    public static Landed expect(String topic, byte[] value) {
        return new Landed(topic, value);
    }

    public static Landed expect(String topic, String value) {
        return expect(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    public Landed key(byte[] bytes) {
        key = bytes;
        return this;
    }

    public Landed key(String text) {
        return key(text.getBytes(StandardCharsets.UTF_8));
    }

    /** One more record header, in the order the record must hold them. */
    public Landed header(String name, byte[] headerValue) {
        headers.add(Map.entry(name, headerValue));
        return this;
    }

    public Landed header(String name, String text) {
        return header(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Read from another cluster than the shared test broker. */
    public Landed from(String bootstrapServers) {
        bootstrap = bootstrapServers;
        return this;
    }

    /**
     * Look the record up among these, read from the topic once (by "partition@offset", as
     * {@link TestKafka#allRecords(String)} gives them), instead of reading it from the broker: for the many answers of a
     * load test.
     */
    public Landed within(Map<String, ConsumerRecord<byte[], byte[]>> allRecords) {
        records = allRecords;
        return this;
    }

    /** Asserts a 200 with metadata whose record is this one; returns the record. */
    public ConsumerRecord<byte[], byte[]> in(HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        return at(TestGateway.json(response).get("metadata"));
    }

    /** Asserts that the record at this answer's {@code metadata} (v1 or v2) is this one; returns the record. */
    public ConsumerRecord<byte[], byte[]> at(JsonNode metadata) {
        assertEquals(topic, metadata.get("topic").asText(), metadata.toString());
        int partition = metadata.get("partition").asInt();
        long offset = metadata.get("offset").asLong();
        String where = topic + "-" + partition + "@" + offset;
        ConsumerRecord<byte[], byte[]> record = records != null ? records.get(partition + "@" + offset)
                : bootstrap == null ? TestKafka.recordAt(topic, partition, offset)
                : TestKafka.recordAt(bootstrap, topic, partition, offset);
        if (record == null) {
            throw new AssertionError("No record at " + where);
        }
        assertArrayEquals(value, record.value(), "value of " + where);
        if (key == null) {
            assertNull(record.key(), "no key at " + where);
        } else {
            assertArrayEquals(key, record.key(), "key of " + where);
        }
        assertEquals(describe(headers), describe(headerList(record)), "headers of " + where);
        if (metadata.hasNonNull("timestamp")) {
            assertEquals(Long.parseLong(metadata.get("timestamp").asText()), record.timestamp(), "timestamp of " + where);
        }
        return record;
    }

    private static List<Map.Entry<String, byte[]>> headerList(ConsumerRecord<byte[], byte[]> record) {
        List<Map.Entry<String, byte[]>> list = new ArrayList<>();
        for (Header header : record.headers()) {
            list.add(Map.entry(header.key(), header.value()));
        }
        return list;
    }

    /** Name=hex pairs in order, so that a difference shows in the assertion message. */
    private static Map<String, String> describe(List<Map.Entry<String, byte[]>> list) {
        Map<String, String> described = new LinkedHashMap<>();
        for (int i = 0; i < list.size(); i++) {
            byte[] bytes = list.get(i).getValue();
            described.put(i + ":" + list.get(i).getKey(), bytes == null ? "null" : HexFormat.of().formatHex(bytes));
        }
        return described;
    }
}

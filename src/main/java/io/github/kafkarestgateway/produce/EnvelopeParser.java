package io.github.kafkarestgateway.produce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Reads the v2 request: one JSON envelope, or an array of them (a batch),
 * {@code {"headers":[{"name":"…","value":"<base64>"}],"key":{"type":"text|binary|json","data":…},
 * "value":{"type":…,"data":…},"partition":N,"timestamp":epochMillis}}. {@code binary} data is Base64, {@code json}
 * data any JSON value (kept as its JSON text), {@code text} a string; {@code avro} needs a schema registry and is
 * refused. Sets the variables {@code topic}, {@code records} (the parsed {@link OutgoingRecord}s, in request order) and
 * {@code batch} (whether the body was an array). Errors are 400 in the v2 shape, naming the field.
 */
public class EnvelopeParser implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private int maxRecords = 500;
    private long maxBytes = 5 * 1024 * 1024;
    private int maxKeyBytes = 4096;
    private int maxValueBytes = 65536;

    @Override
    public void process(Exchange exchange) {
        String topic = HttpRequests.topic(exchange);
        if (!RequestValidator.isLegalTopicName(topic)) {
            throw GatewayException.v2(400, "invalid_topic", "Invalid topic name: 1 to 249 of a-z, A-Z, 0-9, '.', '_'"
                    + " and '-'", "topic_name");
        }
        exchange.setVariable(GatewayNames.TOPIC, topic);
        String mediaType = HttpRequests.mediaType(HttpRequests.of(exchange).getHeader("Content-Type"));
        if (!mediaType.equals("application/json")) {
            throw GatewayException.v2(415, null, "The v2 API takes application/json", null);
        }
        Buffer body = exchange.getMessage().getBody(Buffer.class);
        if (body == null || body.length() == 0) {
            throw GatewayException.v2(411, null, "The request has no data", null);
        }
        if (body.length() > maxBytes) {
            throw GatewayException.v2(400, "request_too_large", "The request is larger than " + maxBytes + " bytes",
                    null);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body.getBytes());
        } catch (IOException e) {
            throw GatewayException.v2(400, "invalid_json", "The body is not valid JSON", null);
        }
        List<OutgoingRecord> records = new ArrayList<>();
        if (root != null && root.isArray()) {
            if (root.isEmpty() || root.size() > maxRecords) {
                throw GatewayException.v2(400, "invalid_batch", "A batch has 1 to " + maxRecords + " records, not "
                        + root.size(), null);
            }
            for (int i = 0; i < root.size(); i++) {
                records.add(record(root.get(i), "[" + i + "]."));
            }
        } else {
            records.add(record(root, ""));
        }
        exchange.setVariable(GatewayNames.RECORDS, records);
        exchange.setVariable(GatewayNames.BATCH, root.isArray());
        exchange.setVariable(GatewayNames.VALUE_BYTES, records.stream().mapToInt(r -> r.value().length).sum());
    }

    private OutgoingRecord record(JsonNode envelope, String at) {
        if (envelope == null || !envelope.isObject()) {
            throw GatewayException.v2(400, "invalid_envelope", "A record is a JSON object with a value",
                    at.isEmpty() ? null : at.substring(0, at.length() - 1));
        }
        if (!envelope.has("value")) {
            throw GatewayException.v2(400, "missing_field", "'value' is required", at + "value");
        }
        byte[] value = data(envelope.get("value"), at + "value");
        if (value.length > maxValueBytes) {
            throw GatewayException.v2(400, "value_too_large", "The value is larger than " + maxValueBytes + " bytes",
                    at + "value");
        }
        byte[] key = null;
        if (envelope.hasNonNull("key")) {
            key = data(envelope.get("key"), at + "key");
            if (key.length > maxKeyBytes) {
                throw GatewayException.v2(400, "key_too_large", "The key is larger than " + maxKeyBytes + " bytes",
                        at + "key");
            }
        }
        List<Map.Entry<String, byte[]>> headers = new ArrayList<>();
        if (envelope.hasNonNull("headers")) {
            JsonNode list = envelope.get("headers");
            if (!list.isArray()) {
                throw GatewayException.v2(400, "invalid_headers", "'headers' is an array of {name, value}", at + "headers");
            }
            for (int i = 0; i < list.size(); i++) {
                JsonNode header = list.get(i);
                String field = at + "headers[" + i + "]";
                if (!header.path("name").isTextual() || header.path("name").asText().isEmpty()
                        || !header.path("value").isTextual()) {
                    throw GatewayException.v2(400, "invalid_header", "A header has a name and a Base64 value", field);
                }
                headers.add(Map.entry(header.get("name").asText(), base64(header.get("value").asText(), field + ".value")));
            }
        }
        Integer partition = null;
        if (envelope.hasNonNull("partition")) {
            if (!envelope.get("partition").canConvertToInt() || envelope.get("partition").asInt() < 0
                    || !envelope.get("partition").isIntegralNumber()) {
                throw GatewayException.v2(400, "invalid_partition", "'partition' is a number from 0", at + "partition");
            }
            partition = envelope.get("partition").asInt();
        }
        Long timestamp = null;
        if (envelope.hasNonNull("timestamp")) {
            if (!envelope.get("timestamp").isIntegralNumber() || envelope.get("timestamp").asLong() < 0) {
                throw GatewayException.v2(400, "invalid_timestamp", "'timestamp' is epoch milliseconds", at + "timestamp");
            }
            timestamp = envelope.get("timestamp").asLong();
        }
        return new OutgoingRecord(key, value, List.copyOf(headers), partition, timestamp);
    }

    private static byte[] data(JsonNode field, String name) {
        if (!field.isObject()) {
            throw GatewayException.v2(400, "invalid_field", "'" + name + "' is an object with type and data", name);
        }
        if (!field.path("type").isTextual()) {
            throw GatewayException.v2(400, "invalid_type", "'type' field in '" + name + "' object is required", name + ".type");
        }
        String type = field.get("type").asText();
        JsonNode data = field.get("data");
        if (data == null || data.isMissingNode()) {
            throw GatewayException.v2(400, "missing_field", "'data' field in '" + name + "' object is required",
                    name + ".data");
        }
        return switch (type) {
            case "text" -> {
                if (!data.isTextual()) {
                    throw GatewayException.v2(400, "invalid_data", "text data is a string", name + ".data");
                }
                yield data.asText().getBytes(StandardCharsets.UTF_8);
            }
            case "binary" -> {
                if (!data.isTextual()) {
                    throw GatewayException.v2(400, "invalid_data", "binary data is a Base64 string", name + ".data");
                }
                yield base64(data.asText(), name + ".data");
            }
            case "json" -> data.toString().getBytes(StandardCharsets.UTF_8);
            case "avro" -> throw GatewayException.v2(400, "unsupported_type",
                    "The type 'avro' needs a schema registry, which this gateway does not have: use text, binary or json",
                    name + ".type");
            default -> throw GatewayException.v2(400, "invalid_type", "Unknown type '" + type
                    + "': use text, binary or json", name + ".type");
        };
    }

    private static byte[] base64(String text, String field) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw GatewayException.v2(400, "invalid_base64", "Not valid Base64", field);
        }
    }

    public void setMaxRecords(int maxRecords) {
        this.maxRecords = maxRecords;
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public void setMaxKeyBytes(int maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
    }

    public void setMaxValueBytes(int maxValueBytes) {
        this.maxValueBytes = maxValueBytes;
    }
}

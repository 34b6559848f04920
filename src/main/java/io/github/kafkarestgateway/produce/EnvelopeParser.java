package io.github.kafkarestgateway.produce;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.http.RequestFacts;
import io.github.kafkarestgateway.kafka.AvroPart;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Reads the v2 request: one JSON envelope, or an array of them (a batch),
 * {@code {"headers":[{"name":"…","value":"<base64>"}],"key":{"type":"text|binary|json|avro","data":…},
 * "value":{"type":…,"data":…},"partition":N,"timestamp":epochMillis}}. {@code binary} data is Base64, {@code json}
 * data any JSON value (kept as its JSON text), {@code text} a string. {@code avro} data is the Avro JSON text of the
 * datum, as a string, with one way to name its schema: {@code schema} (the schema's JSON, as a string or an object,
 * with an optional {@code schema_name_strategy}), {@code subject} (with an optional {@code version}) or
 * {@code schema_id}; such a part is only read here, and kept in the variable {@code avroParts} for
 * {@code schema.ResolveEnvelopeSchemas} to encode (its record holds the Avro JSON text meanwhile). The query's
 * {@code serializer}, when given, is {@code confluent}. Sets the variables {@code topic}, {@code records} (the parsed
 * {@link OutgoingRecord}s, in request order) and {@code batch} (whether the body was an array). Errors are 400 in the
 * v2 shape, naming the field.
 */
public class EnvelopeParser implements Processor {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Bound of an inline Avro schema's JSON text: schemas are remembered by their text, in a bounded cache. */
    public static final int MAX_SCHEMA_CHARS = 65536;
    private static final Set<String> STRATEGIES = Set.of("topic", "record", "topic_record");

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
        String serializer = HttpRequests.queryParam(HttpRequests.of(exchange), "serializer");
        if (serializer != null && !serializer.equals("confluent")) {
            throw GatewayException.v2(400, "invalid_serializer", "Unknown serializer '" + serializer
                    + "': the only one is confluent", "serializer");
        }
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
        List<AvroPart> avroParts = new ArrayList<>(0);
        if (root != null && root.isArray()) {
            if (root.isEmpty() || root.size() > maxRecords) {
                throw GatewayException.v2(400, "invalid_batch", "A batch has 1 to " + maxRecords + " records, not "
                        + root.size(), null);
            }
            for (int i = 0; i < root.size(); i++) {
                records.add(record(root.get(i), "[" + i + "].", i, avroParts));
            }
        } else {
            records.add(record(root, "", 0, avroParts));
        }
        exchange.setVariable(GatewayNames.RECORDS, records);
        if (!avroParts.isEmpty()) {
            exchange.setVariable(GatewayNames.AVRO_PARTS, avroParts);
        }
        exchange.setVariable(GatewayNames.BATCH, root.isArray());
        RequestFacts.of(exchange).valueBytes(records.stream().mapToInt(r -> r.value().length).sum());
    }

    private OutgoingRecord record(JsonNode envelope, String at, int index, List<AvroPart> avroParts) {
        if (envelope == null || !envelope.isObject()) {
            throw GatewayException.v2(400, "invalid_envelope", "A record is a JSON object with a value",
                    at.isEmpty() ? null : at.substring(0, at.length() - 1));
        }
        if (!envelope.has("value")) {
            throw GatewayException.v2(400, "missing_field", "'value' is required", at + "value");
        }
        byte[] value = data(envelope.get("value"), at + "value", index, false, avroParts);
        if (value.length > maxValueBytes) {
            throw GatewayException.v2(400, "value_too_large", "The value is larger than " + maxValueBytes + " bytes",
                    at + "value");
        }
        byte[] key = null;
        if (envelope.hasNonNull("key")) {
            key = data(envelope.get("key"), at + "key", index, true, avroParts);
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

    private static byte[] data(JsonNode field, String name, int index, boolean isKey, List<AvroPart> avroParts) {
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
            case "avro" -> {
                if (!data.isTextual()) {
                    throw GatewayException.v2(400, "invalid_data", "avro data is the Avro JSON text of the datum, as a"
                            + " string", name + ".data");
                }
                avroParts.add(avroPart(field, name, index, isKey));
                yield data.asText().getBytes(StandardCharsets.UTF_8);
            }
            default -> throw GatewayException.v2(400, "invalid_type", "Unknown type '" + type
                    + "': use text, binary, json or avro", name + ".type");
        };
    }

    /** The schema reference of an avro part: exactly one of schema, subject (and version), schema_id. */
    private static AvroPart avroPart(JsonNode field, String name, int index, boolean isKey) {
        int ways = (field.hasNonNull("schema") ? 1 : 0) + (field.hasNonNull("subject") ? 1 : 0)
                + (field.hasNonNull("schema_id") ? 1 : 0);
        if (ways != 1) {
            throw GatewayException.v2(400, "invalid_schema_reference", "avro data needs exactly one of 'schema',"
                    + " 'subject' and 'schema_id' in '" + name + "'", name);
        }
        if (field.hasNonNull("version") && !field.hasNonNull("subject")) {
            throw GatewayException.v2(400, "invalid_schema_reference", "'version' goes with 'subject'",
                    name + ".version");
        }
        if (field.hasNonNull("schema_name_strategy") && !field.hasNonNull("schema")) {
            throw GatewayException.v2(400, "invalid_schema_reference", "'schema_name_strategy' goes with 'schema'",
                    name + ".schema_name_strategy");
        }
        if (field.hasNonNull("schema")) {
            JsonNode schema = field.get("schema");
            if (!schema.isTextual() && !schema.isObject()) {
                throw GatewayException.v2(400, "invalid_schema", "'schema' is the Avro schema's JSON, as a string or"
                        + " an object", name + ".schema");
            }
            String text = schema.isTextual() ? schema.asText() : schema.toString();
            if (text.length() > MAX_SCHEMA_CHARS) {
                throw GatewayException.v2(400, "invalid_schema", "The schema is longer than " + MAX_SCHEMA_CHARS
                        + " characters", name + ".schema");
            }
            JsonNode strategy = field.path("schema_name_strategy");
            if (!strategy.isMissingNode() && !strategy.isNull()
                    && (!strategy.isTextual() || !STRATEGIES.contains(strategy.asText()))) {
                throw GatewayException.v2(400, "invalid_schema_name_strategy", "'schema_name_strategy' is topic,"
                        + " record or topic_record", name + ".schema_name_strategy");
            }
            return new AvroPart(index, isKey, text, strategy.isTextual() ? strategy.asText() : "topic", null,
                    null, null);
        }
        if (field.hasNonNull("subject")) {
            if (!field.get("subject").isTextual()) {
                throw GatewayException.v2(400, "invalid_schema_reference", "'subject' is a string", name + ".subject");
            }
            JsonNode version = field.path("version");
            String asked;
            if (version.isMissingNode() || version.isNull()) {
                asked = "latest";
            } else if (version.isIntegralNumber() && version.canConvertToInt() && version.asInt() > 0
                    || version.isTextual()) {
                asked = version.asText();
            } else {
                throw GatewayException.v2(400, "invalid_schema_reference", "'version' is a version number or"
                        + " 'latest'", name + ".version");
            }
            return new AvroPart(index, isKey, null, null, field.get("subject").asText(), asked, null);
        }
        JsonNode id = field.get("schema_id");
        if (!id.isIntegralNumber() || !id.canConvertToInt() || id.asInt() < 0) {
            throw GatewayException.v2(400, "invalid_schema_reference", "'schema_id' is the registry's schema id, a"
                    + " number", name + ".schema_id");
        }
        return new AvroPart(index, isKey, null, null, null, null, id.asInt());
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

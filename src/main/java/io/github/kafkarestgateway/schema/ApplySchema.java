package io.github.kafkarestgateway.schema;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Produces the record with its schema ({@code schema} variable, set by {@link ResolveSchema}): checks the value when
 * asked ({@code schemaValidation}), sets the record headers that name the schema ({@code gateway.schema.headers}),
 * and, with the Confluent wire format, frames the value as standard deserializers read it: magic byte 0, the 4-byte
 * schema id, then the Avro binary (an Avro JSON body converted to binary) or the JSON document. A value that does not
 * check is a 400 naming the failing field or path. The body is decoded as Avro JSON when it came as JSON (or as
 * text/plain, as Event Streams' own examples send it) and as Avro binary otherwise.
 */
public class ApplySchema implements Processor {

    /** Event Streams' record headers (its serdes of 2019.x and the REST producer of v1.1.0). */
    public static final String ES_SCHEMA_ID = "com.ibm.eventstreams.schemaregistry.schema.id";
    public static final String ES_SCHEMA_VERSION = "com.ibm.eventstreams.schemaregistry.schema.version";
    public static final String ES_ENCODING = "com.ibm.eventstreams.schemaregistry.encoding";
    /** Apicurio's serdes headers: the global id as an 8-byte big-endian long, and the encoding. */
    public static final String APICURIO_GLOBAL_ID = "apicurio.value.globalId";
    public static final String APICURIO_ENCODING = "apicurio.value.encoding";

    /** Which record headers name the schema. */
    public enum HeaderStyle { EVENT_STREAMS, APICURIO, NONE }

    /** How the value goes to Kafka. */
    public enum WireFormat { HEADERS, CONFLUENT }

    private final HeaderStyle headers;
    private final WireFormat wireFormat;

    public ApplySchema(HeaderStyle headers, WireFormat wireFormat) {
        this.headers = headers;
        this.wireFormat = wireFormat;
    }

    /** The setting's value ({@code event-streams}, {@code apicurio}, {@code none}) as a style. */
    public static HeaderStyle headerStyle(String setting) {
        return HeaderStyle.valueOf(setting.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** The setting's value ({@code headers}, {@code confluent}) as a wire format. */
    public static WireFormat wireFormat(String setting) {
        return WireFormat.valueOf(setting.trim().toUpperCase(Locale.ROOT));
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        RegisteredSchema schema = exchange.getVariable(GatewayNames.SCHEMA, RegisteredSchema.class);
        if (schema == null) {
            return;
        }
        byte[] value = exchange.getMessage().getBody(byte[].class);
        boolean json = isJson(exchange.getVariable(GatewayNames.CONTENT_TYPE, String.class));
        boolean validate = Boolean.TRUE.equals(exchange.getVariable(GatewayNames.SCHEMA_VALIDATION));
        String encoding = schema.format().encodingOf(json);
        if (validate || wireFormat == WireFormat.CONFLUENT) {
            SchemaFormat.Checked checked;
            try {
                checked = schema.format().check(value, json);
            } catch (InvalidRecordException invalid) {
                throw new GatewayException(400, invalid.getMessage()).aboutSchema(schema.reference());
            }
            if (wireFormat == WireFormat.CONFLUENT) {
                exchange.getMessage().setBody(confluentFramed(schema.id(), checked.binary()));
                encoding = checked.encoding();
            }
        }
        // the mapped headers are the request's own map (RecordMapper makes one per request): added to in place
        Map<String, byte[]> withSchema = exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
        if (withSchema == null) {
            withSchema = new LinkedHashMap<>();
            exchange.setVariable(GatewayNames.RECORD_HEADERS, withSchema);
        }
        switch (headers) {
            case EVENT_STREAMS -> {
                put(withSchema, ES_SCHEMA_ID, text(schema.subject()));
                put(withSchema, ES_SCHEMA_VERSION, text(String.valueOf(schema.version())));
                put(withSchema, ES_ENCODING, text(encoding));
            }
            case APICURIO -> {
                put(withSchema, APICURIO_GLOBAL_ID, ByteBuffer.allocate(8).putLong(schema.globalId()).array());
                put(withSchema, APICURIO_ENCODING, text(encoding));
            }
            case NONE -> {
            }
        }
    }

    /** The Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the encoded value. */
    static byte[] confluentFramed(int schemaId, byte[] encoded) {
        return ByteBuffer.allocate(5 + encoded.length).put((byte) 0).putInt(schemaId).put(encoded).array();
    }

    /** Sets a header the gateway owns: one the caller gave under that name (any case) is replaced, not kept beside. */
    private static void put(Map<String, byte[]> headers, String name, byte[] value) {
        headers.keySet().removeIf(name::equalsIgnoreCase);
        headers.put(name, value);
    }

    private static boolean isJson(String contentType) {
        String mediaType = HttpRequests.mediaType(contentType);
        return mediaType.endsWith("json") || mediaType.endsWith(".json.v1") || mediaType.equals("text/plain");
    }

    private static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}

package io.github.kafkarestgateway.schema;

/**
 * A parsed schema of one of the types the gateway validates records against: Avro ({@link AvroFormat}) or JSON
 * Schema ({@link JsonSchemaFormat}).
 */
public sealed interface SchemaFormat permits AvroFormat, JsonSchemaFormat {

    /** The record value as the schema sees it, checked: what goes to Kafka, and how it is encoded. */
    record Checked(byte[] binary, String encoding) {
    }

    /**
     * Checks a record value against the schema.
     *
     * @param value the body as received
     * @param json  whether the body came as JSON ({@code application/json}): Avro's JSON encoding for an Avro schema
     * @return the value in the encoding it is sent in, for the Confluent framing: Avro binary (an Avro JSON body is
     * converted), or the JSON document itself
     * @throws InvalidRecordException naming the failing field or path
     */
    Checked check(byte[] value, boolean json);

    /** The encoding of a body that is sent as received: {@code BINARY} or {@code JSON} (Event Streams' values). */
    String encodingOf(boolean json);
}

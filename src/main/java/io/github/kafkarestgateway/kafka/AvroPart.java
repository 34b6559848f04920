package io.github.kafkarestgateway.kafka;

/**
 * A key or value of a v2 envelope of {@code type: avro}, as the envelope gives it, before it is encoded: the record's
 * {@link OutgoingRecord} holds the Avro JSON text of the datum meanwhile, as its key or value. Exactly one of {@code schema}, {@code subject} and
 * {@code schemaId} names the schema.
 *
 * @param record   the index of the record in the request
 * @param key      whether this is the record's key (else its value)
 * @param schema   the Avro schema's JSON text, or null
 * @param strategy how an inline schema's subject is named: {@code topic}, {@code record} or {@code topic_record}
 * @param subject  a registered subject, or null
 * @param version  the subject's version ({@code latest} or a number), or null with no subject
 * @param schemaId the registry's schema id, or null
 */
public record AvroPart(int record, boolean key, String schema, String strategy, String subject,
                       String version, Integer schemaId) {

    /** The envelope field: {@code key} or {@code value}. */
    public String field() {
        return key ? "key" : "value";
    }
}

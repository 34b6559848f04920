package io.github.kafkarestgateway.schema;

/**
 * One version of a schema as the registry holds it, parsed once when it is looked up.
 *
 * @param subject    the subject (Event Streams' schema name; Apicurio's artifact id), or null when the schema was
 *                   looked up by its id
 * @param version    the version number of that subject (0 without a subject)
 * @param id         the registry's schema id (Confluent-compatible API), the one the Confluent framing carries
 * @param globalId   Apicurio's global id of the version, or {@code id} where the registry has none of its own
 * @param deprecated whether the registry marks the version deprecated (Apicurio; other registries have no such state)
 * @param format     the parsed schema, Avro or JSON Schema
 */
public record RegisteredSchema(String subject, int version, int id, long globalId, boolean deprecated,
                               SchemaFormat format) {

    /** How the schema is named in answers and errors: {@code subject/version}, or {@code id N}. */
    public String reference() {
        return subject == null ? "id " + id : subject + "/" + version;
    }
}

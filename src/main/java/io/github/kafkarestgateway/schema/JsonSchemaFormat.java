package io.github.kafkarestgateway.schema;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

/**
 * A JSON Schema (networknt's json-schema-validator; draft 7 unless the schema names its own {@code $schema}). A value
 * checks when it is a JSON document that the schema accepts; a failure names the path of the first problems
 * ({@code $.amount}). References are resolved within the schema only: the validator never fetches a {@code $ref} from
 * the network, so a schema cannot make the gateway call an address of its choosing.
 */
public final class JsonSchemaFormat implements SchemaFormat {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7,
            builder -> builder.schemaLoader(loader -> loader.fetchRemoteResources(false)));
    private static final int PROBLEMS_SHOWN = 3;

    private final Schema schema;

    private JsonSchemaFormat(Schema schema) {
        this.schema = schema;
    }

    /** Parses the schema text of the registry; a text that is no JSON Schema is an {@link IllegalArgumentException}. */
    public static JsonSchemaFormat parse(String text) {
        try {
            Schema schema = VALIDATORS.getSchema(JSON.readTree(text));
            schema.initializeValidators();
            return new JsonSchemaFormat(schema);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    @Override
    public Checked check(byte[] value, boolean json) {
        if (!json) {
            throw new InvalidRecordException("A JSON Schema validates JSON: send the value as application/json");
        }
        JsonNode document;
        try {
            document = JSON.readTree(value);
        } catch (IOException e) {
            throw new InvalidRecordException("The value is not valid JSON");
        }
        List<Error> problems = schema.validate(document);
        if (!problems.isEmpty()) {
            String shown = problems.stream().limit(PROBLEMS_SHOWN).map(Error::toString)
                    .collect(Collectors.joining("; "));
            throw new InvalidRecordException("The value does not match the JSON Schema: " + shown
                    + (problems.size() > PROBLEMS_SHOWN ? " (and " + (problems.size() - PROBLEMS_SHOWN) + " more)" : ""));
        }
        return new Checked(value, "JSON");
    }

    @Override
    public String encodingOf(boolean json) {
        return "JSON";
    }
}

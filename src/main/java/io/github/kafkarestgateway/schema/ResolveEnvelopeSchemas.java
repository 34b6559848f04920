package io.github.kafkarestgateway.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.kafka.AvroPart;
import io.github.kafkarestgateway.kafka.OutgoingRecord;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.avro.Schema;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Encodes the {@code type: avro} keys and values of a v2 request (the variable {@code avroParts}) as IBM Cloud's
 * {@code serializer=confluent} does: magic byte 0, the 4-byte schema id, then the Avro binary of the Avro JSON
 * {@code data}, which must decode completely with the schema. Every distinct schema of the request is looked up at
 * once in the {@link SchemaCatalog} (cached; without blocking a thread): by {@code schema_id}, by {@code subject} and
 * {@code version}, or, for an inline {@code schema}, the version of the subject its {@code schema_name_strategy}
 * names that holds it ({@code topic}: {@code <topic>-value}, {@code record}: {@code <fullName>-value},
 * {@code topic_record}: {@code <topic>-<fullName>-value}; {@code -key} for a key). An inline schema must be registered
 * already: the gateway never registers one. A request without avro parts passes untouched.
 *
 * <p>A single envelope whose schema or data fails is answered with that error; in a batch, the record carries its
 * error and the others are produced (207). Errors: 404 {@code schema_not_found}; 400 {@code invalid_schema}
 * (unparsable, or not Avro), {@code invalid_data} (naming the failing Avro field), {@code no_schema_registry},
 * {@code too_many_schemas}; 503 {@code schema_registry_unavailable} with {@code Retry-After} for the whole request
 * when the registry does not answer and a schema is not cached.
 */
public class ResolveEnvelopeSchemas extends AsyncProcessorSupport {

    /** Distinct schemas one request may name: each uncached one is a registry call. */
    static final int MAX_SCHEMAS = 16;

    private final SchemaCatalog catalog;
    private final Executor continuation;
    private final String retryAfterSeconds;

    /**
     * @param catalog      the registry's schemas, or null when no registry is configured
     * @param continuation where a request goes on after the registry answered
     * @param retryAfterMs the {@code Retry-After} of a 503
     */
    public ResolveEnvelopeSchemas(SchemaCatalog catalog, Executor continuation, long retryAfterMs) {
        this.catalog = catalog;
        this.continuation = continuation;
        this.retryAfterSeconds = String.valueOf(Math.max(1, (retryAfterMs + 999) / 1000));
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean process(Exchange exchange, AsyncCallback callback) {
        List<AvroPart> parts = exchange.getVariable(GatewayNames.AVRO_PARTS, List.class);
        if (parts == null) {
            callback.done(true);
            return true;
        }
        boolean batch = Boolean.TRUE.equals(exchange.getVariable(GatewayNames.BATCH));
        Object[] references = new Object[parts.size()];
        Map<SchemaCatalog.Reference, SchemaCatalog.Entry> found = new HashMap<>();
        List<SchemaCatalog.Reference> missing = new ArrayList<>();
        try {
            if (catalog == null) {
                throw GatewayException.v2(400, "no_schema_registry", "The type 'avro' needs a schema registry, and"
                        + " the gateway has none configured (gateway.schema-registry.url)", target(parts.get(0),
                        batch, "type"));
            }
            String topic = exchange.getVariable(GatewayNames.TOPIC, String.class);
            Set<SchemaCatalog.Reference> distinct = new LinkedHashSet<>();
            for (int i = 0; i < parts.size(); i++) {
                try {
                    references[i] = reference(topic, parts.get(i));
                    distinct.add((SchemaCatalog.Reference) references[i]);
                } catch (GatewayException refused) {
                    if (!batch) {
                        throw refused;
                    }
                    references[i] = refused;
                }
            }
            if (distinct.size() > MAX_SCHEMAS) {
                throw GatewayException.v2(400, "too_many_schemas", "A request names at most " + MAX_SCHEMAS
                        + " distinct schemas, not " + distinct.size(), null);
            }
            for (SchemaCatalog.Reference reference : distinct) {
                Optional<SchemaCatalog.Entry> cached = catalog.cached(reference);
                if (cached.isPresent()) {
                    found.put(reference, cached.get());
                } else {
                    missing.add(reference);
                }
            }
            if (missing.isEmpty()) {
                encode(exchange, parts, references, found, batch);
                callback.done(true);
                return true;
            }
        } catch (GatewayException refused) {
            exchange.setException(refused);
            callback.done(true);
            return true;
        }
        List<CompletableFuture<SchemaCatalog.Entry>> lookups = missing.stream().map(catalog::lookup).toList();
        CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).whenCompleteAsync((ignored, failure) -> {
            try {
                if (failure != null) {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    throw new RegistryDown("The schema registry is unavailable: a schema of the request could not be"
                            + " looked up: " + cause.getMessage(), retryAfterSeconds, cause);
                }
                for (int i = 0; i < missing.size(); i++) {
                    found.put(missing.get(i), lookups.get(i).join());
                }
                encode(exchange, parts, references, found, batch);
            } catch (GatewayException refused) {
                exchange.setException(refused);
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    /** The subject an inline schema is looked up under: {@code schema_name_strategy} applied to the topic. */
    static String subjectOf(String topic, AvroPart part, Schema schema) {
        String suffix = "-" + part.field();
        return switch (part.strategy()) {
            case "record" -> schema.getFullName() + suffix;
            case "topic_record" -> topic + "-" + schema.getFullName() + suffix;
            default -> topic + suffix;
        };
    }

    private static SchemaCatalog.Reference reference(String topic, AvroPart part) {
        if (part.schemaId() != null) {
            return new SchemaCatalog.Id(part.schemaId());
        }
        if (part.subject() != null) {
            if (!ResolveSchema.NAME.matcher(part.subject()).matches()) {
                throw GatewayException.v2(400, "invalid_schema_reference", "Invalid subject: 1 to 200 characters"
                        + " among a-z, A-Z, 0-9, '.', '_' and '-'", part.field() + ".subject");
            }
            if (!ResolveSchema.VERSION.matcher(part.version()).matches()) {
                throw GatewayException.v2(400, "invalid_schema_reference", "Invalid version '" + part.version()
                        + "': a version number or 'latest'", part.field() + ".version");
            }
            return new SchemaCatalog.Version(part.subject(), part.version());
        }
        if (part.strategy().equals("topic")) {
            // the schema is parsed only when the registry does not hold it (to tell why) or when its name is needed
            return new SchemaCatalog.Content(topic + "-" + part.field(), part.schema());
        }
        Schema schema = parsed(part).schema();
        if (schema.getType() != Schema.Type.RECORD) {
            throw GatewayException.v2(400, "invalid_schema_name_strategy", "schema_name_strategy '" + part.strategy()
                    + "' names the subject after a record, and the schema is of type " + schema.getType().getName(),
                    part.field() + ".schema_name_strategy");
        }
        return new SchemaCatalog.Content(subjectOf(topic, part, schema), part.schema());
    }

    private static AvroFormat parsed(AvroPart part) {
        try {
            return AvroFormat.parse(part.schema());
        } catch (IllegalArgumentException invalid) {
            throw GatewayException.v2(400, "invalid_schema", "The schema is " + invalid.getMessage(),
                    part.field() + ".schema");
        }
    }

    @SuppressWarnings("unchecked")
    private static void encode(Exchange exchange, List<AvroPart> parts, Object[] references,
                               Map<SchemaCatalog.Reference, SchemaCatalog.Entry> found, boolean batch) {
        List<OutgoingRecord> records = new ArrayList<>(exchange.getVariable(GatewayNames.RECORDS, List.class));
        for (int i = 0; i < parts.size(); i++) {
            AvroPart part = parts.get(i);
            OutgoingRecord record = records.get(part.record());
            if (record.refusal() != null) {
                continue;
            }
            try {
                if (references[i] instanceof GatewayException refused) {
                    throw refused;
                }
                SchemaCatalog.Reference reference = (SchemaCatalog.Reference) references[i];
                byte[] encoded = encoded(part, reference, found.get(reference), part.key() ? record.key()
                        : record.value());
                records.set(part.record(), part.key() ? record.withKeyAndValue(encoded, record.value())
                        : record.withKeyAndValue(record.key(), encoded));
            } catch (GatewayException refused) {
                if (!batch) {
                    throw refused;
                }
                records.set(part.record(), record.refused(refused));
            }
        }
        exchange.setVariable(GatewayNames.RECORDS, records);
    }

    private static byte[] encoded(AvroPart part, SchemaCatalog.Reference reference, SchemaCatalog.Entry entry,
                                  byte[] avroJson) {
        String field = part.field() + "." + (reference instanceof SchemaCatalog.Id ? "schema_id"
                : reference instanceof SchemaCatalog.Version ? "subject" : "schema");
        if (entry.problem() != null) {
            throw GatewayException.v2(400, "invalid_schema", "The schema " + described(reference)
                    + " cannot be used: " + entry.problem(), field);
        }
        if (entry.schema() == null) {
            if (reference instanceof SchemaCatalog.Content) {
                parsed(part);
            }
            throw GatewayException.v2(404, "schema_not_found", notFound(reference), field);
        }
        if (!(entry.schema().format() instanceof AvroFormat avro)) {
            throw GatewayException.v2(400, "invalid_schema", "The schema " + described(reference)
                    + " is not an Avro schema", field);
        }
        try {
            return ApplySchema.confluentFramed(entry.schema().id(), avro.check(avroJson, true).binary());
        } catch (InvalidRecordException invalid) {
            throw GatewayException.v2(400, "invalid_data", invalid.getMessage(), part.field() + ".data");
        }
    }

    private static String described(SchemaCatalog.Reference reference) {
        if (reference instanceof SchemaCatalog.Id id) {
            return "of id " + id.id();
        }
        if (reference instanceof SchemaCatalog.Version version) {
            return "'" + version.subject() + "' version " + version.version();
        }
        return "registered under '" + ((SchemaCatalog.Content) reference).subject() + "'";
    }

    private static String notFound(SchemaCatalog.Reference reference) {
        if (reference instanceof SchemaCatalog.Id id) {
            return "No schema has id " + id.id();
        }
        if (reference instanceof SchemaCatalog.Version version) {
            return version.version().equals("latest") ? "Subject '" + version.subject() + "' does not exist"
                    : "Subject '" + version.subject() + "' has no version " + version.version();
        }
        return "The schema is not registered under subject '" + ((SchemaCatalog.Content) reference).subject()
                + "': the gateway does not register schemas, register it in the registry first";
    }

    private static String target(AvroPart part, boolean batch, String attribute) {
        return (batch ? "[" + part.record() + "]." : "") + part.field() + "." + attribute;
    }
}

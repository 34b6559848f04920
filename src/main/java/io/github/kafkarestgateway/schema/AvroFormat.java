package io.github.kafkarestgateway.schema;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.ResolvingDecoder;

/**
 * An Avro schema (Apache Avro's own parser, reader and writer). A value checks when it decodes completely: Avro binary
 * with no byte left over, or Avro's JSON encoding of the record. The failing field is named by its path from the top
 * record ({@code order.lines.amount}).
 */
public final class AvroFormat implements SchemaFormat {

    /** Avro's generic reader without its fast path, which reads fields by other means than readField. */
    private static final GenericData SLOW = new GenericData();

    static {
        // Avro bounds what a small payload may make it allocate (a block "of a billion nulls"); by default a quarter
        // of the heap per datum. The gateway's values are at most gateway.max-value-bytes (64 KB by default), so a
        // far smaller bound is ample; an operator's own -D setting wins.
        setIfAbsent("org.apache.avro.limits.collectionItems.maxAllocation", "100000");
        setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", "1000000");
        SLOW.setFastReaderEnabled(false);
    }

    private final Schema schema;
    // Avro's readers and writers are not for concurrent use, and building one (its fast reader) costs more than a read
    private final ThreadLocal<GenericDatumReader<Object>> readers;
    private final ThreadLocal<GenericDatumWriter<Object>> writers;

    private AvroFormat(Schema schema) {
        this.schema = schema;
        this.readers = ThreadLocal.withInitial(() -> new GenericDatumReader<>(schema));
        this.writers = ThreadLocal.withInitial(() -> new GenericDatumWriter<>(schema));
    }

    /** Parses the schema text of the registry; a text that is no Avro schema is an {@link IllegalArgumentException}. */
    public static AvroFormat parse(String text) {
        try {
            return new AvroFormat(new Schema.Parser().parse(text));
        } catch (SchemaParseException | NullPointerException e) {
            throw new IllegalArgumentException("not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    public Schema schema() {
        return schema;
    }

    @Override
    public Checked check(byte[] value, boolean json) {
        Object datum;
        try {
            // Avro's fast reader first; only a value that fails is read again, slowly, to name the failing field
            datum = read(readers.get(), value, json);
        } catch (IOException | RuntimeException e) {
            PathTrackingReader reader = new PathTrackingReader(schema);
            try {
                read(reader, value, json);
            } catch (IOException | RuntimeException again) {
                if (again instanceof InvalidRecordException invalid) {
                    throw invalid;
                }
                throw invalid(json ? "Avro JSON" : "Avro binary", reader.path(), again);
            }
            throw invalid(json ? "Avro JSON" : "Avro binary", "", e);
        }
        return new Checked(json ? binary(datum) : value, "BINARY");
    }

    private Object read(GenericDatumReader<Object> reader, byte[] value, boolean json) throws IOException {
        if (json) {
            return reader.read(null, DecoderFactory.get().jsonDecoder(schema, new String(value, StandardCharsets.UTF_8)));
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, null);
        Object datum = reader.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new InvalidRecordException("The value is not an Avro binary record of schema " + schema.getFullName()
                    + ": bytes are left over after the record");
        }
        return datum;
    }

    @Override
    public String encodingOf(boolean json) {
        return json ? "JSON" : "BINARY";
    }

    private byte[] binary(Object datum) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.get().write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private InvalidRecordException invalid(String encoding, String field, Exception failure) {
        String problem = failure instanceof EOFException ? "the data ends before the record does"
                : failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        int nested = problem.lastIndexOf("content mismatch: ");
        if (nested >= 0) {
            // the slow reader wraps the failure once per enclosing field: the path says which, keep the innermost
            problem = problem.substring(nested + "content mismatch: ".length());
        }
        if (failure instanceof AvroRuntimeException && problem.length() > 200) {
            problem = problem.substring(0, 200) + "…";
        }
        return new InvalidRecordException("The value is not an " + encoding + " record of schema " + schema.getFullName()
                + (field.isEmpty() ? "" : ": field '" + field + "'") + ": " + problem);
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Avro's generic reader, noting the path of the field it is reading, so that a failure can name it. */
    private static final class PathTrackingReader extends GenericDatumReader<Object> {
        private final Deque<String> fields = new ArrayDeque<>();

        PathTrackingReader(Schema schema) {
            super(schema, schema, SLOW);
        }

        @Override
        protected void readField(Object record, Schema.Field field, Object oldDatum, ResolvingDecoder in, Object state)
                throws IOException {
            fields.addLast(field.name());
            super.readField(record, field, oldDatum, in, state);
            fields.removeLast();
        }

        String path() {
            return String.join(".", fields);
        }
    }
}

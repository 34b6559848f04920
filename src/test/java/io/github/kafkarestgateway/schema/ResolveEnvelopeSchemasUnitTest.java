package io.github.kafkarestgateway.schema;

import java.util.List;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.kafka.AvroPart;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.avro.Schema;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subject naming of inline schemas, and the steps that need no registry. */
class ResolveEnvelopeSchemasUnitTest {

    private static final Schema ORDER = new Schema.Parser().parse(SchemaApiTest.ORDER);

    private static AvroPart inline(boolean key, String strategy) {
        return new AvroPart(0, key, SchemaApiTest.ORDER, strategy, null, null, null);
    }

    @Test
    void eachStrategyNamesTheSubjectOfTheKeyOrTheValue() {
        assertEquals("orders-value", ResolveEnvelopeSchemas.subjectOf("orders", inline(false, "topic"), ORDER));
        assertEquals("orders-key", ResolveEnvelopeSchemas.subjectOf("orders", inline(true, "topic"), ORDER));
        assertEquals("shop.Order-value", ResolveEnvelopeSchemas.subjectOf("orders", inline(false, "record"), ORDER));
        assertEquals("shop.Order-key", ResolveEnvelopeSchemas.subjectOf("orders", inline(true, "record"), ORDER));
        assertEquals("orders-shop.Order-value",
                ResolveEnvelopeSchemas.subjectOf("orders", inline(false, "topic_record"), ORDER));
        Schema plain = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Plain\",\"fields\":[]}");
        assertEquals("Plain-key", ResolveEnvelopeSchemas.subjectOf("orders", inline(true, "record"), plain));
    }

    @Test
    void aRequestWithoutAvroPartsPassesAtOnceAndAvroWithoutARegistryIs400() {
        ResolveEnvelopeSchemas resolve = new ResolveEnvelopeSchemas(null, Runnable::run, 1000);
        Exchange plain = FakeHttpRequest.post("/v2/topics/orders/records", "{}");
        assertTrue(resolve.process(plain, doneSync -> { }));
        assertNull(plain.getException());

        Exchange avro = FakeHttpRequest.post("/v2/topics/orders/records", "[]");
        avro.setVariable(GatewayNames.TOPIC, "orders");
        avro.setVariable(GatewayNames.BATCH, true);
        avro.setVariable(GatewayNames.AVRO_PARTS, List.of(new AvroPart(2, true, null, null, null, null, 7)));
        assertTrue(resolve.process(avro, doneSync -> { }));
        GatewayException refused = (GatewayException) avro.getException();
        assertEquals(400, refused.status());
        assertEquals("no_schema_registry", refused.code());
        assertEquals("[2].key.type", refused.target());
    }
}

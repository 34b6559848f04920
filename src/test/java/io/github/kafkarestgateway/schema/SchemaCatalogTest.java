package io.github.kafkarestgateway.schema;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.github.kafkarestgateway.testing.TestRegistry;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache of registry lookups, against the real registry: bounded by weight, so large inline schemas cannot fill it. */
class SchemaCatalogTest {

    @Test
    void largeInlineSchemasTheRegistryDoesNotHaveWeighByTheirSize() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            URI url = URI.create(TestRegistry.url());
            SchemaRegistryClient client = new SchemaRegistryClient(url, SchemaRegistryClient.apicurioApiOf(url), null,
                    null, null, Duration.ofSeconds(5), executor);
            SchemaCatalog catalog = new SchemaCatalog(client, 100, 60_000, 60_000, 1000, executor);
            String filler = "x".repeat(60 * 1024);
            for (int i = 0; i < 20; i++) {
                String schema = "{\"type\":\"record\",\"name\":\"R" + i + "\",\"doc\":\"" + filler + "\",\"fields\":[]}";
                SchemaCatalog.Entry entry = catalog.lookup(new SchemaCatalog.Content("nobody-" + i + "-value", schema))
                        .get();
                assertNull(entry.schema(), "not registered");
            }
            // each weighs 61 of the 100: at most one is kept, where a count of entries would have kept all 20 (1.2 MB)
            assertTrue(catalog.remembered() <= 1, "remembered " + catalog.remembered());
            // small lookups still fit many
            for (int i = 0; i < 50; i++) {
                catalog.lookup(new SchemaCatalog.Version("nobody-" + i, "latest")).get();
            }
            assertTrue(catalog.remembered() >= 45, "remembered " + catalog.remembered());
        } finally {
            executor.shutdownNow();
        }
    }
}

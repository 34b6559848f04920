package io.github.kafkarestgateway.auth;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules by which every instance decides, in log order, which records of the service-ID topic take effect. */
class ServiceIdLogUnitTest {

    private final ServiceIdLog log = new ServiceIdLog();

    private static String entry(String name, String role) {
        return "{\"name\":\"" + name + "\",\"hash\":\"sha256:00\",\"role\":\"" + role + "\",\"topics\":[\"*\"]}";
    }

    @Test
    void aNewNameTakesEffectAndAChangeBasedOnTheRecordInEffectToo() {
        assertTrue(log.apply("a", entry("a", "writer"), -1L, 0, 0));
        assertEquals(0, log.version("a").offset());
        assertTrue(log.apply("a", entry("a", "operator"), 0L, 1, 0));
        assertEquals("operator", log.version("a").entry().path("role").asText());
        assertEquals(1, log.version("a").offset());
        assertNull(log.strandedAt("a"));
    }

    @Test
    void theSecondOfTwoRacingCreatesIsIgnoredAndStrandsTheNameUntilTheEntryInEffectIsWrittenAgain() {
        assertTrue(log.apply("a", entry("a", "writer"), -1L, 5, 0));
        assertFalse(log.apply("a", entry("a", "operator"), -1L, 6, 1000));
        assertEquals("writer", log.version("a").entry().path("role").asText());
        assertEquals(6L, log.strandedAt("a"));
        assertFalse(log.apply("a", entry("a", "reader"), -1L, 7, 3000));
        assertEquals(7L, log.strandedAt("a"), "the newest of the ignored records");
        assertEquals(List.of(), log.strandedFor(10_000, 5000));
        assertEquals(List.of("a"), log.strandedFor(10_000, 11_000));
        // the entry in effect, written again based on its record: no longer stranded
        assertTrue(log.apply("a", entry("a", "writer"), 5L, 8, 4000));
        assertNull(log.strandedAt("a"));
        assertEquals(List.of(), log.strandedFor(0, 20_000));
        assertEquals(8, log.version("a").offset());
    }

    @Test
    void aChangeBasedOnAStaleRecordIsIgnored() {
        log.apply("a", entry("a", "writer"), -1L, 0, 0);
        log.apply("a", entry("a", "reader"), 0L, 1, 0);
        assertFalse(log.apply("a", entry("a", "operator"), 0L, 2, 0), "a revoke racing a rotate, say");
        assertEquals("reader", log.version("a").entry().path("role").asText());
        assertEquals(2L, log.strandedAt("a"));
        // someone else's change based on the record in effect also ends the stranding
        assertTrue(log.apply("a", entry("a", "writer"), 1L, 3, 0));
        assertNull(log.strandedAt("a"));
    }

    @Test
    void inACompactedLogTheFirstRecordOfANameTakesEffectWhateverItWasBasedOn() {
        assertTrue(log.apply("a", entry("a", "writer"), 17L, 40, 0));
        assertTrue(log.apply("a", entry("a", "reader"), 40L, 41, 0));
        assertEquals("reader", log.version("a").entry().path("role").asText());
    }

    @Test
    void aRecordWithoutBasisTakesEffectAlwaysAndATombstoneRemovesTheName() {
        log.apply("a", entry("a", "writer"), -1L, 0, 0);
        assertTrue(log.apply("a", entry("a", "reader"), null, 1, 0));
        assertEquals("reader", log.version("a").entry().path("role").asText());
        assertTrue(log.apply("a", null, null, 2, 0));
        assertNull(log.version("a"));
        assertFalse(log.apply("a", null, null, 3, 0));
        assertEquals(List.of(), log.entries());
    }

    @Test
    void recordsThatAreNoValidEntryOfTheirNameAreIgnored() {
        assertFalse(log.apply("a", "{not json", -1L, 0, 0));
        assertFalse(log.apply("a", entry("b", "writer"), -1L, 1, 0));
        assertFalse(log.apply("a", entry("a", "root"), -1L, 2, 0));
        assertFalse(log.apply("a", "[1]", -1L, 3, 0));
        assertFalse(log.apply("a", "{\"name\":\"a\",\"expires\":\"tomorrow\"}", -1L, 4, 0));
        assertFalse(log.apply(null, entry("a", "writer"), -1L, 5, 0));
        assertNull(log.version("a"));
        assertNull(log.strandedAt("a"), "nothing in effect to write again");
        log.apply("a", entry("a", "writer"), -1L, 6, 0);
        assertFalse(log.apply("a", "{not json", 6L, 7, 0));
        assertEquals(7L, log.strandedAt("a"), "an invalid record left newest would be what a compacted log keeps");
    }

    @Test
    void entriesAreInTheOrderTheNamesFirstTookEffect() {
        log.apply("b", entry("b", "writer"), -1L, 0, 0);
        log.apply("a", entry("a", "writer"), -1L, 1, 0);
        log.apply("b", entry("b", "reader"), 0L, 2, 0);
        assertEquals(List.of("b", "a"), log.entries().stream().map(e -> e.path("name").asText()).toList());
    }
}

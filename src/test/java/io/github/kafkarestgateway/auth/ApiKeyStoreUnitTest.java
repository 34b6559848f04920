package io.github.kafkarestgateway.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The key store: SHA-256 hashes only, topic patterns, roles, expiry, revocation and reloading. */
class ApiKeyStoreUnitTest {

    @TempDir
    Path dir;

    private static String entry(String name, String key, String extra) {
        return "{\"name\":\"" + name + "\"" + (key == null ? "" : ",\"hash\":\"sha256:" + ApiKeyStore.sha256Hex(key) + "\"")
                + extra + "}";
    }

    private ApiKeyStore store(String... entries) throws IOException {
        Path file = dir.resolve("api-keys.json");
        Files.writeString(file, "{\"keys\":[" + String.join(",", entries) + "]}");
        return ApiKeyStore.load(file);
    }

    private static ApiKeyStore.Principal principal(String role, String... topics) {
        return new ApiKeyStore.Principal("p", List.of(topics), role, null, false, null);
    }

    @Test
    void theHashIsSha256InLowerCaseHex() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyStore.sha256Hex("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ApiKeyStore.sha256Hex(""));
    }

    @Test
    void newKeysAre256RandomBitsInUrlSafeBase64() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = ApiKeyStore.newKey();
            assertTrue(key.matches("[A-Za-z0-9_-]{43}"), key);
            keys.add(key);
        }
        assertEquals(100, keys.size());
    }

    @Test
    void aKeyAuthenticatesItsServiceIdOnly() throws IOException {
        ApiKeyStore store = store(entry("orders-app", "key-1", ",\"topics\":[\"orders.*\"],\"role\":\"writer\""),
                entry("audit", "key-2", ",\"topics\":[\"audit\"]"));
        assertEquals(2, store.size());
        ApiKeyStore.Principal principal = store.authenticate("key-1").orElseThrow();
        assertEquals("orders-app", principal.name());
        assertEquals(List.of("orders.*"), principal.topicPatterns());
        assertEquals("writer", principal.role());
        assertEquals("audit", store.authenticate("key-2").orElseThrow().name());
        assertEquals(Optional.empty(), store.authenticate("key-3"));
        assertEquals(Optional.empty(), store.authenticate(""));
        // Basic with the service ID as user: the key must be that service ID's
        assertEquals("orders-app", store.authenticate("orders-app", "key-1").orElseThrow().name());
        assertEquals(Optional.empty(), store.authenticate("orders-app", "key-2"));
        assertEquals(Optional.empty(), store.authenticate("nobody", "key-1"));
        assertEquals(Optional.empty(), store.authenticate("orders-app", ""));
    }

    @Test
    void hashesAreReadInAnyCaseAndEntriesWithoutHashAreCertificateOnly() throws IOException {
        String upper = "{\"name\":\"upper\",\"hash\":\"sha256:" + ApiKeyStore.sha256Hex("k").toUpperCase() + "\"}";
        ApiKeyStore store = store(upper, entry("cert-only", null, ""), "{\"name\":\"other\",\"hash\":\"md5:00\"}");
        assertEquals("upper", store.authenticate("k").orElseThrow().name());
        assertEquals("upper", store.authenticate("upper", "k").orElseThrow().name());
        assertEquals("cert-only", store.byName("cert-only").orElseThrow().name());
        assertEquals(Optional.empty(), store.authenticate("cert-only", ""));
        assertEquals(Optional.empty(), store.authenticate("other", "00"));
        assertEquals(3, store.size());
    }

    @Test
    void revokedAndExpiredKeysDoNotAuthenticate() throws IOException {
        String past = Instant.now().minusSeconds(60).toString();
        String future = Instant.now().plusSeconds(3600).toString();
        ApiKeyStore store = store(entry("revoked", "r", ",\"revoked\":true"),
                entry("expired", "e", ",\"expires\":\"" + past + "\""),
                entry("valid", "v", ",\"expires\":\"" + future + "\",\"revoked\":false"));
        assertEquals(Optional.empty(), store.authenticate("r"));
        assertEquals(Optional.empty(), store.authenticate("revoked", "r"));
        assertEquals(Optional.empty(), store.byName("revoked"));
        assertEquals(Optional.empty(), store.authenticate("e"));
        assertEquals(Optional.empty(), store.authenticate("expired", "e"));
        assertEquals(Optional.empty(), store.byName("expired"));
        assertEquals(Instant.parse(future), store.authenticate("v").orElseThrow().expires());
        assertEquals("valid", store.byName("valid").orElseThrow().name());
        assertEquals(Optional.empty(), store.byName("unknown"));
    }

    @Test
    void activeIsBeforeExpiryAndNotRevoked() {
        Instant at = Instant.parse("2027-01-01T00:00:00Z");
        ApiKeyStore.Principal expiring = new ApiKeyStore.Principal("p", List.of(), "writer", at, false, null);
        assertTrue(expiring.active(at.minusMillis(1)));
        assertFalse(expiring.active(at));
        assertFalse(new ApiKeyStore.Principal("p", List.of(), "writer", null, true, null).active(at));
        assertTrue(new ApiKeyStore.Principal("p", List.of(), "writer", null, false, null).active(at));
    }

    @Test
    void topicPatternsAreExactNamesPrefixesOrStar() {
        ApiKeyStore.Principal orders = principal("writer", "orders.*", "audit");
        assertTrue(orders.mayProduceTo("orders.eu"));
        assertTrue(orders.mayProduceTo("orders."));
        assertFalse(orders.mayProduceTo("orders"));
        assertFalse(orders.mayProduceTo("ordersx"));
        assertTrue(orders.mayProduceTo("audit"));
        assertFalse(orders.mayProduceTo("audit2"));
        assertFalse(orders.mayProduceTo("aud"));
        assertTrue(principal("writer", "*").mayProduceTo("anything"));
        assertFalse(principal("writer").mayProduceTo("anything"));
        assertTrue(principal("writer", "ord*").mayProduceTo("orders"));
    }

    @Test
    void rolesAreRankedReaderWriterOperator() {
        assertTrue(principal("operator").hasRole("operator"));
        assertTrue(principal("operator").hasRole("writer"));
        assertTrue(principal("writer").hasRole("writer"));
        assertFalse(principal("writer").hasRole("operator"));
        assertTrue(principal("writer").hasRole("reader"));
        assertFalse(principal("reader").hasRole("writer"));
        assertTrue(principal("reader").hasRole("reader"));
    }

    @Test
    void eventStreamsRoleNamesAreAccepted() {
        assertEquals("reader", ApiKeyStore.role("Viewer"));
        assertEquals("writer", ApiKeyStore.role("editor"));
        assertEquals("operator", ApiKeyStore.role("Manager"));
        assertEquals("operator", ApiKeyStore.role("administrator"));
        assertEquals("writer", ApiKeyStore.role("WRITER"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiKeyStore.role("admin"));
        assertEquals("Unknown role 'admin': use reader, writer or operator", e.getMessage());
    }

    @Test
    void theRoleIsWriterByDefaultAndTheHighestOfRoles() throws IOException {
        ApiKeyStore store = store(entry("default", "d", ""),
                entry("many", "m", ",\"roles\":[\"viewer\",\"manager\",\"editor\"]"),
                entry("readers", "r", ",\"roles\":[\"reader\"],\"role\":\"operator\""),
                entry("empty", "e", ",\"roles\":[],\"role\":\"reader\""),
                entry("limited", "l", ",\"rateLimit\":2.5"));
        assertEquals("writer", store.byName("default").orElseThrow().role());
        assertNull(store.byName("default").orElseThrow().rateLimit());
        assertEquals("operator", store.byName("many").orElseThrow().role());
        assertEquals("reader", store.byName("readers").orElseThrow().role());
        assertEquals("reader", store.byName("empty").orElseThrow().role());
        assertEquals(2.5, store.byName("limited").orElseThrow().rateLimit());
    }

    @Test
    void aFileWithAnEntryWithoutNameOrWithAnUnknownRoleIsNotLoaded() {
        assertThrows(IOException.class, () -> store("{\"hash\":\"sha256:00\"}"));
        assertThrows(IOException.class, () -> store("{\"name\":\" \"}"));
        assertThrows(IllegalArgumentException.class, () -> store(entry("x", "k", ",\"role\":\"root\"")));
    }

    @Test
    void refreshReplacesTheKeysWhenTheFileChangesAndKeepsThemWhenItCannotBeRead() throws IOException {
        ApiKeyStore store = store(entry("a", "key-a", ""));
        Path file = dir.resolve("api-keys.json");
        store.refresh();
        assertEquals("a", store.authenticate("key-a").orElseThrow().name());

        Path replacement = dir.resolve("new.json");
        Files.writeString(replacement, "{\"keys\":[" + entry("b", "key-b", "") + "]}");
        Files.move(replacement, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        store.refresh();
        assertEquals(Optional.empty(), store.authenticate("key-a"));
        assertEquals("b", store.authenticate("key-b").orElseThrow().name());

        // an edit in place, seen by its modification time
        Files.writeString(file, "{\"keys\":[" + entry("c", "key-c", "") + "]}");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        store.refresh();
        assertEquals("c", store.authenticate("key-c").orElseThrow().name());

        Files.writeString(file, "{not json");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(20)));
        store.refresh();
        assertEquals("c", store.authenticate("key-c").orElseThrow().name());
        Files.delete(file);
        store.refresh();
        assertEquals(1, store.size());
    }

    @Test
    void anUnchangedFileIsNotReadAgain() throws IOException {
        ApiKeyStore store = store(entry("a", "key-a", ""));
        Path file = dir.resolve("api-keys.json");
        FileTime modified = Files.getLastModifiedTime(file);
        // same file, same time, other content: not read (the key tool always replaces the file)
        Files.writeString(file, "{\"keys\":[" + entry("b", "key-b", "") + "]}");
        Files.setLastModifiedTime(file, modified);
        store.refresh();
        assertEquals("a", store.authenticate("key-a").orElseThrow().name());
    }

    @Test
    void aStoreFedByTheTopicAuthenticatesAsTheFileDoesAndReplacesEverythingAtOnce() throws IOException {
        ApiKeyStore store = ApiKeyStore.fed();
        assertEquals(0, store.size());
        store.refresh();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        store.replace(List.of(json.readTree(entry("a", "key-a", ",\"role\":\"operator\"")),
                json.readTree(entry("cert", null, ""))));
        assertEquals("operator", store.authenticate("key-a").orElseThrow().role());
        assertEquals("a", store.authenticate("a", "key-a").orElseThrow().name());
        assertEquals("cert", store.byName("cert").orElseThrow().name());
        store.replace(List.of(json.readTree(entry("b", "key-b", ",\"revoked\":true"))));
        assertEquals(Optional.empty(), store.authenticate("key-a"));
        assertEquals(Optional.empty(), store.authenticate("key-b"));
        assertEquals(1, store.size());
    }
}

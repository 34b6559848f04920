package io.github.kafkarestgateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The steps of {@code Idempotency-Key} against a store that answers what the test says (the real store is a Kafka
 * topic, tested by IdempotencyTest): the key's bounds, its scope, the request fingerprint and each decision's answer.
 */
class IdempotencyKeysUnitTest {

    /** A store without Kafka: records the calls, answers with {@link #decision}. */
    static final class StubStore extends IdempotencyStore {
        final List<String> calls = new ArrayList<>();
        final List<String> keys = new ArrayList<>();
        final List<String> fingerprints = new ArrayList<>();
        CompletableFuture<Decision> decision = CompletableFuture.completedFuture(new Proceed("claim-1"));

        StubStore() {
            super("unused", Map.of(), 60_000, 60_000);
        }

        @Override
        public CompletableFuture<Decision> claim(String key, String fingerprint) {
            calls.add("claim");
            keys.add(key);
            fingerprints.add(fingerprint);
            return decision;
        }

        @Override
        public CompletableFuture<Void> done(String key, String claimId, String fingerprint, int status,
                                            String contentType, String body) {
            calls.add("done " + key + " " + claimId + " " + fingerprint + " " + status + " " + contentType + " " + body);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void release(String key, String claimId) {
            calls.add("release " + key + " " + claimId);
        }
    }

    private static Exchange request(String uri, Object body, String... headers) {
        Exchange exchange = FakeHttpRequest.post(uri, body, headers);
        exchange.setVariable(GatewayNames.PRINCIPAL, "orders-app");
        exchange.setVariable(GatewayNames.TOPIC, "orders");
        return exchange;
    }

    private static Exchange keyed(String key) {
        return request("/topics/orders/records", "body".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain",
                "Idempotency-Key", key);
    }

    /** Runs the claim; returns whether it completed synchronously, after checking the callback was called once. */
    private static boolean claim(StubStore store, Exchange exchange) {
        AtomicReference<Boolean> done = new AtomicReference<>();
        boolean sync = new ClaimIdempotencyKey(store, Runnable::run).process(exchange, doneSync -> {
            assertNull(done.get(), "callback called twice");
            done.set(doneSync);
        });
        assertEquals(sync, done.get());
        return sync;
    }

    private static GatewayException failure(Exchange exchange) {
        return exchange.getException(GatewayException.class);
    }

    @Test
    void withoutTheHeaderNothingHappens() {
        StubStore store = new StubStore();
        Exchange exchange = request("/topics/orders/records", "b", "Content-Type", "text/plain");
        assertTrue(claim(store, exchange));
        assertNull(exchange.getException());
        assertEquals(List.of(), store.calls);
        assertTrue(new RememberAnswer(store, Runnable::run).process(exchange, sync -> { }));
        new ReleaseIdempotencyKey(store).process(exchange);
        assertEquals(List.of(), store.calls);
    }

    @Test
    void aKeyHasOneTo255Characters() {
        for (String bad : new String[] {"", " ", "k".repeat(256)}) {
            StubStore store = new StubStore();
            Exchange exchange = keyed(bad);
            assertTrue(claim(store, exchange));
            assertEquals(400, failure(exchange).status());
            assertEquals("Idempotency-Key has 1 to 255 characters", failure(exchange).getMessage());
            assertEquals(List.of(), store.calls);
        }
        for (String good : new String[] {"k", "k".repeat(255)}) {
            StubStore store = new StubStore();
            Exchange exchange = keyed(good);
            assertFalse(claim(store, exchange));
            assertNull(exchange.getException());
            assertEquals(List.of("claim"), store.calls);
        }
    }

    @Test
    void theKeyIsScopedByServiceIdAndTopic() {
        StubStore store = new StubStore();
        claim(store, keyed("order-42"));
        assertEquals(ApiKeyStore.sha256Hex("orders-app\norders\norder-42"), store.keys.get(0));
        Exchange otherTopic = keyed("order-42");
        otherTopic.setVariable(GatewayNames.TOPIC, "audit");
        claim(store, otherTopic);
        Exchange otherPrincipal = keyed("order-42");
        otherPrincipal.setVariable(GatewayNames.PRINCIPAL, "audit-app");
        claim(store, otherPrincipal);
        assertEquals(3, store.keys.stream().distinct().count());
        // the same request again: same key, same fingerprint
        claim(store, keyed("order-42"));
        assertEquals(store.keys.get(0), store.keys.get(3));
        assertEquals(store.fingerprints.get(0), store.fingerprints.get(3));
    }

    @Test
    void theFingerprintCoversUriContentTypeBodyAndMappedKeyAndHeaders() {
        StubStore store = new StubStore();
        List<Exchange> variants = new ArrayList<>();
        variants.add(keyed("k"));
        variants.add(request("/topics/orders/records?x=1", "body".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain", "Idempotency-Key", "k"));
        variants.add(request("/topics/orders/records", "body".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "application/octet-stream", "Idempotency-Key", "k"));
        variants.add(request("/topics/orders/records", "other".getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain", "Idempotency-Key", "k"));
        variants.add(request("/topics/orders/records", io.vertx.core.buffer.Buffer.buffer("other"),
                "Content-Type", "text/plain", "Idempotency-Key", "k"));
        Exchange withKey = keyed("k");
        withKey.setVariable(GatewayNames.RECORD_KEY, new byte[] {1});
        variants.add(withKey);
        Exchange withHeaders = keyed("k");
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put("colour", new byte[] {2});
        withHeaders.setVariable(GatewayNames.RECORD_HEADERS, headers);
        variants.add(withHeaders);
        Exchange withOtherHeaders = keyed("k");
        withOtherHeaders.setVariable(GatewayNames.RECORD_HEADERS, Map.of("colour", new byte[] {3}));
        variants.add(withOtherHeaders);
        Exchange noBody = keyed("k");
        noBody.getMessage().setBody(null);
        variants.add(noBody);
        variants.forEach(exchange -> claim(store, exchange));
        // a body given as a Buffer fingerprints like the same bytes
        assertEquals(store.fingerprints.get(3), store.fingerprints.get(4));
        store.fingerprints.remove(4);
        assertEquals(store.fingerprints.size(), store.fingerprints.stream().distinct().count(), store.fingerprints.toString());
        assertTrue(store.fingerprints.get(0).matches("[0-9a-f]{64}"));
    }

    @Test
    void proceedOwnsTheKeyRememberStoresTheAnswerReleaseFreesIt() {
        StubStore store = new StubStore();
        Exchange exchange = keyed("k");
        claim(store, exchange);
        assertNull(exchange.getException());
        assertEquals("claim-1", exchange.getVariable(GatewayNames.IDEMPOTENCY_CLAIM));
        String key = exchange.getVariable(GatewayNames.IDEMPOTENCY_KEY, String.class);
        String fingerprint = exchange.getVariable(GatewayNames.IDEMPOTENCY_FINGERPRINT, String.class);
        assertEquals(store.keys.get(0), key);
        assertEquals(store.fingerprints.get(0), fingerprint);

        new ReleaseIdempotencyKey(store).process(exchange);
        assertEquals("release " + key + " claim-1", store.calls.get(1));

        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody("{\"metadata\":{}}");
        AtomicReference<Boolean> done = new AtomicReference<>();
        assertFalse(new RememberAnswer(store, Runnable::run).process(exchange, done::set));
        assertEquals(false, done.get());
        assertEquals("done " + key + " claim-1 " + fingerprint + " 200 application/json {\"metadata\":{}}", store.calls.get(2));
        assertNull(exchange.getVariable(GatewayNames.IDEMPOTENCY_CLAIM));
    }

    @Test
    void rememberDefaultsTo200Json() {
        StubStore store = new StubStore();
        Exchange exchange = keyed("k");
        claim(store, exchange);
        exchange.getMessage().getHeaders().clear();
        exchange.getMessage().setBody("b");
        new RememberAnswer(store, Runnable::run).process(exchange, sync -> { });
        assertTrue(store.calls.get(1).endsWith(" 200 application/json b"), store.calls.get(1));
    }

    @Test
    void aReplayAnswersTheFirstAnswerWithIdempotentReplayed() {
        StubStore store = new StubStore();
        store.decision = CompletableFuture.completedFuture(new IdempotencyStore.Replay(200, "application/json", "{\"first\":1}"));
        Exchange exchange = keyed("k");
        exchange.getMessage().setHeader("Authorization", "Bearer secret");
        claim(store, exchange);
        assertNull(exchange.getException());
        assertEquals(Map.of(Exchange.HTTP_RESPONSE_CODE, 200, Exchange.CONTENT_TYPE, "application/json",
                "Idempotent-Replayed", "true"), exchange.getMessage().getHeaders());
        assertEquals("{\"first\":1}", exchange.getMessage().getBody());
        assertEquals(true, exchange.getVariable(GatewayNames.IDEMPOTENT_REPLAY));
        assertNull(exchange.getVariable(GatewayNames.IDEMPOTENCY_CLAIM));
    }

    @Test
    void inFlightIs409MismatchIs422AndAStoreFailureIs503() {
        StubStore store = new StubStore();
        store.decision = CompletableFuture.completedFuture(new IdempotencyStore.InFlight());
        Exchange inFlight = keyed("k");
        claim(store, inFlight);
        assertEquals(409, failure(inFlight).status());
        assertEquals("A request with this Idempotency-Key is in flight; retry once it is answered",
                failure(inFlight).getMessage());
        assertEquals(Map.of("Retry-After", "1"), failure(inFlight).responseHeaders());

        store.decision = CompletableFuture.completedFuture(new IdempotencyStore.Mismatch());
        Exchange mismatch = keyed("k");
        claim(store, mismatch);
        assertEquals(422, failure(mismatch).status());
        assertEquals("This Idempotency-Key was used for another request", failure(mismatch).getMessage());

        store.decision = CompletableFuture.failedFuture(new IllegalStateException("no broker"));
        Exchange down = keyed("k");
        claim(store, down);
        assertEquals(503, failure(down).status());
        assertEquals("The idempotency store does not answer", failure(down).getMessage());
        assertEquals(Map.of("Retry-After", "1"), failure(down).responseHeaders());
        for (Exchange refused : List.of(inFlight, mismatch, down)) {
            assertNull(refused.getVariable(GatewayNames.IDEMPOTENCY_CLAIM));
        }
        assertNotEquals(failure(inFlight), failure(mismatch));
    }

    @Test
    void theClaimContinuesOnTheGivenExecutor() {
        StubStore store = new StubStore();
        List<Runnable> queued = new ArrayList<>();
        AtomicReference<Boolean> done = new AtomicReference<>();
        Exchange exchange = keyed("k");
        assertFalse(new ClaimIdempotencyKey(store, queued::add).process(exchange, done::set));
        assertNull(done.get());
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertEquals(false, done.get());
        assertArrayEquals("body".getBytes(StandardCharsets.UTF_8), exchange.getMessage().getBody(byte[].class));
    }
}

package io.github.kafkarestgateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.Executor;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * Exactly-once produce across HTTP retries, first step: claims the request's {@code Idempotency-Key} (asynchronously:
 * the claim is a record on the idempotency topic). Without the header it does nothing. The key is scoped by principal
 * and topic; the request's fingerprint covers its URI, content type, body and mapped record key and headers. A repeat
 * of a request that succeeded gets the first answer (same partition and offset) and writes nothing (variable
 * {@code idempotentReplay}); a repeat while the first is in flight gets 409; the same key with another request 422;
 * else this request owns the key until {@link RememberAnswer} or {@link ReleaseIdempotencyKey}.
 */
public class ClaimIdempotencyKey extends AsyncProcessorSupport {

    /** The longest Idempotency-Key (characters); in the OpenAPI document too. */
    public static final int MAX_KEY_LENGTH = 255;

    private final IdempotencyStore store;
    private final Executor continuation;

    public ClaimIdempotencyKey(IdempotencyStore store, Executor continuation) {
        this.store = store;
        this.continuation = continuation;
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean process(Exchange exchange, AsyncCallback callback) {
        HttpServerRequest request = HttpRequests.of(exchange);
        String given = request.getHeader(GatewayNames.IDEMPOTENCY_KEY_HEADER);
        if (given == null) {
            callback.done(true);
            return true;
        }
        if (given.isBlank() || given.length() > MAX_KEY_LENGTH) {
            exchange.setException(new GatewayException(400, "Idempotency-Key has 1 to " + MAX_KEY_LENGTH
                    + " characters"));
            callback.done(true);
            return true;
        }
        String key = sha256(exchange.getVariable(GatewayNames.PRINCIPAL, String.class) + "\n"
                + exchange.getVariable(GatewayNames.TOPIC, String.class) + "\n" + given);
        String fingerprint = fingerprint(exchange, request);
        store.claim(key, fingerprint).whenCompleteAsync((decision, failure) -> {
            if (failure != null) {
                exchange.setException(new GatewayException(503, "The idempotency store does not answer", null,
                        Map.of("Retry-After", "1"), failure));
            } else if (decision instanceof IdempotencyStore.Proceed proceed) {
                exchange.setVariable(GatewayNames.IDEMPOTENCY_KEY, key);
                exchange.setVariable(GatewayNames.IDEMPOTENCY_CLAIM, proceed.claimId());
                exchange.setVariable(GatewayNames.IDEMPOTENCY_FINGERPRINT, fingerprint);
            } else if (decision instanceof IdempotencyStore.Replay replay) {
                Message message = exchange.getMessage();
                message.getHeaders().clear();
                message.setHeader(Exchange.HTTP_RESPONSE_CODE, replay.status());
                message.setHeader(Exchange.CONTENT_TYPE, replay.contentType());
                message.setHeader(GatewayNames.IDEMPOTENT_REPLAYED_HEADER, "true");
                message.setBody(replay.body());
                exchange.setVariable(GatewayNames.IDEMPOTENT_REPLAY, true);
            } else if (decision instanceof IdempotencyStore.InFlight) {
                exchange.setException(new GatewayException(409, "A request with this Idempotency-Key is in"
                        + " flight; retry once it is answered", null, Map.of("Retry-After", "1"), null));
            } else {
                exchange.setException(new GatewayException(422, "This Idempotency-Key was used for another"
                        + " request"));
            }
            callback.done(false);
        }, continuation);
        return false;
    }

    @SuppressWarnings("unchecked")
    private static String fingerprint(Exchange exchange, HttpServerRequest request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((request.method() + " " + request.uri() + "\n"
                    + request.getHeader("Content-Type") + "\n").getBytes(StandardCharsets.UTF_8));
            Object body = exchange.getMessage().getBody();
            digest.update(body instanceof byte[] bytes ? bytes : body instanceof Buffer buffer ? buffer.getBytes()
                    : new byte[0]);
            byte[] key = exchange.getVariable(GatewayNames.RECORD_KEY, byte[].class);
            if (key != null) {
                digest.update((byte) 1);
                digest.update(key);
            }
            Map<String, byte[]> headers = exchange.getVariable(GatewayNames.RECORD_HEADERS, Map.class);
            if (headers != null) {
                headers.forEach((name, value) -> {
                    digest.update(name.getBytes(StandardCharsets.UTF_8));
                    digest.update((byte) 0);
                    digest.update(value);
                });
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        return ApiKeyStore.sha256Hex(text);
    }
}

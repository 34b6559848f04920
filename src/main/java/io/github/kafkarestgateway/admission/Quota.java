package io.github.kafkarestgateway.admission;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A request-rate quota per service ID (a token bucket holding one second's worth of requests): over it, 429 with
 * {@code Retry-After}. The rate is the service ID's {@code rateLimit} in the key file, else
 * {@code gateway.quota.requests-per-second}; 0 means no quota.
 */
public class Quota implements Processor {

    private static final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double capacity) {
            this.tokens = capacity;
            this.refilledAt = System.nanoTime();
        }

        /** 0 when a token was taken, else the nanoseconds until one is there. */
        synchronized long take(double perSecond) {
            long now = System.nanoTime();
            // the bucket holds one second's requests, and at least one (a rate below 1/s must let one through)
            tokens = Math.min(Math.max(1, perSecond), tokens + (now - refilledAt) * perSecond / 1e9);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) ((1 - tokens) / perSecond * 1e9);
        }
    }

    /** Over the quota: 429. */
    public static final class Exceeded extends GatewayException {
        Exceeded(String message, long retryAfterSeconds) {
            super(429, message, null, Map.of("Retry-After", String.valueOf(retryAfterSeconds)), null, "quota", false);
        }
    }

    private final ApiKeyStore keys;
    private final double defaultPerSecond;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public Quota(ApiKeyStore keys, double defaultPerSecond) {
        this.keys = keys;
        this.defaultPerSecond = defaultPerSecond;
    }

    @Override
    public void process(Exchange exchange) {
        String principal = exchange.getVariable(GatewayNames.PRINCIPAL, String.class);
        double perSecond = keys.byName(principal).map(ApiKeyStore.Principal::rateLimit)
                .filter(rate -> rate != null).orElse(defaultPerSecond);
        if (principal == null || perSecond <= 0) {
            return;
        }
        long waitNanos = buckets.computeIfAbsent(principal, name -> new Bucket(Math.max(1, perSecond))).take(perSecond);
        if (waitNanos > 0) {
            long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
            throw new Exceeded("Rate limit exceeded: " + perSecond + " requests per second for '" + principal + "'",
                    seconds);
        }
    }
}

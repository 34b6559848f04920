package io.github.kafkarestgateway.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down the guessing of credentials, without ever refusing a caller that presents valid ones. Failures are
 * counted per client address (the one {@code http.ClientAddress} gives: behind trusted proxies, the client they
 * forward) and, where the request names a user (the user of HTTP Basic), per user name too: after
 * {@code maxFailures} failures within {@code windowMs}, that source is blocked for {@code blockMs}, which means that
 * wrong credentials from it are answered 429 instead of 401. Credentials are checked before the block is looked at,
 * so a valid key is never refused because of someone else's failures behind the same address (a proxy, NAT), and a
 * user presenting the right password is never locked out by someone guessing it from elsewhere. Bounded: at most
 * {@code MAX_TRACKED} sources per kind; stale ones are dropped first.
 */
public class FailedAuthenticationLimiter {

    private static final int MAX_TRACKED = 100_000;

    private record Failures(long windowStart, int count, long blockedUntil) {
    }

    private final int maxFailures;
    private final long windowMs;
    private final long blockMs;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();
    private final Map<String, Failures> byUser = new ConcurrentHashMap<>();

    public FailedAuthenticationLimiter(int maxFailures, long windowMs, long blockMs) {
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.blockMs = blockMs;
    }

    /** Seconds until wrong credentials from this address, or for this user (may be null), get 401 again; 0: now. */
    public long blockedSeconds(String address, String user) {
        long now = System.currentTimeMillis();
        long until = blockedUntil(byAddress, address);
        if (user != null) {
            until = Math.max(until, blockedUntil(byUser, user));
        }
        return until <= now ? 0 : Math.max(1, (until - now + 999) / 1000);
    }

    /** Counts a failed authentication from the address, naming the user (null when the request named none). */
    public void failed(String address, String user) {
        if (maxFailures <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        count(byAddress, address, now);
        if (user != null) {
            count(byUser, user, now);
        }
    }

    private static long blockedUntil(Map<String, Failures> failures, String source) {
        Failures counted = failures.get(source);
        return counted == null ? 0 : counted.blockedUntil();
    }

    private void count(Map<String, Failures> failures, String source, long now) {
        // a source tracked already is counted on: the bound is on the sources, not on their failures
        if (failures.size() >= MAX_TRACKED && !failures.containsKey(source)) {
            failures.values().removeIf(f -> f.blockedUntil() <= now && now - f.windowStart() > windowMs);
            if (failures.size() >= MAX_TRACKED) {
                return;
            }
        }
        failures.compute(source, (key, previous) -> {
            Failures current = previous == null || now - previous.windowStart() > windowMs
                    ? new Failures(now, 0, 0) : previous;
            int count = current.count() + 1;
            return new Failures(current.windowStart(), count, count >= maxFailures ? now + blockMs : 0);
        });
    }
}

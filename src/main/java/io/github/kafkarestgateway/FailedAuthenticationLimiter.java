package io.github.kafkarestgateway;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses a client address for a while after repeated failed authentication: after {@code maxFailures} failures
 * within {@code windowMs}, every request from that address gets 429 for {@code blockMs}. Bounded: at most
 * {@code maxTracked} addresses are tracked; stale ones are dropped first.
 */
public class FailedAuthenticationLimiter {

    private static final int MAX_TRACKED = 100_000;

    private record Failures(long windowStart, int count, long blockedUntil) {
    }

    private final int maxFailures;
    private final long windowMs;
    private final long blockMs;
    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    public FailedAuthenticationLimiter(int maxFailures, long windowMs, long blockMs) {
        this.maxFailures = maxFailures;
        this.windowMs = windowMs;
        this.blockMs = blockMs;
    }

    /** Seconds until the address may try again, or 0 when it may now. */
    public long blockedSeconds(String address) {
        Failures failures = byAddress.get(address);
        long now = System.currentTimeMillis();
        if (failures == null || failures.blockedUntil() <= now) {
            return 0;
        }
        return Math.max(1, (failures.blockedUntil() - now + 999) / 1000);
    }

    public void failed(String address) {
        if (maxFailures <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        if (byAddress.size() >= MAX_TRACKED) {
            byAddress.values().removeIf(f -> f.blockedUntil() <= now && now - f.windowStart() > windowMs);
            if (byAddress.size() >= MAX_TRACKED) {
                return;
            }
        }
        byAddress.compute(address, (key, previous) -> {
            Failures current = previous == null || now - previous.windowStart() > windowMs
                    ? new Failures(now, 0, 0) : previous;
            int count = current.count() + 1;
            return new Failures(current.windowStart(), count, count >= maxFailures ? now + blockMs : 0);
        });
    }
}

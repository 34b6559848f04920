package io.github.kafkarestgateway.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The failed-authentication limit: N failures block, N-1 do not; per address and per Basic user; bounded. */
class FailedAuthenticationLimiterUnitTest {

    private static void fail(FailedAuthenticationLimiter limiter, int times, String address, String user) {
        for (int i = 0; i < times; i++) {
            limiter.failed(address, user);
        }
    }

    @Test
    void anAddressIsBlockedAtTheNthFailureNotBefore() {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(3, 60_000, 60_000);
        fail(limiter, 2, "10.0.0.1", null);
        assertEquals(0, limiter.blockedSeconds("10.0.0.1", null));
        limiter.failed("10.0.0.1", null);
        assertEquals(60, limiter.blockedSeconds("10.0.0.1", null));
        assertEquals(60, limiter.blockedSeconds("10.0.0.1", "anyone"));
        // another address is not blocked
        assertEquals(0, limiter.blockedSeconds("10.0.0.2", null));
        // further failures extend the block, they do not lift it
        limiter.failed("10.0.0.1", null);
        assertEquals(60, limiter.blockedSeconds("10.0.0.1", null));
    }

    @Test
    void aUserIsBlockedForFailuresFromAnyAddress() {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(3, 60_000, 60_000);
        limiter.failed("10.0.0.1", "orders-app");
        limiter.failed("10.0.0.2", "orders-app");
        assertEquals(0, limiter.blockedSeconds("10.0.0.3", "orders-app"));
        limiter.failed("10.0.0.3", "orders-app");
        assertEquals(60, limiter.blockedSeconds("10.0.0.4", "orders-app"));
        // not the addresses, each of which failed once; nor another user
        assertEquals(0, limiter.blockedSeconds("10.0.0.1", null));
        assertEquals(0, limiter.blockedSeconds("10.0.0.1", "audit"));
    }

    @Test
    void theBlockIsRoundedUpToWholeSecondsAndEnds() throws InterruptedException {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(1, 60_000, 1_500);
        limiter.failed("a", null);
        assertEquals(2, limiter.blockedSeconds("a", null));
        FailedAuthenticationLimiter brief = new FailedAuthenticationLimiter(1, 60_000, 400);
        brief.failed("a", "u");
        assertEquals(1, brief.blockedSeconds("a", null));
        assertEquals(1, brief.blockedSeconds("b", "u"));
        Thread.sleep(600);
        assertEquals(0, brief.blockedSeconds("a", "u"));
    }

    @Test
    void failuresOutsideTheWindowAreNotCounted() throws InterruptedException {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(2, 1_000, 60_000);
        limiter.failed("a", "u");
        Thread.sleep(1_200);
        limiter.failed("a", "u");
        assertEquals(0, limiter.blockedSeconds("a", "u"));
        limiter.failed("a", "u");
        assertEquals(60, limiter.blockedSeconds("a", "u"));
    }

    @Test
    void zeroMaxFailuresNeverBlocks() {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(0, 60_000, 60_000);
        fail(limiter, 50, "a", "u");
        assertEquals(0, limiter.blockedSeconds("a", "u"));
    }

    @Test
    void atMost100000SourcesAreTrackedAndStaleOnesAreDroppedFirst() throws InterruptedException {
        FailedAuthenticationLimiter full = new FailedAuthenticationLimiter(2, 60_000, 60_000);
        for (int i = 0; i < 100_000; i++) {
            full.failed("10." + i, null);
        }
        // every tracked source is current: a new one is not tracked, and so never blocked
        fail(full, 2, "new", null);
        assertEquals(0, full.blockedSeconds("new", null));
        // the tracked ones still count
        full.failed("10.7", null);
        assertEquals(60, full.blockedSeconds("10.7", null));

        FailedAuthenticationLimiter stale = new FailedAuthenticationLimiter(2, 500, 60_000);
        for (int i = 0; i < 100_000; i++) {
            stale.failed("10." + i, null);
        }
        Thread.sleep(700);
        fail(stale, 2, "new", null);
        assertEquals(60, stale.blockedSeconds("new", null));
    }

    @Test
    void aBlockedSourceStaysBlockedWhenTheTableIsSwept() throws InterruptedException {
        FailedAuthenticationLimiter limiter = new FailedAuthenticationLimiter(2, 500, 60_000);
        fail(limiter, 2, "blocked", null);
        for (int i = 0; i < 99_999; i++) {
            limiter.failed("10." + i, null);
        }
        Thread.sleep(700);
        fail(limiter, 2, "new", null);
        assertTrue(limiter.blockedSeconds("blocked", null) > 0);
        assertEquals(60, limiter.blockedSeconds("new", null));
        assertEquals(0, limiter.blockedSeconds("10.1", null));
    }
}

package io.github.kafkarestgateway.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleSessionsUnitTest {

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MovingClock clock = new MovingClock();
    private final ConsoleSessions sessions = new ConsoleSessions(60_000, 600_000, 3, clock);

    @Test
    void aSessionEndsWhenUnusedForTheIdleTimeAndUseKeepsItAlive() {
        ConsoleSessions.Started started = sessions.start("ops");
        clock.advance(Duration.ofSeconds(59));
        assertTrue(sessions.use(started.token()).isPresent());
        clock.advance(Duration.ofSeconds(59));
        assertTrue(sessions.use(started.token()).isPresent(), "each use starts the idle time again");
        clock.advance(Duration.ofSeconds(60));
        assertFalse(sessions.use(started.token()).isPresent());
    }

    @Test
    void aSessionEndsAtItsAbsoluteExpiryHoweverUsed() {
        ConsoleSessions.Started started = sessions.start("ops");
        for (int i = 0; i < 19; i++) {
            clock.advance(Duration.ofSeconds(30));
            assertTrue(sessions.use(started.token()).isPresent());
        }
        clock.advance(Duration.ofSeconds(30));
        assertFalse(sessions.use(started.token()).isPresent(), "10 minutes after sign-in");
    }

    @Test
    void overTheLimitTheOldestSessionEnds() {
        ConsoleSessions.Started first = sessions.start("a");
        ConsoleSessions.Started second = sessions.start("b");
        sessions.start("c");
        sessions.start("d");
        assertFalse(sessions.use(first.token()).isPresent());
        assertTrue(sessions.use(second.token()).isPresent());
        assertEquals(3, sessions.size());
    }

    @Test
    void signOutAndRevocationEndSessions() {
        ConsoleSessions.Started one = sessions.start("ops");
        ConsoleSessions.Started two = sessions.start("ops");
        ConsoleSessions.Started other = sessions.start("other");
        sessions.end(one.token());
        assertFalse(sessions.use(one.token()).isPresent());
        sessions.endAllOf("ops");
        assertFalse(sessions.use(two.token()).isPresent());
        assertTrue(sessions.use(other.token()).isPresent());
    }

    @Test
    void tokensAreRandomAndOnlyTheSessionsCsrfTokenMatches() {
        ConsoleSessions.Started one = sessions.start("ops");
        ConsoleSessions.Started two = sessions.start("ops");
        assertNotEquals(one.token(), two.token());
        assertNotEquals(one.session().csrfToken(), one.token());
        assertTrue(ConsoleSessions.csrfMatches(one.session(), one.session().csrfToken()));
        assertFalse(ConsoleSessions.csrfMatches(one.session(), two.session().csrfToken()));
        assertFalse(ConsoleSessions.csrfMatches(one.session(), null));
        assertFalse(sessions.use("not-a-session").isPresent());
        assertFalse(sessions.use(null).isPresent());
    }
}

package io.github.kafkarestgateway.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.github.kafkarestgateway.auth.ApiKeyStore;

/**
 * The console's sessions, kept in this instance's memory: a sign-in with an operator key (or certificate) gets a
 * random 256-bit session token, sent back as an {@code HttpOnly}, {@code Secure}, {@code SameSite=Strict} cookie, and
 * a second random token against cross-site request forgery, which the page sends in a header with every change. Only
 * the SHA-256 of a session token is kept, so the map never holds what a browser presents. A session ends when unused
 * for the idle time, at its absolute expiry, at sign-out, or when over {@code maxSessions} the oldest goes first.
 */
public final class ConsoleSessions {

    /** The session cookie: {@code __Host-} makes browsers insist on Secure, Path=/ and no Domain. */
    public static final String COOKIE = "__Host-gateway-console";
    /** The header that carries a session's token against cross-site request forgery. */
    public static final String CSRF_HEADER = "X-CSRF-Token";

    /** A signed-in operator: the service ID's name and the session's tokens, and when it ends. */
    public record Session(String operator, String csrfToken, Instant started, Instant expires) {
    }

    private record Held(Session session, Instant lastUsed) {
    }

    /** A new session's cookie value (shown once, to the browser) and the session. */
    public record Started(String token, Session session) {
    }

    private final long idleMs;
    private final long maxMs;
    private final int maxSessions;
    private final Clock clock;
    /** By the SHA-256 of the token, oldest first. */
    private final LinkedHashMap<String, Held> sessions = new LinkedHashMap<>();

    public ConsoleSessions(long idleMs, long maxMs, int maxSessions, Clock clock) {
        this.idleMs = idleMs;
        this.maxMs = maxMs;
        this.maxSessions = Math.max(1, maxSessions);
        this.clock = clock;
    }

    /** Starts a session for an operator's service ID. */
    public synchronized Started start(String operator) {
        Instant now = clock.instant();
        removeEnded(now);
        while (sessions.size() >= maxSessions) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        String token = ApiKeyStore.newKey();
        Session session = new Session(operator, ApiKeyStore.newKey(), now, now.plusMillis(maxMs));
        sessions.put(ApiKeyStore.sha256Hex(token), new Held(session, now));
        return new Started(token, session);
    }

    /** The live session of a cookie's token, which counts as a use of it; empty when none or ended. */
    public synchronized Optional<Session> use(String token) {
        if (token == null || token.isEmpty()) {
            return Optional.empty();
        }
        String hash = ApiKeyStore.sha256Hex(token);
        Held held = sessions.get(hash);
        Instant now = clock.instant();
        if (held == null) {
            return Optional.empty();
        }
        if (ended(held, now)) {
            sessions.remove(hash);
            return Optional.empty();
        }
        sessions.put(hash, new Held(held.session(), now));
        return Optional.of(held.session());
    }

    /** Ends the session of this token (sign-out). */
    public synchronized void end(String token) {
        if (token != null) {
            sessions.remove(ApiKeyStore.sha256Hex(token));
        }
    }

    /** Ends every session of this operator (its service ID lost the right to sign in). */
    public synchronized void endAllOf(String operator) {
        sessions.values().removeIf(held -> held.session().operator().equals(operator));
    }

    public synchronized int size() {
        removeEnded(clock.instant());
        return sessions.size();
    }

    /** Seconds a cookie should live: the absolute expiry. */
    public long maxAgeSeconds() {
        return maxMs / 1000;
    }

    public long idleSeconds() {
        return idleMs / 1000;
    }

    /** Whether the presented token against cross-site request forgery is the session's, compared in constant time. */
    public static boolean csrfMatches(Session session, String presented) {
        return presented != null && MessageDigest.isEqual(session.csrfToken().getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private boolean ended(Held held, Instant now) {
        return !now.isBefore(held.session().expires()) || !now.isBefore(held.lastUsed().plusMillis(idleMs));
    }

    private void removeEnded(Instant now) {
        for (Iterator<Map.Entry<String, Held>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
            if (ended(it.next().getValue(), now)) {
                it.remove();
            }
        }
    }
}

package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The signed-in operator of a console request: its session cookie names a live session (else 401), whose service ID
 * is still an active operator (a revoked or expired one ends its sessions: 401), and a request that changes something
 * carries the session's token against cross-site request forgery (else 403). Sets the variables {@code principal}
 * and {@code consoleSession}.
 */
public class CheckConsoleSession implements Processor {

    private final ConsoleSessions sessions;
    private final ApiKeyStore keys;

    public CheckConsoleSession(ConsoleSessions sessions, ApiKeyStore keys) {
        this.sessions = sessions;
        this.keys = keys;
    }

    @Override
    public void process(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        Cookie cookie = request.getCookie(ConsoleSessions.COOKIE);
        ConsoleSessions.Session session = sessions.use(cookie == null ? null : cookie.getValue())
                .orElseThrow(() -> new GatewayException(401, "Sign in to the console with an operator key"));
        boolean operator = keys.byName(session.operator()).map(p -> p.hasRole(ApiKeyStore.OPERATOR)).orElse(false);
        if (!operator) {
            sessions.endAllOf(session.operator());
            throw new GatewayException(401, "The service ID '" + session.operator()
                    + "' is no longer an active operator: sign in again");
        }
        exchange.setVariable(GatewayNames.PRINCIPAL, session.operator());
        exchange.setVariable(GatewayNames.CONSOLE_SESSION, session);
        boolean changes = request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD;
        if (changes && !ConsoleSessions.csrfMatches(session, request.getHeader(ConsoleSessions.CSRF_HEADER))) {
            throw new GatewayException(403, "Refused: the request lacks the console session's "
                    + ConsoleSessions.CSRF_HEADER);
        }
    }
}

package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.http.HttpRequests;
import io.vertx.core.http.Cookie;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** {@code DELETE /console/api/session}: signs out; the session ends and the browser forgets its cookie. */
public class EndConsoleSession implements Processor {

    private final ConsoleSessions sessions;

    public EndConsoleSession(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Override
    public void process(Exchange exchange) {
        Cookie cookie = HttpRequests.of(exchange).getCookie(ConsoleSessions.COOKIE);
        sessions.end(cookie == null ? null : cookie.getValue());
        ConsoleAnswer.json(exchange.getMessage(), 200, ConsoleAnswer.object().put("signedOut", true));
        exchange.getMessage().setHeader("Set-Cookie", ConsoleSessions.COOKIE
                + "=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
    }
}

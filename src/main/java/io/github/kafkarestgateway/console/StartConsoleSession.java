package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.names.GatewayNames;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * {@code POST /console/api/session}, after the operator's credentials were checked ({@code authenticateOperator}: the
 * same check as the operator endpoints): starts a session and sets its cookie; the answer is the session
 * ({@link DescribeConsoleSession}). The key itself goes no further than that check: never into the cookie, the page's
 * storage or a URL.
 */
public class StartConsoleSession implements Processor {

    private final ConsoleSessions sessions;
    private final DescribeConsoleSession describe;

    public StartConsoleSession(ConsoleSessions sessions, DescribeConsoleSession describe) {
        this.sessions = sessions;
        this.describe = describe;
    }

    @Override
    public void process(Exchange exchange) {
        String operator = exchange.getVariable(GatewayNames.PRINCIPAL, String.class);
        ConsoleSessions.Started started = sessions.start(operator);
        exchange.setVariable(GatewayNames.CONSOLE_SESSION, started.session());
        describe.process(exchange);
        exchange.getMessage().setHeader("Set-Cookie", ConsoleSessions.COOKIE + "=" + started.token()
                + "; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=" + sessions.maxAgeSeconds());
    }
}

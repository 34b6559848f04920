package io.github.kafkarestgateway.console;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Refuses a change that another site's page asks the browser to make (cross-site request forgery): the browser's
 * {@code Origin} must be this gateway's own (its scheme, or https behind a TLS-terminating proxy, and the Host the
 * browser asked for), and
 * {@code Sec-Fetch-Site}, when sent, must say {@code same-origin}. Every request that changes something passes this
 * before anything else, sign-in included; the session's own token is checked after it ({@link CheckConsoleSession}).
 */
public class CheckConsoleOrigin implements Processor {

    @Override
    public void process(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        String origin = request.getHeader("Origin");
        String host = request.getHeader("Host");
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        // behind a TLS-terminating proxy (gateway.tls.enabled=false) the browser's page is https all the same
        boolean own = origin != null && host != null && (origin.equalsIgnoreCase(request.scheme() + "://" + host)
                || origin.equalsIgnoreCase("https://" + host));
        if (!own
                || fetchSite != null && !fetchSite.equals("same-origin")) {
            throw new GatewayException(403, "Refused: the request did not come from the console's own page");
        }
    }
}

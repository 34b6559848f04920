package io.github.kafkarestgateway.http;

import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.error.ErrorBody;
import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePattern;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.component.platform.http.spi.PlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConsumer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform-http engine of the gateway: Camel's Vert.x engine, but routing each request asynchronously. The stock
 * consumer runs the route on a Vert.x worker thread and blocks that thread until the route is done, i.e. until Kafka
 * acknowledges; here the worker thread is released as soon as the record is handed to the producer, and the answer
 * is written from the producer's completion. Waiting requests hold no thread, so a slow or absent broker cannot
 * exhaust the worker pool. A request that cannot block at all (see {@link EventLoopPolicy}) runs its route on the
 * event loop itself, without the switch to a worker thread. The answer is always written on the request's event loop.
 * Registered under the name {@code platform-http-engine}.
 */
public class NonBlockingHttpEngine extends VertxPlatformHttpEngine {

    /** Whether a request's route may run on the event loop: only when nothing in it can wait. */
    @FunctionalInterface
    public interface EventLoopPolicy {
        boolean mayRunOnEventLoop(String path, RoutingContext request);
    }

    private final String routerName;
    private final EventLoopPolicy eventLoopPolicy;

    /**
     * @param routerName      the router of the gateway's own server: where its routes go even when another
     *                        platform-http server runs in the same process (Camel JBang starts one of its own)
     * @param eventLoopPolicy given the path of the route's endpoint and the request, whether the route may run on the
     *                        event loop
     */
    public NonBlockingHttpEngine(String routerName, EventLoopPolicy eventLoopPolicy) {
        this.routerName = routerName;
        this.eventLoopPolicy = eventLoopPolicy;
    }

    @Override
    public PlatformHttpConsumer createConsumer(PlatformHttpEndpoint endpoint, Processor processor) {
        return new Consumer(endpoint, processor, routerName, eventLoopPolicy);
    }

    static final class Consumer extends VertxPlatformHttpConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(Consumer.class);

        private final EventLoopPolicy eventLoopPolicy;

        Consumer(PlatformHttpEndpoint endpoint, Processor processor, String routerName, EventLoopPolicy policy) {
            super(endpoint, processor, java.util.List.of(), routerName);
            this.eventLoopPolicy = policy;
        }

        @Override
        protected void handleRequest(RoutingContext ctx) {
            if (isSuspended() || !isRunAllowed()) {
                end(ctx.response(), 503, ErrorBody.json(503, "The gateway is shutting down"));
                return;
            }
            Exchange exchange = createExchange(false);
            // InOnly: the answer is the message as the route leaves it (InOut made every pipeline copy the message,
            // headers and all, into a new "out" message)
            exchange.setPattern(ExchangePattern.InOnly);
            exchange.setVariable(GatewayNames.REQUEST_ID, ctx.get(GatewayNames.REQUEST_ID));
            // what the route finds out for the access log and the metrics, read when the answer is complete
            RequestFacts facts = new RequestFacts();
            exchange.setVariable(GatewayNames.REQUEST_FACTS, facts);
            ctx.put(RequestObserver.FACTS, facts);
            Object trace = ctx.get(GatewayNames.TRACE);
            if (trace != null) {
                exchange.setVariable(GatewayNames.TRACE, trace);
            }
            processHttpRequest(exchange, ctx).onComplete(populated -> {
                if (populated.failed()) {
                    fail(ctx, exchange, populated.cause());
                    return;
                }
                // the answer is written on the request's event loop, whichever thread the route ends on
                Context requestContext = ctx.vertx().getOrCreateContext();
                AsyncCallback answer = doneSync -> {
                    if (Context.isOnEventLoopThread() && Vertx.currentContext() == requestContext) {
                        respond(ctx, exchange, facts);
                    } else {
                        requestContext.runOnContext(v -> respond(ctx, exchange, facts));
                    }
                };
                if (eventLoopPolicy.mayRunOnEventLoop(getEndpoint().getPath(), ctx)) {
                    try {
                        createUoW(exchange);
                    } catch (Exception e) {
                        fail(ctx, exchange, e);
                        return;
                    }
                    getAsyncProcessor().process(exchange, answer);
                    return;
                }
                // a step may wait (the producer's send for metadata or buffer space): not on the event loop
                ctx.vertx().executeBlocking(() -> {
                    createUoW(exchange);
                    getAsyncProcessor().process(exchange, answer);
                    return null;
                }, false).onFailure(failure -> fail(ctx, exchange, failure));
            });
        }

        /**
         * The message of a request: its body as bytes (the routes read bytes: this spares each of them a type
         * conversion), and as headers only its path and query parameters. Unlike Camel's stock consumer, the HTTP
         * request headers are not copied into Camel headers (with the computed {@code CamelHttp*} ones): the
         * processors read them from the request itself ({@link HttpRequests}), so that a request header can never
         * pose as a parameter, and the copy into a case-insensitive map was a tenth of the gateway's own work per
         * request.
         */
        @Override
        protected Future<Void> populateCamelMessage(RoutingContext ctx, Exchange exchange, Message message) {
            Map<String, Object> headers = message.getHeaders();
            HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
            ctx.pathParams().forEach((name, value) -> {
                if (!filter.applyFilterToExternalHeaders(name, value, exchange)) {
                    headers.put(name, value);
                }
            });
            if (ctx.request().query() != null) {
                MultiMap query = ctx.queryParams();
                for (String name : query.names()) {
                    List<String> values = query.getAll(name);
                    Object value = values.size() == 1 ? values.get(0) : values;
                    if (!filter.applyFilterToExternalHeaders(name, value, exchange)) {
                        headers.put(name, value);
                    }
                }
            }
            Buffer body = ctx.body().buffer();
            message.setBody(body == null ? null : body.getBytes());
            return Future.succeededFuture();
        }

        private void respond(RoutingContext ctx, Exchange exchange, RequestFacts facts) {
            try {
                HttpServerResponse response = ctx.response();
                if (exchange.getException() != null) {
                    LOG.error("Unhandled failure of exchange {}", exchange.getExchangeId(), exchange.getException());
                    end(response, 500, ErrorBody.json(500, "Internal server error", null, null, exchange.getExchangeId()));
                    return;
                }
                // what the access log line and the metrics tell about the request, beside the route's own facts
                facts.answered(exchange.getVariable(GatewayNames.PRINCIPAL, String.class),
                        exchange.getVariable(GatewayNames.TOPIC, String.class), outcome(exchange),
                        exchange.getVariable(GatewayNames.ERROR_MESSAGE, String.class));
                Message message = exchange.getMessage();
                HeaderFilterStrategy filter = getEndpoint().getHeaderFilterStrategy();
                int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
                if (!response.ended() && !response.closed()) {
                    response.setStatusCode(status);
                    String contentType = message.getHeader(Exchange.CONTENT_TYPE, String.class);
                    if (contentType != null) {
                        // the HTTP header filter leaves Content-Type out, as Camel sets it apart
                        response.putHeader("Content-Type", contentType);
                    }
                    message.getHeaders().forEach((name, value) -> {
                        // status and Content-Type are set above (the filter would drop both, at a cost per answer)
                        if (value != null && !name.equals(Exchange.HTTP_RESPONSE_CODE)
                                && !name.equals(Exchange.CONTENT_TYPE)
                                && !filter.applyFilterToCamelHeaders(name, value, exchange)) {
                            response.putHeader(name, value.toString());
                        }
                    });
                    Object body = message.getBody();
                    response.end(body instanceof byte[] bytes ? Buffer.buffer(bytes)
                            : Buffer.buffer(body == null ? "" : message.getBody(String.class)));
                }
            } finally {
                doneUoW(exchange);
                releaseExchange(exchange, false);
            }
        }

        private static String outcome(Exchange exchange) {
            if (exchange.getVariable(GatewayNames.DEAD_LETTER_ID) != null) {
                return "dead-lettered";
            }
            Object failure = exchange.getVariable(GatewayNames.FAILURE);
            if (failure instanceof GatewayException refused && refused.refusal() != null) {
                return refused.refusal();
            }
            return null;
        }

        private void fail(RoutingContext ctx, Exchange exchange, Throwable failure) {
            LOG.error("Failed to handle request of exchange {}", exchange.getExchangeId(), failure);
            end(ctx.response(), 500, ErrorBody.json(500, "Internal server error", null, null, exchange.getExchangeId()));
            releaseExchange(exchange, false);
        }

        private static void end(HttpServerResponse response, int status, String json) {
            if (!response.ended() && !response.closed()) {
                response.setStatusCode(status).putHeader("Content-Type", ErrorBody.CONTENT_TYPE).end(json);
            }
        }
    }
}

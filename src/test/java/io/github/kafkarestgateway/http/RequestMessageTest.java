package io.github.kafkarestgateway.http;

import java.net.http.HttpResponse;
import java.util.TreeMap;

import io.github.kafkarestgateway.testing.TestGateway;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a route of the gateway's HTTP engine finds on the message of a request: the body as bytes, and as Camel
 * headers only the path and query parameters. HTTP request headers (credentials among them) stay on the request,
 * where the processors read them, so they can never pose as parameters, nor show in a trace of the message.
 */
class RequestMessageTest {

    private static TestGateway gateway;

    @BeforeAll
    static void addEchoRoute() throws Exception {
        gateway = TestGateway.shared();
        gateway.context().addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/test/request-message/{id}?httpMethodRestrict=POST")
                        .routeId("test-request-message")
                        .process(exchange -> {
                            Object body = exchange.getMessage().getBody();
                            exchange.getMessage().setBody("headers=" + new TreeMap<>(exchange.getMessage().getHeaders())
                                    + " body=" + body.getClass().getSimpleName() + ":" + ((byte[]) body).length);
                            exchange.getMessage().getHeaders().clear();
                        });
            }
        });
    }

    @AfterAll
    static void removeEchoRoute() throws Exception {
        gateway.context().getRouteController().stopRoute("test-request-message");
        gateway.context().removeRoute("test-request-message");
    }

    @Test
    void theMessageCarriesPathAndQueryParametersButNoRequestHeader() {
        HttpResponse<String> response = gateway.post("/test/request-message/7?a=1&b=2&b=3", "text/plain",
                TestGateway.bytes("hello"), "X-Custom", "custom", "Cookie", "c=1");
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("headers={a=1, b=[2, 3], id=7} body=byte[]:5", response.body());
    }
}

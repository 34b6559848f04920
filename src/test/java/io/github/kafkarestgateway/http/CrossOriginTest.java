package io.github.kafkarestgateway.http;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Browsers on other origins (gateway.http.cors.allowed-origins), over real HTTPS: preflights and answers of every
 * kind for an allowed origin, refusals for others, never credentials, never on the console, and nothing at all when
 * no origin is allowed.
 */
class CrossOriginTest {

    private static final String APP = "https://app.example";
    private static final String PORTAL = "https://portal.example:8443";
    private static TestGateway gateway;
    private static String topic;
    private static String records;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(Map.of("gateway.http.cors.allowed-origins", APP + ", " + PORTAL));
        topic = TestKafka.createTopic("cross-origin");
        records = "/topics/" + topic + "/records";
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    private static HttpResponse<String> preflight(TestGateway to, String path, String origin, String headers) {
        return to.send(to.request(path).header("Origin", origin).header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", headers)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The names in a comma-separated header, lower case. */
    private static Set<String> names(HttpResponse<String> response, String name) {
        String value = header(response, name);
        return value == null ? Set.of() : Arrays.stream(value.split(",")).map(String::trim)
                .map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
    }

    private static void assertNoCorsHeaders(HttpResponse<String> response) {
        List<String> cors = response.headers().map().keySet().stream()
                .filter(name -> name.toLowerCase(Locale.ROOT).startsWith("access-control-")).toList();
        assertEquals(List.of(), cors, response.headers().map().toString());
    }

    private static void assertCorsAnswer(HttpResponse<String> response, String origin) {
        assertEquals(origin, header(response, "Access-Control-Allow-Origin"), response.headers().map().toString());
        assertTrue(names(response, "Access-Control-Expose-Headers").containsAll(
                Set.of("x-request-id", "retry-after", "idempotent-replayed", "www-authenticate")),
                response.headers().map().toString());
        assertTrue(names(response, "Vary").contains("origin"), "two origins are allowed: caches must tell them apart");
        assertEquals(null, header(response, "Access-Control-Allow-Credentials"));
    }

    @Test
    void aPreflightFromAnAllowedOriginIsAnsweredWithTheMethodsAndTheHeadersTheGatewayReads() {
        HttpResponse<String> answer = preflight(gateway, records, APP, "authorization, content-type, idempotency-key,"
                + " x-request-id, x-kafka-key, x-kafka-header-colour, x-correlation-id, x-unknown, cookie");

        assertEquals(204, answer.statusCode(), answer.body());
        assertEquals(APP, header(answer, "Access-Control-Allow-Origin"));
        assertTrue(names(answer, "Access-Control-Allow-Methods").containsAll(Set.of("get", "post")));
        assertEquals(new TreeSet<>(Set.of("authorization", "content-type", "idempotency-key", "x-request-id",
                "x-kafka-key", "x-kafka-header-colour", "x-correlation-id")),
                names(answer, "Access-Control-Allow-Headers"), "what the gateway reads, not x-unknown nor cookie");
        assertEquals("600", header(answer, "Access-Control-Max-Age"));
        assertEquals(null, header(answer, "Access-Control-Allow-Credentials"), "never credentials");
        // the other allowed origin, on the v2 path
        HttpResponse<String> portal = preflight(gateway, "/v2" + records, PORTAL, "authorization");
        assertEquals(204, portal.statusCode());
        assertEquals(PORTAL, header(portal, "Access-Control-Allow-Origin"));
    }

    @Test
    void everyAnswerToAnAllowedOriginCarriesTheCorsHeadersErrorsIncluded() {
        HttpResponse<String> produced = gateway.post(records, "text/plain", bytes("from a page"), "Origin", APP);
        Landed.expect(topic, "from a page").in(produced);
        assertCorsAnswer(produced, APP);

        // refused by the route (401), by the router (404, 405) and by the early body limit (400): readable too
        assertCorsAnswer(assertAnswer(gateway.send(gateway.request(records).header("Origin", PORTAL)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("v")).build()), 401),
                PORTAL);
        assertCorsAnswer(assertAnswer(gateway.send(gateway.request("/no/such/path").header("Origin", APP).build()),
                404), APP);
        assertCorsAnswer(assertAnswer(gateway.send(gateway.request(records).header("Origin", APP).build()), 405), APP);
        assertCorsAnswer(assertAnswer(gateway.post(records, "text/plain", new byte[70_000], "Origin", APP), 400), APP);
    }

    private static HttpResponse<String> assertAnswer(HttpResponse<String> response, int status) {
        assertError(response, status);
        return response;
    }

    @Test
    void anOriginNotAllowedGetsA403WithoutCorsHeadersAndProducesNothing() {
        String refusedTopic = TestKafka.createTopic("cross-origin-refused");
        String refusedRecords = "/topics/" + refusedTopic + "/records";
        for (String origin : List.of("https://evil.example", "https://app.example.evil.example", "http://app.example",
                "https://app.example:444", "null", "http://", "not an origin")) {
            HttpResponse<String> preflight = preflight(gateway, refusedRecords, origin, "authorization");
            assertError(preflight, 403);
            assertNoCorsHeaders(preflight);
            HttpResponse<String> refused = gateway.post(refusedRecords, "text/plain", bytes("refused"), "Origin",
                    origin);
            assertError(refused, 403);
            assertNoCorsHeaders(refused);
        }
        // the same request from a page of an allowed origin is the topic's first record: none of the refused landed
        assertEquals(0, Landed.expect(refusedTopic, "allowed")
                .in(gateway.post(refusedRecords, "text/plain", bytes("allowed"), "Origin", APP)).offset());
        // a request without Origin (no browser) is not a cross-origin request: served as ever
        Landed.expect(refusedTopic, "no page").in(gateway.post(refusedRecords, "text/plain", bytes("no page")));
    }

    @Test
    void theConsoleIsSameOriginOnlyAndGetsNoCorsHeaders() {
        HttpResponse<String> page = gateway.send(gateway.request("/console").header("Origin", APP).build());
        assertEquals(200, page.statusCode());
        assertNoCorsHeaders(page);
        HttpResponse<String> preflight = preflight(gateway, "/console/api/sign-in", APP, "authorization");
        assertFalse(preflight.statusCode() == 204, "no preflight is answered for the console");
        assertNoCorsHeaders(preflight);
    }

    @Test
    void withoutAllowedOriginsNothingAboutCorsIsAnswered() {
        TestGateway plain = TestGateway.shared();
        String plainTopic = TestKafka.createTopic("no-cors");
        HttpResponse<String> preflight = preflight(plain, "/topics/" + plainTopic + "/records", APP, "authorization");
        assertNoCorsHeaders(preflight);
        assertFalse(preflight.statusCode() == 204, "no preflight answer");
        HttpResponse<String> produced = plain.post("/topics/" + plainTopic + "/records", "text/plain", bytes("v"),
                "Origin", "https://any.example");
        Landed.expect(plainTopic, "v").in(produced);
        assertNoCorsHeaders(produced);
        assertFalse(names(produced, "Vary").contains("origin"));
    }

    @Test
    void theStarAllowsEveryOriginWithoutCredentialsAndAMalformedOriginIsRefusedNotAFailure() throws Exception {
        try (TestGateway star = TestGateway.start(Map.of("gateway.http.cors.allowed-origins", "*"))) {
            HttpResponse<String> preflight = preflight(star, records, "https://any.example", "authorization");
            assertEquals(204, preflight.statusCode());
            assertEquals("*", header(preflight, "Access-Control-Allow-Origin"));
            assertEquals(null, header(preflight, "Access-Control-Allow-Credentials"));
            HttpResponse<String> produced = star.post(records, "text/plain", bytes("star"), "Origin",
                    "https://other.example");
            Landed.expect(topic, "star").in(produced);
            assertEquals("*", header(produced, "Access-Control-Allow-Origin"));
            assertEquals(null, header(produced, "Access-Control-Allow-Credentials"));
            for (String malformed : List.of("http://", "https://", "not an origin")) {
                HttpResponse<String> refused = star.post(records, "text/plain", bytes("v"), "Origin", malformed);
                assertError(refused, 403);
                assertNoCorsHeaders(refused);
            }
        }
    }
}

package io.github.kafkarestgateway.console;

import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.github.kafkarestgateway.auth.ApiKeyFile;
import io.github.kafkarestgateway.auth.ServiceIds;
import io.github.kafkarestgateway.testing.Browser;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.PoisonPartitioner;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.Alert;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

import static io.github.kafkarestgateway.testing.TestGateway.assertError;
import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The operator console in a real browser (Debian's headless Chromium, driven by Selenium) against the real gateway
 * and broker: sign-in, topics, "connect to this topic" with a key that then produces over HTTPS, rotation and
 * revocation, dead-letter replay, and the security of the pages (no session, a writer's key, a forged cross-site
 * request, markup in a name, the end of a session). Each main page is kept as a screenshot under
 * {@code target/console-screenshots/} (with {@code -Dgateway.screenshots=docs/console}: there, for README).
 */
class ConsoleBrowserTest {

    private static final Path SCREENSHOTS = Path.of(System.getProperty("gateway.screenshots",
            "target/console-screenshots"));

    @RegisterExtension
    static final Browser BROWSER = Browser.start();
    private static TestGateway gateway;
    private static Path keysFile;
    private static String operatorKey;
    private static String writerKey;

    @BeforeAll
    static void start() throws Exception {
        keysFile = Files.createTempDirectory("gateway-console").resolve("api-keys.json");
        ApiKeyFile file = new ApiKeyFile(keysFile);
        operatorKey = file.create("ops-team", "operator", List.of("*"), null, true);
        writerKey = file.create("orders-app", "writer", List.of("orders.*"), null, true);
        gateway = TestGateway.start(Map.of("gateway.auth.keys-file", keysFile.toString(),
                "gateway.auth.reload-interval-ms", "200",
                // the overview's history sampled often, so that its numbers move within the test
                "gateway.console.sample-ms", "500",
                // the key fail-once fails once when armed: a dead letter to replay
                "kafka.partitioner.class", PoisonPartitioner.class.getName()));
    }

    @AfterAll
    static void stop() {
        BROWSER.close();
        gateway.close();
    }

    @BeforeEach
    void signedOut() {
        BROWSER.open(gateway.uri("/console/assets/icon.svg").toString());
        BROWSER.driver().manage().deleteAllCookies();
    }

    private static void signIn(String key) {
        BROWSER.open(gateway.uri("/console").toString());
        BROWSER.type("operator-key", key);
        BROWSER.click("sign-in");
    }

    private static void signInAsOperator() {
        signIn(operatorKey);
        BROWSER.visible("who");
    }

    private static void openPage(String hash, String section) {
        BROWSER.driver().findElement(By.cssSelector(".tabs a[data-page='" + hash + "']")).click();
        BROWSER.visible(section);
    }

    private static WebElement row(String table, String attribute, String value) {
        return BROWSER.waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "#" + table + " tr[" + attribute + "='" + value + "']")));
    }

    private static void accept() {
        Alert alert = BROWSER.waiting().until(ExpectedConditions.alertIsPresent());
        alert.accept();
    }

    private static HttpResponse<String> produce(String topic, String key, String value) {
        return gateway.post("/topics/" + topic + "/records", "text/plain", bytes(value),
                "Authorization", "Bearer " + key);
    }

    private static void screenshot(String page) throws Exception {
        BROWSER.screenshot(SCREENSHOTS.resolve(page + ".png"));
    }

    @Test
    void createATopicConnectToItAndProduceWithTheShownKey() throws Exception {
        signInAsOperator();
        openPage("topics", "topics-page");
        String topic = "console-new-" + System.nanoTime();
        BROWSER.type("new-topic-name", topic);
        BROWSER.type("new-topic-partitions", "2");
        BROWSER.click("create-topic");
        BROWSER.waitForText("create-topic-result", "Created topic " + topic + ".");
        assertEquals(2, TestKafka.admin().describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().size());
        WebElement created = row("topics-table", "data-topic", topic);
        screenshot("topics");

        created.findElement(By.cssSelector("button.connect")).click();
        BROWSER.waitForText("connect-topic", topic);
        BROWSER.click("generate-key");
        String key = BROWSER.visible("connect-key").getText();
        assertEquals(43, key.length(), "a 256-bit key, URL-safe Base64");
        String curl = BROWSER.visible("curl-bearer").getText();
        assertTrue(curl.contains("Authorization: Bearer " + key) && curl.contains(gateway.uri("/topics/" + topic
                + "/records").toString()), curl);
        assertTrue(BROWSER.visible("curl-basic").getText().contains("-u 'token:" + key + "'"));
        assertTrue(BROWSER.visible("curl-v2").getText().contains(gateway.uri("/v2/topics/" + topic + "/records")
                .toString()));
        BROWSER.click("download-ca-p12");
        assertFalse(BROWSER.visible("p12-password").getText().isBlank());
        screenshot("connect");

        // the shown key produces to that topic (only): the key file is reloaded within 200 ms
        await().atMost(Duration.ofSeconds(10)).until(() -> produce(topic, key, "with the shown key").statusCode() == 200);
        Landed.expect(topic, "with the shown key").in(produce(topic, key, "with the shown key"));
        assertError(produce(TestKafka.createTopic("orders.other"), key, "elsewhere"), 403);

        // the page's own test message goes through the real API
        BROWSER.type("test-value", "hello from the page");
        BROWSER.click("send-test-message");
        WebElement sent = BROWSER.visible("test-message-result");
        BROWSER.waiting().until(d -> sent.getText().startsWith("Sent: partition"));
        ConsumerRecord<byte[], byte[]> record = TestKafka.recordAt(topic,
                Integer.parseInt(sent.getAttribute("data-partition")), Long.parseLong(sent.getAttribute("data-offset")));
        assertEquals("hello from the page", new String(record.value(), StandardCharsets.UTF_8));

        // neither the operator's key nor the shown one stays in the browser's storage or a URL
        Object stored = ((org.openqa.selenium.JavascriptExecutor) BROWSER.driver()).executeScript(
                "return JSON.stringify(Object.assign({}, localStorage, sessionStorage)) + document.cookie");
        assertEquals("{}", stored, "no storage, and the session cookie is HttpOnly");
        assertFalse(BROWSER.driver().getCurrentUrl().contains(key) || BROWSER.driver().getCurrentUrl()
                .contains(operatorKey));

        JsonNode serviceId = serviceId(topic + "-producer");
        assertEquals("writer", serviceId.get("role").asText());
        assertEquals(List.of(topic), List.of(serviceId.get("topics").get(0).asText()));
        assertEquals(1, serviceId.get("topics").size());
    }

    @Test
    void rotateSetExpiryAndRevokeAServiceId() throws Exception {
        String name = "rotating-" + System.nanoTime();
        String topic = TestKafka.createTopic("orders.rotate");
        String oldKey = new ApiKeyFile(keysFile).create(name, "writer", List.of("orders.*"), null, true);
        await().atMost(Duration.ofSeconds(10)).until(() -> produce(topic, oldKey, "old").statusCode() == 200);
        signInAsOperator();
        openPage("service-ids", "service-ids-page");
        BROWSER.waitForText("service-ids-location", "file " + keysFile);

        row("service-ids-table", "data-name", name).findElement(By.cssSelector("button.rotate")).click();
        accept();
        BROWSER.waitForText("service-id-key-name", name);
        String newKey = BROWSER.visible("service-id-key").getText();
        await().atMost(Duration.ofSeconds(10)).until(() -> produce(topic, oldKey, "old").statusCode() == 401);
        Landed.expect(topic, "new").in(produce(topic, newKey, "new"));

        row("service-ids-table", "data-name", name).findElement(By.cssSelector("button.expire")).click();
        Alert prompt = BROWSER.waiting().until(ExpectedConditions.alertIsPresent());
        prompt.sendKeys("2099-01-31");
        prompt.accept();
        BROWSER.waiting().until(d -> row("service-ids-table", "data-name", name).getText().contains("2099-01-31"));
        assertEquals("2099-01-31T00:00:00Z", serviceId(name).get("expires").asText());
        screenshot("service-ids");

        row("service-ids-table", "data-name", name).findElement(By.cssSelector("button.revoke")).click();
        accept();
        BROWSER.waiting().until(d -> row("service-ids-table", "data-name", name)
                .findElement(By.cssSelector("td.status")).getText().equals("revoked"));
        await().atMost(Duration.ofSeconds(10)).until(() -> produce(topic, newKey, "revoked").statusCode() == 401);
    }

    @Test
    void replayADeadLetterFromThePage() throws Exception {
        String topic = TestKafka.createTopic("console-dead");
        PoisonPartitioner.FAIL_ONCE.set(true);
        HttpResponse<String> failed = gateway.post("/topics/" + topic + "/records?key=fail-once", "text/plain",
                bytes("kept for later"), "Authorization", "Bearer " + operatorKey);
        String incident = assertError(failed, 500).get("error").get("incident").asText();
        assertEquals(0, TestKafka.recordCount(topic));

        signInAsOperator();
        openPage("dead-letters", "dead-letters-page");
        WebElement entry = row("dead-letters-table", "data-id", incident);
        assertTrue(entry.getText().contains(topic) && entry.getText().contains("fail-once"), entry.getText());
        entry.findElement(By.cssSelector("button.show-value")).click();
        assertEquals("kept for later", row("dead-letters-table", "data-id", incident)
                .findElement(By.cssSelector("pre.value-shown")).getText());
        screenshot("dead-letters");

        BROWSER.type("replay-topic", topic);
        BROWSER.click("replay");
        WebElement outcome = BROWSER.visible("replay-result");
        BROWSER.waiting().until(d -> outcome.getText().startsWith("Replayed 1;"));
        BROWSER.waiting().until(d -> row("dead-letters-table", "data-id", incident)
                .findElement(By.cssSelector("td.replayed")).getText().startsWith("partition 0, offset 0"));
        Map<String, ConsumerRecord<byte[], byte[]>> records = TestKafka.allRecords(topic);
        assertEquals(1, records.size(), "the record is in Kafka once");
        assertEquals("kept for later", new String(records.values().iterator().next().value(), StandardCharsets.UTF_8));
    }

    @Test
    void theOverviewsNumbersMoveAfterRequests() throws Exception {
        String topic = TestKafka.createTopic("console-overview");
        signInAsOperator();
        BROWSER.visible("overview-page");
        BROWSER.waitForText("card-kafkaReady", "Kafka\nready");
        // requests (and refused ones) go on until the page shows them
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            produce(topic, operatorKey, "counted");
            produce(topic, "not-a-key", "refused");
            return number("card-requestsPerSecond") > 0 && number("card-errors4xxPerSecond") > 0
                    && number("card-p99Ms") > 0;
        });
        screenshot("overview");
    }

    /** The number a card of the overview shows now (0 for none yet). */
    private static double number(String card) {
        // read in one script: the page redraws its cards every sampling period
        Object shown = ((org.openqa.selenium.JavascriptExecutor) BROWSER.driver()).executeScript(
                "const value = document.querySelector(arguments[0]); return value ? value.dataset.value : null;",
                "#" + card + " .value");
        return shown == null || shown.equals("–") ? 0 : Double.parseDouble((String) shown);
    }

    @Test
    void withoutASessionThePageAsksToSignInAndTheApiRefuses() {
        BROWSER.open(gateway.uri("/console#service-ids").toString());
        BROWSER.visible("sign-in-page");
        assertFalse(BROWSER.driver().findElement(By.id("app")).isDisplayed());
        HttpResponse<String> answer = gateway.send(gateway.request("/console/api/service-ids").GET().build());
        assertError(answer, 401);
        assertTrue(answer.headers().firstValue("WWW-Authenticate").isEmpty(), "no browser password dialog");
        assertEquals("no-store", answer.headers().firstValue("Cache-Control").orElse(null));
        assertTrue(answer.headers().firstValue("Content-Security-Policy").orElseThrow().contains("script-src 'self'"));
        assertEquals("DENY", answer.headers().firstValue("X-Frame-Options").orElse(null));
    }

    @Test
    void aWritersKeyCannotSignIn() {
        signIn(writerKey);
        WebElement error = BROWSER.visible("sign-in-error");
        BROWSER.waiting().until(d -> error.getText().contains("operator"));
        assertFalse(BROWSER.driver().findElement(By.id("app")).isDisplayed());
        assertNull(BROWSER.driver().manage().getCookieNamed(ConsoleSessions.COOKIE));
    }

    @Test
    void aForgedCrossSiteRequestIsRefusedAndChangesNothing() throws Exception {
        signInAsOperator();
        String forged = "forged-" + System.nanoTime();
        // another site's page that makes the signed-in browser post a new operator's creation to the console
        HttpServer site = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String page = "<!DOCTYPE html><form id=f method=POST enctype=text/plain action='"
                + gateway.uri("/console/api/service-ids/create") + "'><input type=hidden name='{\"name\":\"" + forged
                + "\",\"role\":\"operator\",\"topics\":[\"*\"],\"x\":\"' value='\"}'></form>"
                + "<script>document.getElementById('f').submit()</script>";
        site.createContext("/", exchange -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        site.start();
        try {
            BROWSER.open("http://127.0.0.1:" + site.getAddress().getPort() + "/");
            BROWSER.waiting().until(d -> d.getPageSource().contains("error_code"));
            assertTrue(BROWSER.driver().getPageSource().contains("\"error_code\":403"), BROWSER.driver().getPageSource());
        } finally {
            site.stop(0);
        }
        assertFalse(Files.readString(keysFile).contains(forged), "no service ID was made");

        // with the session's cookie (the forged request did not end it) and the right Origin, but without its CSRF
        // token: refused too
        String cookie = BROWSER.driver().manage().getCookieNamed(ConsoleSessions.COOKIE).getValue();
        HttpResponse<String> noToken = gateway.send(gateway.request("/console/api/service-ids/create")
                .header("Cookie", ConsoleSessions.COOKIE + "=" + cookie)
                .header("Origin", "https://" + gateway.uri("/").getAuthority())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + forged + "\",\"topics\":[\"*\"]}")).build());
        assertError(noToken, 403);
        assertFalse(Files.readString(keysFile).contains(forged), "no service ID was made");
    }

    @Test
    void markupInAServiceIdShowsAsText() throws Exception {
        String name = "<img src=x onerror=\"document.title='pwned'\">" + System.nanoTime();
        new ApiKeyFile(keysFile).create(name, "writer", List.of("<b>bold</b>"), null, true);
        signInAsOperator();
        String title = BROWSER.driver().getTitle();
        openPage("service-ids", "service-ids-page");
        BROWSER.waiting().until(d -> d.findElements(By.cssSelector("#service-ids-table td.name")).stream()
                .anyMatch(cell -> cell.getText().equals(name)));
        assertTrue(BROWSER.driver().findElements(By.cssSelector("#service-ids-table img, #service-ids-table b"))
                .isEmpty(), "no markup of a name became an element");
        assertEquals(title, BROWSER.driver().getTitle());
    }

    @Test
    void signOutEndsTheSession() {
        signInAsOperator();
        String cookie = BROWSER.driver().manage().getCookieNamed(ConsoleSessions.COOKIE).getValue();
        assertEquals(200, session(cookie).statusCode());
        BROWSER.click("sign-out");
        BROWSER.visible("sign-in-page");
        assertError(session(cookie), 401);
    }

    @Test
    void aSessionEndsAtItsExpiry() throws Exception {
        try (TestGateway shortSessions = TestGateway.start(Map.of("gateway.auth.keys-file", keysFile.toString(),
                "gateway.console.session-max-ms", "2000"))) {
            BROWSER.open(shortSessions.uri("/console").toString());
            BROWSER.type("operator-key", operatorKey);
            BROWSER.click("sign-in");
            BROWSER.visible("who");
            String cookie = BROWSER.driver().manage().getCookieNamed(ConsoleSessions.COOKIE).getValue();
            await().atMost(Duration.ofSeconds(10)).until(() -> shortSessions.send(shortSessions
                    .request("/console/api/session").header("Cookie", ConsoleSessions.COOKIE + "=" + cookie).GET()
                    .build()).statusCode() == 401);
            BROWSER.driver().findElement(By.cssSelector(".tabs a[data-page='topics']")).click();
            BROWSER.waitForText("sign-in-error", "Your session ended: sign in again.");
        }
    }

    @Test
    void withTheSharedKeyStoreAKeyMadeInOneInstancesConsoleWorksOnTheOtherAndItsRevokeOnBoth() throws Exception {
        Map<String, String> shared = Map.of("gateway.auth.store", "kafka",
                "gateway.auth.store-topic", "console-service-ids-" + System.nanoTime());
        try (TestGateway one = TestGateway.start(shared); TestGateway other = TestGateway.start(shared)) {
            String operator = one.context().getRegistry().lookupByNameAndType("serviceIds", ServiceIds.class)
                    .create("ops-shared", "operator", List.of("*"), null, true);
            String topic = TestKafka.createTopic("console-shared");
            BROWSER.open(one.uri("/console#connect/" + topic).toString());
            BROWSER.type("operator-key", operator);
            BROWSER.click("sign-in");
            BROWSER.waitForText("connect-topic", topic);
            BROWSER.click("generate-key");
            String key = BROWSER.visible("connect-key").getText();

            // made through the first instance's console, the key produces on the second one
            await().atMost(Duration.ofSeconds(10)).until(() -> produce(other, topic, key, "shared").statusCode() == 200);
            Landed.expect(topic, "on the other instance").in(produce(other, topic, key, "on the other instance"));
            Landed.expect(topic, "on the first").in(produce(one, topic, key, "on the first"));

            openPage("service-ids", "service-ids-page");
            BROWSER.waitForText("service-ids-location", "Kafka topic " + shared.get("gateway.auth.store-topic"));
            row("service-ids-table", "data-name", topic + "-producer").findElement(By.cssSelector("button.revoke"))
                    .click();
            accept();
            await().atMost(Duration.ofSeconds(10)).until(() -> produce(one, topic, key, "revoked").statusCode() == 401
                    && produce(other, topic, key, "revoked").statusCode() == 401);
        }
    }

    private static HttpResponse<String> produce(TestGateway on, String topic, String key, String value) {
        return on.post("/topics/" + topic + "/records", "text/plain", bytes(value), "Authorization", "Bearer " + key);
    }

    @Test
    void aReadOnlyKeyFileIsShownAsSuchAndOffersNoChanges() throws Exception {
        Path folder = Files.createTempDirectory("gateway-read-only-keys");
        Path file = folder.resolve("api-keys.json");
        String key = new ApiKeyFile(file).create("ops-read-only", "operator", List.of("*"), null, true);
        readOnly(true, file, folder);
        try (TestGateway mounted = TestGateway.start(Map.of("gateway.auth.keys-file", file.toString()))) {
            assumeFalse(Files.isWritable(file), "this machine cannot make a read-only file for the test");
            BROWSER.open(mounted.uri("/console#service-ids").toString());
            BROWSER.type("operator-key", key);
            BROWSER.click("sign-in");
            BROWSER.visible("service-ids-page");
            assertTrue(BROWSER.visible("service-ids-read-only").getText().contains("read-only"));
            row("service-ids-table", "data-name", "ops-read-only");
            assertTrue(BROWSER.driver().findElements(By.cssSelector("#service-ids-table button")).isEmpty(),
                    "no changes offered");
            ConsoleApiTest.Session session = ConsoleApiTest.Session.signIn(mounted, key);
            assertFalse(TestGateway.json(session.get("/console/api/service-ids")).get("writable").asBoolean());
            assertError(session.post("/console/api/service-ids/create", "{\"name\":\"x\",\"topics\":[\"*\"]}"), 409);
            assertError(session.post("/console/api/service-ids/revoke", "{\"name\":\"ops-read-only\"}"), 409);
        } finally {
            readOnly(false, file, folder);
        }
    }

    /**
     * Makes files read-only as a read-only mount would (a Kubernetes Secret): without write permission, and, since
     * root may write whatever the permissions say, immutable too when the test runs as root (chattr).
     */
    private static void readOnly(boolean on, Path... paths) throws Exception {
        for (Path path : paths) {
            if (on) {
                path.toFile().setWritable(false, false);
            }
            if ("root".equals(System.getProperty("user.name"))) {
                new ProcessBuilder("chattr", on ? "+i" : "-i", path.toString()).inheritIO().start().waitFor();
            }
            if (!on) {
                path.toFile().setWritable(true, true);
            }
        }
    }

    private static HttpResponse<String> session(String cookie) {
        return gateway.send(gateway.request("/console/api/session")
                .header("Cookie", ConsoleSessions.COOKIE + "=" + cookie).GET().build());
    }

    private static JsonNode serviceId(String name) throws Exception {
        for (JsonNode entry : TestGateway.JSON.readTree(keysFile.toFile()).get("keys")) {
            if (entry.get("name").asText().equals(name)) {
                return entry;
            }
        }
        throw new AssertionError("no service ID " + name + " in " + keysFile);
    }
}

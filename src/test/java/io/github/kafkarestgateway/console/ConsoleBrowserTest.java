package io.github.kafkarestgateway.console;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.kafkarestgateway.auth.ApiKeyFile;
import io.github.kafkarestgateway.testing.Browser;
import io.github.kafkarestgateway.testing.Landed;
import io.github.kafkarestgateway.testing.TestGateway;
import io.github.kafkarestgateway.testing.TestKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.kafkarestgateway.testing.TestGateway.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The operator console in a real browser (headless Chromium) against the real gateway and broker. */
class ConsoleBrowserTest {

    @RegisterExtension
    static Browser browser;
    private static TestGateway gateway;
    private static String operatorKey;
    private static String writerKey;

    static {
        try {
            browser = new Browser();
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path keys = Files.createTempDirectory("gateway-console").resolve("api-keys.json");
        ApiKeyFile file = new ApiKeyFile(keys);
        operatorKey = file.create("ops-team", "operator", java.util.List.of("*"), null, true);
        writerKey = file.create("orders-app", "writer", java.util.List.of("orders.*"), null, true);
        gateway = TestGateway.start(Map.of("gateway.auth.keys-file", keys.toString(),
                "gateway.auth.reload-interval-ms", "200"));
    }

    @AfterAll
    static void stop() {
        browser.close();
        gateway.close();
    }

    private void signIn(String key) {
        browser.open(gateway.uri("/console").toString());
        browser.type("operator-key", key);
        browser.click("sign-in");
    }

    @Test
    void anOperatorSignsInAndSeesTheTopics() throws Exception {
        String topic = TestKafka.createTopic("console-list");
        signIn(operatorKey);
        browser.visible("who");
        browser.open(gateway.uri("/console#topics").toString());
        browser.visible("topics-table");
        browser.waiting().until(d -> !d.findElements(org.openqa.selenium.By.cssSelector("tr[data-topic='" + topic + "']")).isEmpty());
        browser.screenshot(Path.of("target/console-screenshots/topics.png"));
    }
}

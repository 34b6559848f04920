package io.github.kafkarestgateway.admission;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.kafkarestgateway.auth.ApiKeyStore;
import io.github.kafkarestgateway.names.GatewayNames;
import io.github.kafkarestgateway.testing.FakeHttpRequest;
import org.apache.camel.Exchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The per-service-ID request quota: a bucket of one second's requests, its rateLimit before the default. */
class QuotaUnitTest {

    @TempDir
    Path dir;

    private ApiKeyStore keys() throws Exception {
        Path file = dir.resolve("api-keys.json");
        Files.writeString(file, "{\"keys\":[{\"name\":\"limited\",\"hash\":\"sha256:00\",\"topics\":[\"*\"],\"rateLimit\":3},"
                + "{\"name\":\"slow\",\"hash\":\"sha256:01\",\"topics\":[\"*\"],\"rateLimit\":0.5},"
                + "{\"name\":\"free\",\"hash\":\"sha256:02\",\"topics\":[\"*\"]},"
                + "{\"name\":\"unlimited\",\"hash\":\"sha256:03\",\"topics\":[\"*\"],\"rateLimit\":0}]}");
        return ApiKeyStore.load(file);
    }

    private static Exchange request(String principal) {
        Exchange exchange = FakeHttpRequest.post("/topics/t/records", "x");
        exchange.setVariable(GatewayNames.PRINCIPAL, principal);
        return exchange;
    }

    private static void passes(Quota quota, String principal, int times) {
        for (int i = 0; i < times; i++) {
            quota.process(request(principal));
        }
    }

    private static Quota.Exceeded exceeded(Quota quota, String principal) {
        return assertThrows(Quota.Exceeded.class, () -> quota.process(request(principal)));
    }

    @Test
    void theRateLimitOfTheKeyAllowsNRequestsAtOnceAndRefusesTheNextWith429() throws Exception {
        Quota quota = new Quota(keys(), 5);
        passes(quota, "limited", 3);
        Quota.Exceeded e = exceeded(quota, "limited");
        assertEquals(429, e.status());
        assertEquals("Rate limit exceeded: 3.0 requests per second for 'limited'", e.getMessage());
        assertEquals(Map.of("Retry-After", "1"), e.responseHeaders());
        // others have buckets of their own (here the default, 5)
        passes(quota, "free", 5);
        exceeded(quota, "free");
    }

    @Test
    void aRateBelowOnePerSecondAllowsOneAndAsksToWaitLonger() throws Exception {
        Quota quota = new Quota(keys(), 0);
        passes(quota, "slow", 1);
        Quota.Exceeded e = exceeded(quota, "slow");
        assertEquals("Rate limit exceeded: 0.5 requests per second for 'slow'", e.getMessage());
        assertEquals(Map.of("Retry-After", "2"), e.responseHeaders());
    }

    @Test
    void theDefaultAppliesWithoutARateLimitAndZeroMeansNone() throws Exception {
        Quota quota = new Quota(keys(), 2);
        passes(quota, "free", 2);
        Quota.Exceeded e = exceeded(quota, "free");
        assertEquals("Rate limit exceeded: 2.0 requests per second for 'free'", e.getMessage());
        // rateLimit 0 in the key file: no quota, whatever the default
        passes(quota, "unlimited", 1000);
        // default 0: no quota for keys without a rateLimit
        passes(new Quota(keys(), 0), "free", 1000);
        // an unknown (inactive) principal gets the default
        Quota unknown = new Quota(keys(), 1);
        passes(unknown, "gone", 1);
        exceeded(unknown, "gone");
    }

    @Test
    void tokensComeBackAtTheRate() throws Exception {
        Quota quota = new Quota(keys(), 2);
        passes(quota, "free", 2);
        exceeded(quota, "free");
        Thread.sleep(600);
        // 600 ms at 2 per second: one token
        passes(quota, "free", 1);
        Thread.sleep(1_500);
        // the bucket holds one second's requests, not more
        passes(quota, "free", 2);
        exceeded(quota, "free");
    }
}

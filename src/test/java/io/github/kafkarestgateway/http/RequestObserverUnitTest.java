package io.github.kafkarestgateway.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The access line's latency: nanoseconds as milliseconds with three decimals, rounded to the microsecond. */
class RequestObserverUnitTest {

    private static String millis(long nanos) {
        StringBuilder line = new StringBuilder();
        RequestObserver.millis(line, nanos);
        return line.toString();
    }

    @Test
    void latencyIsMillisecondsWithThreeDecimals() {
        assertEquals("0.000", millis(0));
        assertEquals("0.000", millis(499));
        assertEquals("0.001", millis(500));
        assertEquals("0.042", millis(42_000));
        assertEquals("1.235", millis(1_234_567));
        assertEquals("3.100", millis(3_100_000));
        assertEquals("1000.000", millis(999_999_999));
        assertEquals("12345.678", millis(12_345_678_000L));
        assertEquals("0.000", millis(-5), "a clock step back is no negative latency");
    }
}

package io.github.kafkarestgateway.tracing;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The tracer alone: what it continues, what it starts, and that off there is none. */
class TracingUnitTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00f067aa0ba902b7";

    @Test
    void aCallersTraceIsContinuedInANewSpanEvenWhenTheGatewayStartsNoTraces() {
        Tracing tracing = Tracing.of(true, 0, "", "unit");
        Map<String, String> request = Map.of("traceparent", "00-" + TRACE + "-" + CALLER + "-01");
        RequestTrace trace = tracing.startRequest("POST", "/topics/t/records", "r", request::get);
        Map<String, String> record = new LinkedHashMap<>();
        trace.startRecordSend("t", (name, value) -> record.put(name, new String(value, StandardCharsets.UTF_8)));
        String[] parts = record.get("traceparent").split("-");
        assertEquals(TRACE, parts[1]);
        assertNotEquals(CALLER, parts[2], record.toString());
        assertEquals("01", parts[3]);
    }

    @Test
    void withoutTraceparentAndRatioZeroNothingIsTraced() {
        Tracing tracing = Tracing.of(true, 0, "", "unit");
        assertNull(tracing.startRequest("POST", "/topics/t/records", "r", name -> null));
        assertNull(tracing.startRequest("POST", "/topics/t/records", "r", Map.of("traceparent", "garbage")::get));
    }

    @Test
    void offIsNoTracingAtAll() {
        assertNull(Tracing.of(false, 1, "http://localhost:1/v1/traces", "unit"));
    }
}

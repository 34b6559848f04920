package io.github.kafkarestgateway.admission;

import java.util.List;
import java.util.Map;

import io.github.kafkarestgateway.testing.FakeHttpRequest;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The load bound: requests and bytes in flight, N admitted and N+1 refused with 503, freed when answered. */
class BackpressureUnitTest {

    private static Exchange admitted(Backpressure backpressure, Object body) {
        Exchange exchange = FakeHttpRequest.post("/topics/t/records", body);
        backpressure.process(exchange);
        return exchange;
    }

    private static Backpressure.Rejected rejected(Backpressure backpressure, Object body) {
        Exchange exchange = FakeHttpRequest.post("/topics/t/records", body);
        Backpressure.Rejected e = assertThrows(Backpressure.Rejected.class, () -> backpressure.process(exchange));
        assertEquals(List.of(), exchange.getExchangeExtension().handoverCompletions() == null ? List.of()
                : exchange.getExchangeExtension().handoverCompletions());
        return e;
    }

    private static void answered(Exchange exchange) {
        List<Synchronization> completions = exchange.getExchangeExtension().handoverCompletions();
        assertEquals(1, completions.size());
        completions.forEach(done -> done.onComplete(exchange));
    }

    private static void failed(Exchange exchange) {
        exchange.getExchangeExtension().handoverCompletions().forEach(done -> done.onFailure(exchange));
    }

    @Test
    void nRequestsAreAdmittedAndTheNextIsRefusedWith503() {
        Backpressure backpressure = new Backpressure(2, 1000);
        Exchange first = admitted(backpressure, new byte[1]);
        admitted(backpressure, new byte[1]);
        assertEquals(2, backpressure.inFlight());
        Backpressure.Rejected e = rejected(backpressure, new byte[1]);
        assertEquals(503, e.status());
        assertEquals("The gateway is busy: too many requests in flight (2); retry shortly", e.getMessage());
        assertEquals(Map.of("Retry-After", "1"), e.responseHeaders());
        assertEquals(2, backpressure.inFlight());
        assertEquals(2, backpressure.bytesInFlight());
        answered(first);
        assertEquals(1, backpressure.inFlight());
        assertEquals(1, backpressure.bytesInFlight());
        admitted(backpressure, new byte[1]);
        assertEquals(2, backpressure.inFlight());
    }

    @Test
    void bytesUpToTheBoundAreAdmittedAndOneMoreIsRefused() {
        Backpressure backpressure = new Backpressure(100, 10);
        Exchange first = admitted(backpressure, new byte[6]);
        admitted(backpressure, Buffer.buffer(new byte[4]));
        assertEquals(10, backpressure.bytesInFlight());
        Backpressure.Rejected e = rejected(backpressure, new byte[1]);
        assertEquals(503, e.status());
        assertEquals("The gateway is busy: too many bytes in flight (10); retry shortly", e.getMessage());
        assertEquals(10, backpressure.bytesInFlight());
        assertEquals(2, backpressure.inFlight());
        // bodies of no known size count as nothing
        admitted(backpressure, null);
        admitted(backpressure, "text");
        assertEquals(4, backpressure.inFlight());
        assertEquals(10, backpressure.bytesInFlight());
        failed(first);
        assertEquals(3, backpressure.inFlight());
        assertEquals(4, backpressure.bytesInFlight());
        admitted(backpressure, new byte[6]);
        assertEquals(10, backpressure.bytesInFlight());
    }

    @Test
    void aRequestLargerThanTheBoundAloneIsRefused() {
        Backpressure backpressure = new Backpressure(10, 10);
        assertEquals(503, rejected(backpressure, new byte[11]).status());
        assertEquals(0, backpressure.inFlight());
        assertEquals(0, backpressure.bytesInFlight());
        admitted(backpressure, new byte[10]);
    }
}

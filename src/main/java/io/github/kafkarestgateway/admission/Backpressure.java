package io.github.kafkarestgateway.admission;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.ops.GatewayMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.vertx.core.buffer.Buffer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * A global bound on produce requests in flight and on the bytes they hold: over either, the request gets 503 with
 * {@code Retry-After} at once, instead of queueing without bound or growing memory. A request counts from this step
 * until its answer is complete.
 */
public class Backpressure implements Processor, MeterBinder {

    private final int maxInFlight;
    private final long maxBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    public Backpressure(int maxInFlight, long maxBytes) {
        this.maxInFlight = maxInFlight;
        this.maxBytes = maxBytes;
    }

    @Override
    public void process(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        long size = body instanceof Buffer buffer ? buffer.length() : body instanceof byte[] b ? b.length : 0;
        if (inFlight.incrementAndGet() > maxInFlight) {
            inFlight.decrementAndGet();
            throw busy("too many requests in flight (" + maxInFlight + ")");
        }
        if (bytes.addAndGet(size) > maxBytes) {
            bytes.addAndGet(-size);
            inFlight.decrementAndGet();
            throw busy("too many bytes in flight (" + maxBytes + ")");
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                inFlight.decrementAndGet();
                bytes.addAndGet(-size);
            }
        });
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long bytesInFlight() {
        return bytes.get();
    }

    private static GatewayException busy(String why) {
        return new Rejected("The gateway is busy: " + why + "; retry shortly");
    }

    /** A request refused for load: answered 503, never kept as a dead letter (nothing was accepted). */
    public static final class Rejected extends GatewayException {
        public Rejected(String message) {
            super(503, message, null, Map.of("Retry-After", "1"), null, "load", true);
        }
    }

    /** Gauges of what the load bound holds: gateway_requests_in_flight, gateway_request_bytes_in_flight. */
    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(GatewayMetrics.REQUESTS_IN_FLIGHT, this, Backpressure::inFlight)
                .description("Produce requests being handled").register(registry);
        Gauge.builder("gateway.request.bytes.in.flight", this, Backpressure::bytesInFlight)
                .description("Bytes of the bodies of produce requests being handled").register(registry);
    }
}

package io.github.kafkarestgateway.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The gateway's metrics, in Prometheus text format at {@code /metrics}. Labels are bounded: a topic label only for
 * topics that exist and the caller may use ({@code -} otherwise), status codes, authentication methods; never keys,
 * ids or client addresses.
 * <ul>
 * <li>{@code gateway_requests_total{topic,status,auth_method}}, {@code gateway_request_bytes} (request bodies),
 * {@code gateway_record_value_bytes} (values produced),
 * {@code gateway_request_duration_seconds{status_class}} (end to end) and {@code gateway_kafka_ack_duration_seconds}
 * (send to broker acknowledgement), the last two as histograms;</li>
 * <li>{@code gateway_requests_in_flight}, {@code gateway_request_bytes_in_flight};</li>
 * <li>{@code gateway_http_connections}, {@code gateway_http_connections_limit},
 * {@code gateway_http_connections_closed_total{reason=over_limit|header_timeout|body_timeout|idle_timeout|malformed_request}};</li>
 * <li>{@code gateway_dead_letters_written_total}, {@code gateway_dead_letters_replayed_total};</li>
 * <li>{@code gateway_authentication_failures_total}, {@code gateway_rate_limited_total{kind=quota|load|blocked}};</li>
 * <li>the JVM and process metrics ({@code jvm_*}, {@code process_*}, {@code system_*}).</li>
 * </ul>
 */
public final class GatewayMetrics {

    /** The counters of answered requests, tagged {@code topic}, {@code status} and {@code auth_method}. */
    public static final String REQUESTS = "gateway.requests";
    /** The timers from request to answer, tagged {@code status_class}, with percentile histograms. */
    public static final String REQUEST_DURATION = "gateway.request.duration";
    /** The gauge of produce requests being handled, bound by the load bound ({@code admission.Backpressure}). */
    public static final String REQUESTS_IN_FLIGHT = "gateway.requests.in.flight";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Counter deadLettersWritten;
    private final Counter deadLettersReplayed;
    private final Counter authenticationFailures;
    private final Timer kafkaAck;

    public GatewayMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        deadLettersWritten = Counter.builder("gateway.dead.letters.written")
                .description("Failed requests kept in the dead-letter store").register(registry);
        deadLettersReplayed = Counter.builder("gateway.dead.letters.replayed")
                .description("Dead letters re-delivered (or found delivered) by a replay").register(registry);
        authenticationFailures = Counter.builder("gateway.authentication.failures")
                .description("Requests with missing or wrong credentials").register(registry);
        kafkaAck = Timer.builder("gateway.kafka.ack.duration").description("From send to the broker's acknowledgement")
                .publishPercentileHistogram().register(registry);
    }

    /** Meters a part of the gateway keeps of itself (the load bound, the connections, the Idempotency-Keys). */
    public void bind(MeterBinder meters) {
        meters.bindTo(registry);
    }

    /** The meters of one kind of request, found once (a lookup per request would cost more than the counting). */
    private record RequestMeters(Counter requests, DistributionSummary bytes, Timer duration,
                                 DistributionSummary valueBytes) {
    }

    /** A kind of request: its meters are found by this key (no text built per request). */
    private record Kind(String topic, int status, String authMethod) {
    }

    private final Map<Kind, RequestMeters> byKind = new ConcurrentHashMap<>();

    /** One answered request. */
    public void request(String topic, int status, String authMethod, long bytes, Integer valueBytes, long nanos, Long ackNanos,
                 String outcome) {
        String topicLabel = topic == null ? "-" : topic;
        String method = authMethod == null ? "none" : authMethod;
        Kind kind = new Kind(topicLabel, status, method);
        RequestMeters meters = byKind.get(kind);
        if (meters == null) {
            meters = byKind.computeIfAbsent(kind, this::register);
        }
        meters.requests().increment();
        meters.bytes().record(bytes);
        meters.duration().record(nanos, TimeUnit.NANOSECONDS);
        if (ackNanos != null) {
            kafkaAck.record(ackNanos, TimeUnit.NANOSECONDS);
        }
        if (valueBytes != null && status == 200) {
            meters.valueBytes().record(valueBytes);
        }
        if (status == 401) {
            authenticationFailures.increment();
        }
        if ("dead-lettered".equals(outcome)) {
            deadLettersWritten.increment();
        } else if (outcome != null) {
            Counter.builder("gateway.rate.limited").description("Requests refused by a quota, the load bound or"
                    + " the failed-authentication limit").tags("kind", outcome).register(registry).increment();
        }
    }

    private RequestMeters register(Kind kind) {
        String topicLabel = kind.topic();
        int status = kind.status();
        String method = kind.authMethod();
        return new RequestMeters(
                Counter.builder(REQUESTS).description("Answered requests")
                        .tags("topic", topicLabel, "status", String.valueOf(status), "auth_method", method)
                        .register(registry),
                DistributionSummary.builder("gateway.request.bytes").baseUnit("bytes")
                        .description("Request body sizes").tags("topic", topicLabel).register(registry),
                Timer.builder(REQUEST_DURATION).description("From request to answer")
                        .tags("status_class", status / 100 + "xx").publishPercentileHistogram()
                        .register(registry),
                DistributionSummary.builder("gateway.record.value.bytes").baseUnit("bytes")
                        .description("Values of the records produced").tags("topic", topicLabel)
                        .register(registry));
    }

    /** The count of dead letters re-delivered (or found delivered) by a replay. */
    public Counter deadLettersReplayed() {
        return deadLettersReplayed;
    }

    /**
     * The request meters now, every topic, status and authentication method summed: what the console's history
     * takes differences of.
     */
    public MeterReading read() {
        double requests = 0;
        double errors4xx = 0;
        double errors5xx = 0;
        for (Counter counter : registry.find(REQUESTS).counters()) {
            double count = counter.count();
            String status = counter.getId().getTag("status");
            requests += count;
            if (status != null && status.startsWith("4")) {
                errors4xx += count;
            } else if (status != null && status.startsWith("5")) {
                errors5xx += count;
            }
        }
        LatencyHistogram durations = LatencyHistogram.EMPTY;
        for (Timer timer : registry.find(REQUEST_DURATION).timers()) {
            durations = durations.plus(LatencyHistogram.of(timer.takeSnapshot()));
        }
        Gauge inFlight = registry.find(REQUESTS_IN_FLIGHT).gauge();
        return new MeterReading(requests, errors4xx, errors5xx, durations, inFlight == null ? 0 : inFlight.value());
    }

    public String scrape() {
        return registry.scrape();
    }

    public void close() {
        gc.close();
        registry.close();
    }
}

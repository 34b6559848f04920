package io.github.kafkarestgateway.admission;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/** Settings of the load bounds and quotas: {@code gateway.max-in-flight*}, {@code gateway.quota.*}. */
public final class AdmissionSettings {

    public static final Setting MAX_IN_FLIGHT = Setting.of("gateway.max-in-flight", "4096",
            "Produce requests in flight at most (over it: 503).");
    public static final Setting MAX_IN_FLIGHT_BYTES = Setting.of("gateway.max-in-flight-bytes", "67108864",
            "Bytes of request bodies in flight at most (over it: 503).");
    public static final Setting QUOTA_REQUESTS_PER_SECOND = Setting.of("gateway.quota.requests-per-second", "0",
            "Requests per second per service ID, unless its rateLimit says otherwise (0: none; over it: 429).");

    public static final List<Setting> ALL = List.of(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, QUOTA_REQUESTS_PER_SECOND);

    private AdmissionSettings() {
    }
}

package io.github.kafkarestgateway.produce;

import java.util.List;

import io.github.kafkarestgateway.settings.Setting;

/**
 * Settings of produce requests: the size limits, the mapping from HTTP request to Kafka record
 * ({@code gateway.mapping.*}) and the v2 API ({@code gateway.v2.*}).
 */
public final class ProduceSettings {

    public static final Setting MAX_KEY_BYTES = Setting.of("gateway.max-key-bytes", "4096",
            "Largest record key in bytes.");
    public static final Setting MAX_VALUE_BYTES = Setting.of("gateway.max-value-bytes", "65536",
            "Largest record value in bytes.");
    public static final Setting MAX_URI_BYTES = Setting.of("gateway.max-uri-bytes", "10240",
            "Longest request URI in bytes, query included.");
    public static final Setting MAPPING_KEY_HEADER = Setting.of("gateway.mapping.key-header", "X-Kafka-Key",
            "Request header giving the key when the query has none (empty: none).");
    public static final Setting MAPPING_HEADER_PREFIX = Setting.of("gateway.mapping.header-prefix", "X-Kafka-Header-",
            "Request headers with this prefix become record headers (empty: none).");
    public static final Setting MAPPING_HEADERS = Setting.of("gateway.mapping.headers",
            "X-Correlation-ID:correlation-id",
            "Further request headers to copy, Request-Header:record-header,…");
    public static final Setting V2_MAX_RECORDS = Setting.of("gateway.v2.max-records", "500",
            "Most records in one v2 request.");
    public static final Setting V2_MAX_REQUEST_BYTES = Setting.of("gateway.v2.max-request-bytes", "5242880",
            "Largest v2 request body in bytes.");
    public static final Setting V2_LINGER_MS = Setting.of("gateway.v2.linger-ms", "5",
            "How long in ms the v2 producer may batch records.");
    public static final Setting V2_DELIVERY_TIMEOUT_MS = Setting.of("gateway.v2.delivery-timeout-ms", "10000",
            "After this many ms, an unacknowledged v2 record is a 408.");

    public static final List<Setting> ALL = List.of(MAX_KEY_BYTES, MAX_VALUE_BYTES, MAX_URI_BYTES, MAPPING_KEY_HEADER,
            MAPPING_HEADER_PREFIX, MAPPING_HEADERS, V2_MAX_RECORDS, V2_MAX_REQUEST_BYTES, V2_LINGER_MS,
            V2_DELIVERY_TIMEOUT_MS);

    private ProduceSettings() {
    }
}

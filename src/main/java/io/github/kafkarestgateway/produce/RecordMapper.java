package io.github.kafkarestgateway.produce;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.kafkarestgateway.error.GatewayException;
import io.github.kafkarestgateway.http.HttpRequests;
import io.github.kafkarestgateway.names.GatewayNames;
import io.vertx.core.http.HttpServerRequest;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Maps the HTTP request to the record's key and headers, into the variables {@code recordKey} (byte[], or null for
 * Kafka's default partitioning) and {@code recordHeaders} (name to byte[], in order).
 * <ul>
 * <li>key: query {@code key} with {@code keyType=text} (UTF-8, the default) or {@code keyType=binary} (hex); when
 * absent, the value of the request header {@link #setKeyHeader key header}, read the same way.</li>
 * <li>headers: query {@code headers=name:hexvalue,…}; every request header starting with the
 * {@link #setHeaderPrefix prefix} (prefix stripped, value as UTF-8); and the request headers named in the
 * {@link #setHeaderMap header map} ({@code Request-Header:kafka-header,…}).</li>
 * </ul>
 * No other request header reaches the record. Names that camel-kafka reserves for itself are refused, so nothing is
 * dropped silently.
 */
public class RecordMapper implements Processor {

    private static final HexFormat HEX = HexFormat.of();
    private static final String[] RESERVED_PREFIXES = {"camel", "org.apache.camel.", "kafka."};

    private String keyHeader = "";
    private String headerPrefix = "";
    private Map<String, String> headerMap = Map.of();
    private int maxKeyBytes = 4096;

    @Override
    public void process(Exchange exchange) {
        HttpServerRequest request = HttpRequests.of(exchange);
        exchange.setVariable(GatewayNames.RECORD_KEY, key(request));
        exchange.setVariable(GatewayNames.RECORD_HEADERS, headers(request));
    }

    private byte[] key(HttpServerRequest request) {
        String text = HttpRequests.queryParam(request, "key");
        if (text == null && !keyHeader.isEmpty()) {
            text = request.getHeader(keyHeader);
        }
        if (text == null) {
            return null;
        }
        String keyType = HttpRequests.queryParam(request, "keyType");
        byte[] key;
        if (keyType == null || keyType.equals("text")) {
            key = text.getBytes(StandardCharsets.UTF_8);
        } else if (keyType.equals("binary")) {
            key = hex(text, "key");
        } else {
            throw new GatewayException(400, "Unsupported keyType '" + keyType + "': use text or binary");
        }
        if (key.length > maxKeyBytes) {
            throw new GatewayException(400, "The key is larger than the limit of " + maxKeyBytes + " bytes");
        }
        return key;
    }

    private Map<String, byte[]> headers(HttpServerRequest request) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        // exchange headers are case-insensitive, so names must be unique regardless of case
        Map<String, Boolean> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        String query = HttpRequests.queryParam(request, "headers");
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split(",", -1)) {
                int colon = pair.indexOf(':');
                if (colon <= 0) {
                    throw new GatewayException(400, "Invalid headers parameter: expected name:hexvalue pairs separated by commas");
                }
                add(headers, seen, pair.substring(0, colon), hex(pair.substring(colon + 1), "header '" + pair.substring(0, colon) + "'"));
            }
        }
        if (!headerPrefix.isEmpty()) {
            // the entries, not names(): that builds a sorted set of every header name per request; a name given
            // twice is mapped once, its values joined
            Set<String> prefixed = null;
            for (Map.Entry<String, String> header : request.headers()) {
                String name = header.getKey();
                if (name.length() > headerPrefix.length() && name.regionMatches(true, 0, headerPrefix, 0, headerPrefix.length())) {
                    if (prefixed == null) {
                        prefixed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
                    }
                    if (prefixed.add(name)) {
                        add(headers, seen, name.substring(headerPrefix.length()), utf8(request, name));
                    }
                }
            }
        }
        for (Map.Entry<String, String> mapping : headerMap.entrySet()) {
            if (request.headers().contains(mapping.getKey())) {
                add(headers, seen, mapping.getValue(), utf8(request, mapping.getKey()));
            }
        }
        return headers;
    }

    private static void add(Map<String, byte[]> headers, Map<String, Boolean> seen, String name, byte[] value) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String reserved : RESERVED_PREFIXES) {
            if (lower.startsWith(reserved)) {
                throw new GatewayException(400, "The record header name '" + name + "' is reserved");
            }
        }
        if (seen.put(name, Boolean.TRUE) != null) {
            throw new GatewayException(400, "The record header '" + name + "' is given more than once");
        }
        headers.put(name, value);
    }

    private static byte[] utf8(HttpServerRequest request, String name) {
        return String.join(", ", request.headers().getAll(name)).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hex(String text, String what) {
        try {
            return HEX.parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new GatewayException(400, "Invalid " + what + ": binary values must be hex (base16) encoded");
        }
    }

    /** The request header whose value is the key when the query has no {@code key}; empty for none. */
    public void setKeyHeader(String keyHeader) {
        this.keyHeader = keyHeader == null ? "" : keyHeader.trim();
    }

    /** Request headers starting with this prefix become record headers, prefix stripped; empty for none. */
    public void setHeaderPrefix(String headerPrefix) {
        this.headerPrefix = headerPrefix == null ? "" : headerPrefix.trim();
    }

    /** Further request headers to copy, as {@code Request-Header:kafka-header} pairs separated by commas. */
    public void setHeaderMap(String pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        if (pairs != null && !pairs.isBlank()) {
            for (String pair : pairs.split(",")) {
                String[] parts = pair.split(":", 2);
                if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                    throw new IllegalArgumentException("Header map entries are Request-Header:kafka-header, not '" + pair + "'");
                }
                map.put(parts[0].trim(), parts[1].trim());
            }
        }
        this.headerMap = map;
    }

    /** The request headers this mapping reads by name: the key header and the header map's (for CORS). */
    public List<String> requestHeaders() {
        List<String> names = new ArrayList<>();
        if (!keyHeader.isEmpty()) {
            names.add(keyHeader);
        }
        names.addAll(headerMap.keySet());
        return names;
    }

    /** The prefix of the request headers this mapping copies into records; empty for none. */
    public String headerPrefix() {
        return headerPrefix;
    }

    public void setMaxKeyBytes(int maxKeyBytes) {
        this.maxKeyBytes = maxKeyBytes;
    }
}

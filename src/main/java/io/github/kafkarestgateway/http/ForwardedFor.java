package io.github.kafkarestgateway.http;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads who each proxy says its client was: the {@code for=} of every element of an RFC 7239 {@code Forwarded}
 * header, or the entries of {@code X-Forwarded-For}, in the order the proxies added them (the right-most is the
 * last proxy's). Strict: a header that does not follow its grammar is {@code null} as a whole, never a guess, so that a
 * caller can fall back to the peer's address. Plain string scanning, no regular expression, no DNS lookup.
 */
final class ForwardedFor {

    /**
     * One hop's client: an address; or an obfuscated identifier ({@code _gazonk}, RFC 7239 section 6.3) that the
     * proxy uses instead of the address; or neither, when the proxy did not know or say ({@code unknown}, or an
     * element without {@code for=}).
     */
    record Hop(InetAddress address, String identifier) {

        static final Hop UNKNOWN = new Hop(null, null);
    }

    private ForwardedFor() {
    }

    /**
     * The hops of a {@code Forwarded} value (several header lines joined by commas): {@code 1#forwarded-element},
     * each element {@code pair *(";" pair)}, each pair {@code token "=" (token / quoted-string)}; a parameter at most
     * once per element; {@code for} a node of RFC 7239 section 6 ({@code 192.0.2.43}, {@code "[2001:db8::17]:4711"},
     * {@code unknown}, {@code _hidden}). Null when malformed.
     */
    static List<Hop> forwarded(String header) {
        List<Hop> hops = new ArrayList<>(4);
        int n = header.length();
        int i = 0;
        boolean inElement = false;
        Hop hop = null;
        List<String> names = new ArrayList<>(4);
        while (true) {
            i = skipSpace(header, i);
            if (i >= n || header.charAt(i) == ',') {
                if (inElement) {
                    hops.add(hop == null ? Hop.UNKNOWN : hop);
                }
                if (i >= n) {
                    return hops;
                }
                inElement = false;
                hop = null;
                names.clear();
                i++;
                continue;
            }
            if (header.charAt(i) == ';') {
                // pairs may be empty: "for=a;;proto=http", or an element of no pair at all
                inElement = true;
                i++;
                continue;
            }
            int nameStart = i;
            while (i < n && isTokenChar(header.charAt(i))) {
                i++;
            }
            if (i == nameStart || i >= n || header.charAt(i) != '=') {
                return null;
            }
            String name = header.substring(nameStart, i);
            for (String seen : names) {
                if (seen.equalsIgnoreCase(name)) {
                    return null;
                }
            }
            names.add(name);
            i++;
            String value;
            if (i < n && header.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                i++;
                while (true) {
                    if (i >= n) {
                        return null;
                    }
                    char c = header.charAt(i++);
                    if (c == '"') {
                        break;
                    }
                    if (c == '\\') {
                        if (i >= n) {
                            return null;
                        }
                        c = header.charAt(i++);
                    }
                    quoted.append(c);
                }
                value = quoted.toString();
            } else {
                int valueStart = i;
                while (i < n && isTokenChar(header.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return null;
                }
                value = header.substring(valueStart, i);
            }
            inElement = true;
            if (name.equalsIgnoreCase("for")) {
                hop = node(value, false);
                if (hop == null) {
                    return null;
                }
            }
            i = skipSpace(header, i);
            if (i < n && header.charAt(i) != ';' && header.charAt(i) != ',') {
                return null;
            }
        }
    }

    /**
     * The hops of an {@code X-Forwarded-For} value (lines joined by commas): addresses separated by commas, an IPv6
     * address bare or in brackets, with or without a port, or {@code unknown}. Null when an entry is none of these.
     */
    static List<Hop> xForwardedFor(String header) {
        List<Hop> hops = new ArrayList<>(4);
        for (String entry : header.split(",", -1)) {
            Hop hop = node(entry.trim(), true);
            if (hop == null) {
                return null;
            }
            hops.add(hop);
        }
        return hops;
    }

    /**
     * A node of RFC 7239 section 6: {@code nodename [":" node-port]}, the name an IPv4 address, an IPv6 address in
     * brackets, {@code unknown} or an obfuscated identifier; with {@code bareIpv6} also an IPv6 address without
     * brackets (and so without port), as X-Forwarded-For writes them. Null when it is none of these.
     */
    static Hop node(String text, boolean bareIpv6) {
        if (text.isEmpty()) {
            return null;
        }
        String name = text;
        String port = null;
        if (text.charAt(0) == '[') {
            int close = text.indexOf(']');
            if (close < 0) {
                return null;
            }
            name = text.substring(1, close);
            if (close + 1 < text.length()) {
                if (text.charAt(close + 1) != ':') {
                    return null;
                }
                port = text.substring(close + 2);
            }
            InetAddress address = TrustedProxies.literal(name);
            return address != null && validPort(port) ? new Hop(address, null) : null;
        }
        if (bareIpv6) {
            InetAddress address = TrustedProxies.literal(text);
            if (address != null && text.indexOf(':') >= 0) {
                return new Hop(address, null);
            }
        }
        int colon = text.indexOf(':');
        if (colon >= 0) {
            name = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!validPort(port)) {
            return null;
        }
        if (name.equalsIgnoreCase("unknown")) {
            return Hop.UNKNOWN;
        }
        if (isObfuscated(name)) {
            return new Hop(null, name);
        }
        InetAddress address = TrustedProxies.literal(name);
        return address instanceof Inet4Address ? new Hop(address, null) : null;
    }

    /** {@code node-port}: 1 to 5 digits, or an obfuscated identifier; null (absent) is valid too. */
    private static boolean validPort(String port) {
        if (port == null) {
            return true;
        }
        if (isObfuscated(port)) {
            return true;
        }
        return !port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** {@code "_" 1*(ALPHA / DIGIT / "." / "_" / "-")}. */
    private static boolean isObfuscated(String text) {
        if (text.length() < 2 || text.charAt(0) != '_') {
            return false;
        }
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** {@code tchar} of RFC 9110. */
    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }
}

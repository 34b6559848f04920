package io.github.kafkarestgateway.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;

/**
 * The peers whose {@code Forwarded} and {@code X-Forwarded-For} headers the gateway believes
 * ({@code gateway.http.trusted-proxies}): IPv4 and IPv6 addresses and CIDR ranges, separated by commas, such as
 * {@code 10.0.0.0/8, 192.0.2.7, 2001:db8::/32}. Only address literals: a host name would need a DNS lookup per start
 * and could point elsewhere later, so it is refused. The ranges are Netty's {@link IpSubnetFilterRule}s.
 */
public final class TrustedProxies {

    /** No peer is trusted: the forwarding headers are never read. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    private final List<IpSubnetFilterRule> ranges;

    private TrustedProxies(List<IpSubnetFilterRule> ranges) {
        this.ranges = ranges;
    }

    /**
     * The ranges of the setting's value; blank: {@link #NONE}.
     *
     * @throws IllegalArgumentException naming the entry that is not an address or a CIDR range
     */
    public static TrustedProxies parse(String setting) {
        if (setting == null || setting.isBlank()) {
            return NONE;
        }
        List<IpSubnetFilterRule> ranges = new ArrayList<>();
        for (String entry : setting.split(",")) {
            String text = entry.trim();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            int bits = address == null ? -1 : address.getAddress().length * 8;
            int prefix = slash < 0 ? bits : prefix(text.substring(slash + 1), bits);
            if (address == null || prefix < 0) {
                throw new IllegalArgumentException(HttpSettings.TRUSTED_PROXIES.key() + ": '" + text
                        + "' is not an IPv4 or IPv6 address or CIDR range (such as 10.0.0.0/8 or 2001:db8::/32)");
            }
            ranges.add(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
        }
        return new TrustedProxies(List.copyOf(ranges));
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether the address is in one of the ranges; false for null. */
    public boolean trusts(InetAddress address) {
        if (address == null || ranges.isEmpty()) {
            return false;
        }
        InetSocketAddress socket = new InetSocketAddress(address, 0);
        for (IpSubnetFilterRule range : ranges) {
            if (range.matches(socket)) {
                return true;
            }
        }
        return false;
    }

    /** The address of an IPv4 or IPv6 literal (no brackets, no zone), or null: never a DNS lookup. */
    static InetAddress literal(String text) {
        if (text.indexOf('%') >= 0 || text.indexOf('[') >= 0
                || !NetUtil.isValidIpV4Address(text) && !NetUtil.isValidIpV6Address(text)) {
            return null;
        }
        return NetUtil.createInetAddressFromIpAddressString(text);
    }

    private static int prefix(String text, int bits) {
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        int prefix = Integer.parseInt(text);
        return prefix <= bits ? prefix : -1;
    }
}

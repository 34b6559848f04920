package io.github.kafkarestgateway.http;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client address behind trusted proxies: the RFC 7239 examples, X-Forwarded-For, the walk from the right past
 * trusted proxies, and garbage, which always falls back to the peer.
 */
class ClientAddressUnitTest {

    private static final String PROXY = "10.0.0.5";
    private static final ClientAddress BEHIND_PROXIES = new ClientAddress(
            TrustedProxies.parse("10.0.0.0/8, 2001:db8:ffff::/48, 192.0.2.200"));

    private static String forwarded(String header) {
        return BEHIND_PROXIES.resolve(PROXY, header, null);
    }

    private static String xForwardedFor(String header) {
        return BEHIND_PROXIES.resolve(PROXY, null, header);
    }

    @Test
    void theRfc7239ExamplesNameTheirClient() {
        assertEquals("192.0.2.60", forwarded("for=192.0.2.60;proto=http;by=203.0.113.43"));
        assertEquals("2001:db8:cafe:0:0:0:0:17", forwarded("For=\"[2001:db8:cafe::17]:4711\""));
        assertEquals("_gazonk", forwarded("for=\"_gazonk\""));
        assertEquals("_gazonk", forwarded("for=_gazonk"));
        assertEquals("192.0.2.43", forwarded("for=\"192.0.2.43:47011\""));
        // two hops, the right-most not a proxy of ours: it is the client, whatever the left one says
        assertEquals("198.51.100.17", forwarded("for=192.0.2.43, for=198.51.100.17"));
        assertEquals("198.51.100.17",
                forwarded("for=192.0.2.43,for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com"));
        assertEquals("2001:db8:cafe:0:0:0:0:17", forwarded("for=192.0.2.43, for=\"[2001:db8:cafe::17]\""));
    }

    @Test
    void theWalkGoesFromTheRightPastTrustedProxiesOnly() {
        // 10.0.0.9 and 192.0.2.200 are proxies of ours: the client is the first address left of them
        assertEquals("203.0.113.9", forwarded("for=198.51.100.1, for=203.0.113.9, for=10.0.0.9, for=192.0.2.200"));
        assertEquals("203.0.113.9", xForwardedFor("198.51.100.1, 203.0.113.9, 10.0.0.9"));
        // a client's own header cannot choose its address: the proxy appended what it saw
        assertEquals("203.0.113.9", xForwardedFor("127.0.0.1, 203.0.113.9"));
        // every hop a proxy of ours: the left-most
        assertEquals("10.1.1.1", forwarded("for=10.1.1.1, for=10.0.0.9"));
        // several header lines are one list
        assertEquals("203.0.113.9", forwarded("for=198.51.100.1,for=203.0.113.9"));
        assertEquals("2001:db8:0:0:0:0:0:1", forwarded("for=\"[2001:db8::1]\", for=\"[2001:db8:ffff::7]:80\""));
    }

    @Test
    void unknownEndsTheWalkAtTheProxyThatWroteIt() {
        assertEquals(PROXY, forwarded("for=unknown"));
        assertEquals("10.0.0.9", forwarded("for=198.51.100.1, for=unknown, for=10.0.0.9"));
        assertEquals(PROXY, forwarded("proto=https;by=10.0.0.5"), "an element without for=: the proxy did not say");
        assertEquals(PROXY, xForwardedFor("unknown"));
        assertEquals("_hidden", forwarded("for=198.51.100.1, for=\"_hidden:_port\""));
    }

    @Test
    void xForwardedForTakesAddressesWithAndWithoutPortsAndBrackets() {
        assertEquals("203.0.113.195", xForwardedFor("203.0.113.195"));
        assertEquals("203.0.113.195", xForwardedFor("203.0.113.195:41237"));
        assertEquals("2001:db8:85a3:0:0:8a2e:370:7334",
                xForwardedFor("2001:db8:85a3:8d3:1319:8a2e:370:7348, 2001:db8:85a3::8a2e:370:7334"));
        assertEquals("2001:db8:0:0:0:0:0:1", xForwardedFor("[2001:db8::1]:4711"));
        assertEquals("70.41.3.18", xForwardedFor("203.0.113.195,70.41.3.18, 10.0.0.1"));
    }

    @Test
    void forwardedWinsOverXForwardedFor() {
        assertEquals("192.0.2.60", BEHIND_PROXIES.resolve(PROXY, "for=192.0.2.60", "198.51.100.1"));
        // a malformed Forwarded is not replaced by the other header: the peer
        assertEquals(PROXY, BEHIND_PROXIES.resolve(PROXY, "for=", "198.51.100.1"));
    }

    @Test
    void garbageIsThePeerNeverAnError() {
        List<String> forwardedGarbage = List.of("", " ", "for", "for=", "for=\"", "for=\"unterminated",
                "for=192.0.2.1:80", "for=[2001:db8::1]", "for=2001:db8::1", "for=\"[2001:db8::1\"",
                "for=\"[2001:db8::1]:\"", "for=\"[2001:db8::1]x\"", "for=\"192.0.2.1:99999x\"", "for=example.com",
                "for=\"example.com\"", "for=192.0.2.1;for=192.0.2.2", "for=192.0.2.1 by=10.0.0.1", "=x",
                "for=\"\\", "for=_", "for=\"_bad/char\"", "for=999.0.0.1", "for=\"[fe80::1%eth0]\"",
                "for=192.0.2.1,for=\"192.0.2.2", "\u0000\u0001", "for=\"[::1]:123456\"");
        for (String header : forwardedGarbage) {
            assertEquals(PROXY, forwarded(header), "Forwarded: " + header);
        }
        List<String> xffGarbage = List.of("", "not-an-ip", "203.0.113.9, ", ",", "203.0.113.9;x", "[2001:db8::1",
                "example.com", "203.0.113.9:port");
        for (String header : xffGarbage) {
            assertEquals(PROXY, xForwardedFor(header), "X-Forwarded-For: " + header);
        }
        String huge = "for=192.0.2.1, ".repeat(2_000) + "for=\"[2001:db8::1]";
        assertEquals(PROXY, forwarded(huge));
        assertEquals("192.0.2.1", forwarded("for=192.0.2.1, ".repeat(2_000) + "for=10.0.0.1"));
    }

    @Test
    void emptyListElementsAndEmptyPairsAreAllowed() {
        assertEquals("192.0.2.60", forwarded("for=192.0.2.60;;proto=http"));
        assertEquals("192.0.2.60", forwarded("for=192.0.2.60, ,"));
        assertEquals(PROXY, forwarded(",,,"));
        assertEquals("192.0.2.60", forwarded("FOR=\"192.0.2.60\"; Proto=https"));
        assertEquals("192.0.2.60", forwarded("for=\"19\\2.0.2.60\""), "a quoted-pair is the character it quotes");
    }

    @Test
    void fromAPeerThatIsNoTrustedProxyTheHeadersAreIgnored() {
        assertEquals("198.51.100.99", BEHIND_PROXIES.resolve("198.51.100.99", "for=192.0.2.60", "192.0.2.61"));
        assertEquals("unknown", BEHIND_PROXIES.resolve("unknown", "for=192.0.2.60", null));
        ClientAddress none = new ClientAddress(TrustedProxies.NONE);
        assertEquals(PROXY, none.resolve(PROXY, "for=192.0.2.60", "192.0.2.61"));
        assertEquals(PROXY, BEHIND_PROXIES.resolve(PROXY, null, null));
    }

    @Test
    void trustedProxiesAreAddressesAndRangesOfBothFamilies() {
        TrustedProxies proxies = TrustedProxies.parse(" 10.0.0.0/8 ,192.0.2.7,2001:db8::/32, ::1 ,");
        assertFalse(proxies.isEmpty());
        assertTrue(proxies.trusts(TrustedProxies.literal("10.255.1.2")));
        assertTrue(proxies.trusts(TrustedProxies.literal("192.0.2.7")));
        assertFalse(proxies.trusts(TrustedProxies.literal("192.0.2.8")));
        assertFalse(proxies.trusts(TrustedProxies.literal("11.0.0.1")));
        assertTrue(proxies.trusts(TrustedProxies.literal("2001:db8:1::1")));
        assertFalse(proxies.trusts(TrustedProxies.literal("2001:db9::1")));
        assertTrue(proxies.trusts(TrustedProxies.literal("0:0:0:0:0:0:0:1")));
        assertFalse(proxies.trusts(null));
        assertTrue(TrustedProxies.parse("").isEmpty());
        assertTrue(TrustedProxies.parse(" , ").isEmpty());
        assertTrue(TrustedProxies.parse("0.0.0.0/0").trusts(TrustedProxies.literal("203.0.113.1")));
        assertNull(TrustedProxies.literal("localhost"), "never a DNS lookup");
    }

    @Test
    void aTrustedProxyThatIsNoAddressOrRangeStopsTheStart() {
        for (String wrong : List.of("localhost", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/", "10.0.0.0/x",
                "10.0.0", "[::1]", "10.0.0.0/8/8", "10.0.0.0/-1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustedProxies.parse(wrong),
                    wrong);
            assertTrue(e.getMessage().contains("gateway.http.trusted-proxies"), e.getMessage());
        }
    }
}

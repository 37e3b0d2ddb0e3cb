package io.postern.engine;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A source as the engine's per-source limits count it: an IPv4 address (/32) or an IPv6 /64 prefix
 * (what one IPv6 subscriber is normally given: counting its addresses one by one would let one host
 * be 2^64 sources). The port is ignored. wireguard-go's rate limiter keys sources the same way.
 *
 * @param bits the address (IPv4) or the first 64 bits (IPv6)
 * @param v6   whether it is an IPv6 prefix
 */
record SourcePrefix(long bits, boolean v6) {
    /** @return the source {@code address} belongs to */
    static SourcePrefix of(InetAddress address) {
        byte[] b = address.getAddress();
        boolean v6 = address instanceof Inet6Address;
        long bits = 0;
        int n = v6 ? 8 : b.length;
        for (int i = 0; i < n; i++) {
            bits = bits << 8 | (b[i] & 0xff);
        }
        return new SourcePrefix(bits, v6);
    }
}

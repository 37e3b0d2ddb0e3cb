package io.postern.net;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP prefix such as {@code 198.19.0.2/32} or {@code fd00::/64}: a peer's AllowedIPs entry, or an
 * interface Address such as {@code 198.19.0.1/24}. The address is kept as written (an interface
 * Address needs its host part); {@link #contains} compares only the first {@code length} bits and
 * {@link #network()} gives the prefix with host bits cleared.
 *
 * @param address   the address as written
 * @param length    the prefix length, 0–32 for IPv4 and 0–128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = address.getAddress().length * 8;
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("prefix length " + length + " is outside 0-" + max);
        }
    }

    /** @return the same prefix with host bits cleared ({@code 198.19.0.1/24} → {@code 198.19.0.0/24}) */
    public IpPrefix network() {
        return new IpPrefix(masked(address, length), length);
    }

    /**
     * Parses {@code ip/len}, or a bare IP meaning a host prefix (/32 or /128).
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static IpPrefix parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("IP prefix is empty");
        }
        String s = text.strip();
        int slash = s.indexOf('/');
        InetAddress ip = IpLiterals.parse(slash < 0 ? s : s.substring(0, slash));
        int max = ip.getAddress().length * 8;
        int len = max;
        if (slash >= 0) {
            String l = s.substring(slash + 1);
            if (l.isEmpty() || l.length() > 3 || !l.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("'" + s + "' has a prefix length that is not a number");
            }
            len = Integer.parseInt(l);
            if (len > max) {
                throw new IllegalArgumentException("'" + s + "' has prefix length " + len + " above " + max);
            }
        }
        return new IpPrefix(ip, len);
    }

    /** @return whether {@code ip} (same family) lies inside this prefix */
    public boolean contains(InetAddress ip) {
        byte[] a = address.getAddress();
        byte[] b = ip.getAddress();
        if (a.length != b.length) {
            return false;
        }
        return contains(b, 0, b.length);
    }

    /**
     * @return whether the address bytes {@code ip[offset, offset+family length)} lie inside this prefix
     *         (copies the prefix's address: a hot path keeps the bytes and calls {@link #contains(byte[], int, byte[], int)})
     */
    public boolean contains(byte[] ip, int offset, int familyLength) {
        byte[] a = address.getAddress();
        return a.length == familyLength && contains(a, length, ip, offset);
    }

    /**
     * The prefix test without an object or a copy, for tables that keep each prefix's address bytes.
     *
     * @param prefix the prefix's address bytes (4 or 16; only the first {@code length} bits count)
     * @param length the prefix length in bits, at most {@code prefix.length * 8}
     * @param ip     holds the address to test at {@code offset}, of the same family as {@code prefix}
     * @return whether the first {@code length} bits of both addresses are equal
     */
    public static boolean contains(byte[] prefix, int length, byte[] ip, int offset) {
        int full = length / 8;
        for (int i = 0; i < full; i++) {
            if (prefix[i] != ip[offset + i]) {
                return false;
            }
        }
        int rem = length % 8;
        if (rem == 0) {
            return true;
        }
        int mask = (0xff << (8 - rem)) & 0xff;
        return (prefix[full] & mask) == (ip[offset + full] & mask);
    }

    private static InetAddress masked(InetAddress ip, int length) {
        byte[] b = ip.getAddress();
        for (int i = 0; i < b.length; i++) {
            int bits = Math.min(8, Math.max(0, length - 8 * i));
            b[i] &= (byte) ((0xff << (8 - bits)) & 0xff);
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + length;
    }
}

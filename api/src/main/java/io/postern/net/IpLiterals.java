package io.postern.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Parses IP address literals without ever touching DNS. */
public final class IpLiterals {
    private IpLiterals() {}

    /**
     * @return the address for an IPv4 dotted quad or an IPv6 literal
     * @throws IllegalArgumentException if {@code text} is not an IP literal (host names are refused)
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("IP address is empty");
        }
        String s = text.strip();
        boolean v4 = s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
        boolean v6 = s.indexOf(':') >= 0 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (v4) {
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
            }
            byte[] b = new byte[4];
            for (int i = 0; i < 4; i++) {
                if (parts[i].isEmpty() || parts[i].length() > 3) {
                    throw new IllegalArgumentException("'" + s + "' is not an IPv4 address");
                }
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new IllegalArgumentException("'" + s + "' is not an IPv4 address (octet " + v + ")");
                }
                b[i] = (byte) v;
            }
            return byBytes(b, s);
        }
        if (v6) {
            try {
                // A literal containing ':' and only hex digits, ':' and '.' is never resolved by DNS.
                return InetAddress.getByName(s);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("'" + s + "' is not an IPv6 address", e);
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not an IP address (host names are not accepted)");
    }

    private static InetAddress byBytes(byte[] b, String text) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "' is not an IP address", e);
        }
    }
}

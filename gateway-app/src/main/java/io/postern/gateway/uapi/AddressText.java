package io.postern.gateway.uapi;

import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Writes addresses as operators read them (and as {@code wg show} prints them): IPv6 in the RFC 5952
 * canonical form, {@code fd00::4} rather than the JDK's {@code fd00:0:0:0:0:0:0:4}.
 */
public final class AddressText {
    private AddressText() {}

    /** @return {@code 10.0.0.2/32}, {@code fd00::4/128} */
    public static String of(IpPrefix prefix) {
        return of(prefix.address()) + "/" + prefix.length();
    }

    /** @return {@code 127.0.0.1:51820}, {@code [::1]:51820} */
    public static String of(Endpoint endpoint) {
        InetAddress ip = endpoint.ip();
        return (ip instanceof Inet6Address ? "[" + of(ip) + "]" : of(ip)) + ":" + endpoint.port();
    }

    /** RFC 5952 section 4: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
    public static String of(InetAddress ip) {
        if (!(ip instanceof Inet6Address)) {
            return ip.getHostAddress();
        }
        byte[] b = ip.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (section 4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) { // the first of equally long runs wins (section 4.2.3)
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(groups[i]));
        }
        return s.toString();
    }
}

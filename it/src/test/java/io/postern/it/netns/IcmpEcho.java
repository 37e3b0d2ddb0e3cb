package io.postern.it.netns;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds and reads IPv4 ICMP echo packets for the tests that speak IP through a tunnel. */
public final class IcmpEcho {
    private IcmpEcho() {}

    public static byte[] request(String src, String dst, int id, int seq, byte[] data) {
        byte[] p = new byte[28 + data.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[8] = 64;
        p[9] = 1;
        System.arraycopy(address(src), 0, p, 12, 4);
        System.arraycopy(address(dst), 0, p, 16, 4);
        int h = checksum(p, 0, 20);
        p[10] = (byte) (h >> 8);
        p[11] = (byte) h;
        p[20] = 8;
        p[24] = (byte) (id >> 8);
        p[25] = (byte) id;
        p[26] = (byte) (seq >> 8);
        p[27] = (byte) seq;
        System.arraycopy(data, 0, p, 28, data.length);
        int c = checksum(p, 20, p.length - 20);
        p[22] = (byte) (c >> 8);
        p[23] = (byte) c;
        return p;
    }

    /** @return whether {@code p} is an echo reply from {@code src} with this id and sequence */
    public static boolean isReply(byte[] p, String src, int id, int seq) {
        if (p.length < 28 || (p[0] & 0xf0) != 0x40 || p[9] != 1) {
            return false;
        }
        int ihl = (p[0] & 0x0f) * 4;
        byte[] s = address(src);
        return java.util.Arrays.equals(p, 12, 16, s, 0, 4) && p[ihl] == 0
                && ((p[ihl + 4] & 0xff) << 8 | (p[ihl + 5] & 0xff)) == id
                && ((p[ihl + 6] & 0xff) << 8 | (p[ihl + 7] & 0xff)) == seq;
    }

    private static int checksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    private static byte[] address(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

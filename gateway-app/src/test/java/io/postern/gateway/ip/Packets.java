package io.postern.gateway.ip;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Builds test packets with a checksum implementation written independently of the handler's. */
final class Packets {
    private Packets() {}

    static byte[] icmpv4Echo(String src, String dst, int type, int id, int seq, byte[] data) {
        byte[] p = new byte[20 + 8 + data.length];
        p[0] = 0x45;
        p[2] = (byte) (p.length >> 8);
        p[3] = (byte) p.length;
        p[6] = 0x40; // DF
        p[8] = 64;
        p[9] = 1;
        System.arraycopy(addr(src), 0, p, 12, 4);
        System.arraycopy(addr(dst), 0, p, 16, 4);
        fixIpv4Checksum(p);
        p[20] = (byte) type;
        p[24] = (byte) (id >> 8);
        p[25] = (byte) id;
        p[26] = (byte) (seq >> 8);
        p[27] = (byte) seq;
        System.arraycopy(data, 0, p, 28, data.length);
        int c = referenceChecksum(p, 20, p.length - 20);
        p[22] = (byte) (c >> 8);
        p[23] = (byte) c;
        return p;
    }

    static byte[] icmpv6Echo(String src, String dst, int type, byte[] data) {
        int icmpLen = 8 + data.length;
        byte[] p = new byte[40 + icmpLen];
        p[0] = 0x60;
        p[4] = (byte) (icmpLen >> 8);
        p[5] = (byte) icmpLen;
        p[6] = 58;
        p[7] = 64;
        System.arraycopy(addr(src), 0, p, 8, 16);
        System.arraycopy(addr(dst), 0, p, 24, 16);
        p[40] = (byte) type;
        System.arraycopy(data, 0, p, 48, data.length);
        int c = icmpv6ReferenceChecksum(p);
        p[42] = (byte) (c >> 8);
        p[43] = (byte) c;
        return p;
    }

    static void fixIpv4Checksum(byte[] p) {
        p[10] = 0;
        p[11] = 0;
        int c = referenceChecksum(p, 0, 20);
        p[10] = (byte) (c >> 8);
        p[11] = (byte) c;
    }

    /** Straightforward RFC 1071 loop, folding after every addition. */
    static int referenceChecksum(byte[] b, int off, int len) {
        int sum = 0;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xff;
            int lo = i + 1 < len ? b[off + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return ~sum & 0xffff;
    }

    static int icmpv6ReferenceChecksum(byte[] p) {
        int icmpLen = p.length - 40;
        byte[] pseudo = new byte[40 + icmpLen];
        System.arraycopy(p, 8, pseudo, 0, 32);
        pseudo[34] = (byte) (icmpLen >> 8);
        pseudo[35] = (byte) icmpLen;
        pseudo[39] = 58;
        System.arraycopy(p, 40, pseudo, 40, icmpLen);
        return referenceChecksum(pseudo, 0, pseudo.length);
    }

    private static byte[] addr(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}

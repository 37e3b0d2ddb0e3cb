package io.postern.handler.tun;

/**
 * What cryptokey routing needs from an IP packet's fixed header (RFC 791, RFC 8200): the version,
 * the packet's own length (a decrypted payload carries WireGuard's zero padding after it) and where
 * the source and destination addresses are. Checks only what routing relies on; the kernel checks
 * the rest of a packet written to the TUN interface.
 */
final class IpHeader {
    static final int IPV4_HEADER = 20;
    static final int IPV6_HEADER = 40;

    private IpHeader() {}

    /**
     * @return the packet's length from its header (IPv4 total length, IPv6 40 + payload length), or a
     *         negative {@link TunDropReason} ordinal's complement ({@code ~reason.ordinal()}) when the
     *         packet is not a well-formed IPv4/IPv6 packet within {@code len} bytes
     */
    static int packetLength(byte[] b, int off, int len) {
        if (len < 1) {
            return ~TunDropReason.NOT_IP.ordinal();
        }
        int version = (b[off] & 0xff) >>> 4;
        if (version == 4) {
            if (len < IPV4_HEADER) {
                return ~TunDropReason.NOT_IP.ordinal();
            }
            int ihl = (b[off] & 0x0f) * 4;
            int total = u16(b, off + 2);
            return ihl < IPV4_HEADER || total < ihl || total > len ? ~TunDropReason.BAD_LENGTH.ordinal() : total;
        }
        if (version == 6) {
            if (len < IPV6_HEADER) {
                return ~TunDropReason.NOT_IP.ordinal();
            }
            int total = IPV6_HEADER + u16(b, off + 4);
            return total > len ? ~TunDropReason.BAD_LENGTH.ordinal() : total;
        }
        return ~TunDropReason.NOT_IP.ordinal();
    }

    /** @return 4 or 16: the address length of a packet {@link #packetLength} accepted */
    static int addressLength(byte[] b, int off) {
        return (b[off] & 0xf0) == 0x40 ? 4 : 16;
    }

    /** @return the offset of the source address of a packet {@link #packetLength} accepted */
    static int sourceOffset(byte[] b, int off) {
        return off + ((b[off] & 0xf0) == 0x40 ? 12 : 8);
    }

    /** @return the offset of the destination address of a packet {@link #packetLength} accepted */
    static int destinationOffset(byte[] b, int off) {
        return off + ((b[off] & 0xf0) == 0x40 ? 16 : 24);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }
}

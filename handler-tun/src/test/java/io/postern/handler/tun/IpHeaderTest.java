package io.postern.handler.tun;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpHeaderTest {
    /** An IPv4 header of {@code total} bytes' packet, 198.19.0.2 → 198.18.6.2, in a buffer of {@code size}. */
    static byte[] ipv4(int total, int size) {
        byte[] b = new byte[size];
        b[0] = 0x45;
        b[2] = (byte) (total >>> 8);
        b[3] = (byte) total;
        b[8] = 64;
        b[9] = 1;
        b[12] = (byte) 198; b[13] = 19; b[14] = 0; b[15] = 2;
        b[16] = (byte) 198; b[17] = 18; b[18] = 6; b[19] = 2;
        return b;
    }

    static byte[] ipv6(int payload, int size) {
        byte[] b = new byte[size];
        b[0] = 0x60;
        b[4] = (byte) (payload >>> 8);
        b[5] = (byte) payload;
        b[8] = (byte) 0xfd; b[23] = 2;   // source fd00::2
        b[24] = (byte) 0xfd; b[39] = 1;  // destination fd00::1
        return b;
    }

    @Test
    void ipv4LengthComesFromTheHeaderSoWireGuardPaddingIsCutOff() {
        byte[] b = ipv4(84, 96); // a 56-byte ping padded to a multiple of 16
        assertThat(IpHeader.packetLength(b, 0, 96)).isEqualTo(84);
        assertThat(IpHeader.addressLength(b, 0)).isEqualTo(4);
        assertThat(IpHeader.sourceOffset(b, 0)).isEqualTo(12);
        assertThat(IpHeader.destinationOffset(b, 0)).isEqualTo(16);
    }

    @Test
    void ipv6LengthIsTheFixedHeaderPlusThePayloadLength() {
        byte[] b = ipv6(24, 80);
        assertThat(IpHeader.packetLength(b, 0, 80)).isEqualTo(64);
        assertThat(IpHeader.addressLength(b, 0)).isEqualTo(16);
        assertThat(IpHeader.sourceOffset(b, 0)).isEqualTo(8);
        assertThat(IpHeader.destinationOffset(b, 0)).isEqualTo(24);
    }

    @Test
    void offsetsFollowTheOffset() {
        byte[] inner = ipv4(40, 40);
        byte[] b = new byte[50];
        System.arraycopy(inner, 0, b, 10, 40);
        assertThat(IpHeader.packetLength(b, 10, 40)).isEqualTo(40);
        assertThat(IpHeader.destinationOffset(b, 10)).isEqualTo(26);
    }

    @Test
    void malformedPacketsNameTheirReason() {
        assertThat(reason(new byte[0], 0)).isEqualTo(TunDropReason.NOT_IP);
        assertThat(reason(java.util.Arrays.copyOf(ipv4(20, 20), 19), 19)).isEqualTo(TunDropReason.NOT_IP);
        byte[] v5 = ipv4(20, 20);
        v5[0] = 0x55;
        assertThat(reason(v5, 20)).isEqualTo(TunDropReason.NOT_IP);
        assertThat(reason(ipv4(21, 20), 20)).as("total beyond the bytes").isEqualTo(TunDropReason.BAD_LENGTH);
        assertThat(reason(ipv4(19, 20), 20)).as("total below the header").isEqualTo(TunDropReason.BAD_LENGTH);
        byte[] shortIhl = ipv4(20, 20);
        shortIhl[0] = 0x44;
        assertThat(reason(shortIhl, 20)).isEqualTo(TunDropReason.BAD_LENGTH);
        assertThat(reason(java.util.Arrays.copyOf(ipv6(0, 40), 39), 39)).isEqualTo(TunDropReason.NOT_IP);
        assertThat(reason(ipv6(1, 40), 40)).isEqualTo(TunDropReason.BAD_LENGTH);
    }

    private static TunDropReason reason(byte[] b, int len) {
        int r = IpHeader.packetLength(b, 0, len);
        assertThat(r).isNegative();
        return TunDropReason.values()[~r];
    }
}

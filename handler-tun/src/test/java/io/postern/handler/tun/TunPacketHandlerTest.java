package io.postern.handler.tun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handler's checks that need no TUN device (TunGatewayIT in {@code it} runs a real one). */
class TunPacketHandlerTest {
    private static final PublicKey PEER = PublicKey.of(filled(7));

    private static byte[] filled(int v) {
        byte[] b = new byte[32];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** A context whose AllowedIPs admit only 198.19.0.2 and which records what is sent. */
    private static final class Context implements HandlerContext {
        final List<byte[]> sent = new ArrayList<>();
        String name = "";

        @Override
        public boolean send(PublicKey peer, byte[] buffer, int offset, int length) {
            sent.add(Arrays.copyOfRange(buffer, offset, offset + length));
            return true;
        }

        @Override
        public boolean isAllowedSource(PublicKey peer, byte[] a, int off, int len) {
            return len == 4 && (a[off] & 0xff) == 198 && a[off + 1] == 19 && a[off + 2] == 0 && a[off + 3] == 2;
        }

        @Override
        public String interfaceName() {
            return name;
        }
    }

    @Test
    void aPacketFromOutsideThePeersAllowedIpsIsDroppedAndCounted() {
        TunPacketHandler h = new TunPacketHandler();
        byte[] spoofed = IpHeaderTest.ipv4(84, 96);
        spoofed[15] = 9; // 198.19.0.9: not this peer's
        h.onPacket(PEER, spoofed, 0, 96, new Context());
        assertThat(h.drops(TunDropReason.SOURCE_NOT_ALLOWED)).isEqualTo(1);
        assertThat(h.packetsFromPeers()).isZero();
    }

    @Test
    void malformedPacketsFromPeersAreDroppedWithTheirReason() {
        TunPacketHandler h = new TunPacketHandler();
        h.onPacket(PEER, new byte[16], 0, 16, new Context());
        h.onPacket(PEER, IpHeaderTest.ipv4(200, 96), 0, 96, new Context());
        assertThat(h.drops(TunDropReason.NOT_IP)).isEqualTo(1);
        assertThat(h.drops(TunDropReason.BAD_LENGTH)).isEqualTo(1);
    }

    @Test
    void anAllowedPacketWithNoInterfaceIsCountedAsNotWritten() {
        TunPacketHandler h = new TunPacketHandler();
        h.onPacket(PEER, IpHeaderTest.ipv4(84, 96), 0, 96, new Context());
        assertThat(h.drops(TunDropReason.WRITE_FAILED)).isEqualTo(1);
        assertThat(h.drops(TunDropReason.SOURCE_NOT_ALLOWED)).isZero();
    }

    @Test
    void startWithoutAUsableInterfaceNameSaysWhatToSet() {
        Context ctx = new Context();
        assertThatThrownBy(() -> new TunPacketHandler().start(ctx)).isInstanceOf(TunException.class)
                .hasMessage("'' is not an interface name (1-15 of letters, digits, '_', '=', '+', '.', '-'); set Name in [Interface]");
        ctx.name = "a/b";
        assertThatThrownBy(() -> new TunPacketHandler().start(ctx)).isInstanceOf(TunException.class)
                .hasMessageStartingWith("'a/b' is not an interface name");
    }

    @Test
    void stopBeforeStartDoesNothing() {
        TunPacketHandler h = new TunPacketHandler();
        h.stop();
        h.stop();
        assertThat(h.packetsToPeers()).isZero();
    }
}

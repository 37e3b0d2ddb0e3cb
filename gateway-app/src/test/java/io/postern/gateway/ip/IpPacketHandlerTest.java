package io.postern.gateway.ip;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpPacketHandlerTest {
    private static final PublicKey ALICE = key(1);
    private static final PublicKey BOB = key(2);

    private final IpPacketHandler handler = new IpPacketHandler();
    private final Routes ctx = new Routes();

    IpPacketHandlerTest() throws Exception {
        ctx.allowed.put(ALICE, List.of(IpPrefix.parse("198.19.0.2/32"), IpPrefix.parse("fd00::2/128")));
        ctx.allowed.put(BOB, List.of(IpPrefix.parse("198.19.0.3/32"), IpPrefix.parse("198.19.8.0/24")));
        ctx.own = List.of(InetAddress.getByName("198.19.0.1"), InetAddress.getByName("fd00::1"));
    }

    @Test
    void answersIpv4PingToTheGatewayAddress() {
        byte[] req = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 8, 0x1234, 7, "ping-payload".getBytes());
        byte[] padded = Arrays.copyOf(req, (req.length + 15) & -16); // WireGuard pads to 16

        handler.onPacket(ALICE, padded, 0, padded.length, ctx);

        assertThat(ctx.sent).hasSize(1);
        Sent s = ctx.sent.getFirst();
        assertThat(s.to).isEqualTo(ALICE);
        byte[] reply = s.bytes;
        assertThat(reply).hasSize(req.length);
        assertThat(Packets.referenceChecksum(reply, 0, 20)).isZero();
        assertThat(Packets.referenceChecksum(reply, 20, reply.length - 20)).isZero();
        assertThat(Arrays.copyOfRange(reply, 12, 16)).containsExactly(198, 19, 0, 1);
        assertThat(Arrays.copyOfRange(reply, 16, 20)).containsExactly(198, 19, 0, 2);
        assertThat(reply[20]).isEqualTo((byte) 0); // echo reply
        assertThat(Arrays.copyOfRange(reply, 24, reply.length)).isEqualTo(Arrays.copyOfRange(req, 24, req.length));
        assertThat(handler.echoReplies()).isEqualTo(1);
    }

    @Test
    void answersIpv6PingToTheGatewayAddress() {
        byte[] req = Packets.icmpv6Echo("fd00::2", "fd00::1", 128, "v6".getBytes());
        handler.onPacket(ALICE, req, 0, req.length, ctx);

        assertThat(ctx.sent).hasSize(1);
        byte[] reply = ctx.sent.getFirst().bytes;
        assertThat(reply[40] & 0xff).isEqualTo(129);
        assertThat(Packets.icmpv6ReferenceChecksum(reply)).isZero();
    }

    @Test
    void forwardsToThePeerOwningTheDestinationAndDecrementsTtl() {
        byte[] pkt = Packets.icmpv4Echo("198.19.0.2", "198.19.8.9", 8, 1, 1, new byte[32]);
        int ttl = pkt[8] & 0xff;
        handler.onPacket(ALICE, pkt, 0, pkt.length, ctx);

        assertThat(ctx.sent).hasSize(1);
        assertThat(ctx.sent.getFirst().to).isEqualTo(BOB);
        byte[] out = ctx.sent.getFirst().bytes;
        assertThat(out[8] & 0xff).isEqualTo(ttl - 1);
        assertThat(Packets.referenceChecksum(out, 0, 20)).isZero();
        assertThat(handler.forwarded()).isEqualTo(1);
    }

    /**
     * Fragments between peers are forwarded by destination like any packet (the first carries the
     * UDP/ICMP header, the others only the IP header), as the kernel of a WireGuard hub does; the
     * source check still applies to each.
     */
    @Test
    void forwardsFragmentsBetweenPeersByDestination() {
        byte[] first = Packets.icmpv4Echo("198.19.0.2", "198.19.8.9", 8, 1, 1, new byte[64]);
        first[6] = 0x20; // MF, offset 0
        Packets.fixIpv4Checksum(first);
        byte[] middle = Packets.icmpv4Echo("198.19.0.2", "198.19.8.9", 8, 1, 1, new byte[64]);
        middle[6] = 0x20;
        middle[7] = 9; // MF, offset 72 bytes: the payload is no ICMP header
        Packets.fixIpv4Checksum(middle);
        byte[] last = Packets.icmpv4Echo("198.19.0.2", "198.19.8.9", 8, 1, 1, new byte[64]);
        last[7] = 18; // offset 144, last fragment
        Packets.fixIpv4Checksum(last);

        for (byte[] f : List.of(first, middle, last)) {
            handler.onPacket(ALICE, f, 0, f.length, ctx);
        }
        assertThat(ctx.sent).hasSize(3).allSatisfy(s -> {
            assertThat(s.to).isEqualTo(BOB);
            assertThat(Packets.referenceChecksum(s.bytes, 0, 20)).isZero();
        });
        assertThat(handler.drops(IpDropReason.FRAGMENT)).isZero();

        byte[] spoofed = middle.clone();
        spoofed[15] = 3; // Bob's address from Alice
        Packets.fixIpv4Checksum(spoofed);
        handler.onPacket(ALICE, spoofed, 0, spoofed.length, ctx);
        assertThat(handler.drops(IpDropReason.SOURCE_NOT_ALLOWED)).isEqualTo(1);
        assertThat(ctx.sent).hasSize(3);
    }

    @Test
    void dropsASpoofedSource() {
        byte[] pkt = Packets.icmpv4Echo("198.19.0.3", "198.19.0.1", 8, 1, 1, new byte[8]); // Bob's address from Alice
        handler.onPacket(ALICE, pkt, 0, pkt.length, ctx);
        assertThat(ctx.sent).isEmpty();
        assertThat(handler.drops(IpDropReason.SOURCE_NOT_ALLOWED)).isEqualTo(1);
    }

    @Test
    void dropsBadHeaderChecksumFragmentsAndTruncation() {
        byte[] bad = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 8, 1, 1, new byte[8]);
        bad[10] ^= 1;
        handler.onPacket(ALICE, bad, 0, bad.length, ctx);
        assertThat(handler.drops(IpDropReason.BAD_CHECKSUM)).isEqualTo(1);

        byte[] frag = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 8, 1, 1, new byte[8]);
        frag[6] = 0x20; // MF, addressed to the gateway: not reassembled
        Packets.fixIpv4Checksum(frag);
        handler.onPacket(ALICE, frag, 0, frag.length, ctx);
        assertThat(handler.drops(IpDropReason.FRAGMENT)).isEqualTo(1);

        byte[] good = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 8, 1, 1, new byte[8]);
        handler.onPacket(ALICE, good, 0, 19, ctx);
        handler.onPacket(ALICE, good, 0, good.length - 1, ctx);
        assertThat(handler.drops(IpDropReason.TOO_SHORT)).isEqualTo(1);
        assertThat(handler.drops(IpDropReason.BAD_LENGTH)).isEqualTo(1);

        byte[] v5 = good.clone();
        v5[0] = 0x55;
        handler.onPacket(ALICE, v5, 0, v5.length, ctx);
        assertThat(handler.drops(IpDropReason.BAD_VERSION)).isEqualTo(1);
        assertThat(ctx.sent).isEmpty();
    }

    @Test
    void dropsBadIcmpChecksumNonEchoAndUnroutable() {
        byte[] badIcmp = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 8, 1, 1, new byte[8]);
        badIcmp[25] ^= 1;
        handler.onPacket(ALICE, badIcmp, 0, badIcmp.length, ctx);
        assertThat(handler.drops(IpDropReason.BAD_CHECKSUM)).isEqualTo(1);

        byte[] reply = Packets.icmpv4Echo("198.19.0.2", "198.19.0.1", 0, 1, 1, new byte[8]);
        handler.onPacket(ALICE, reply, 0, reply.length, ctx);
        assertThat(handler.drops(IpDropReason.LOCAL_NOT_HANDLED)).isEqualTo(1);

        byte[] nowhere = Packets.icmpv4Echo("198.19.0.2", "198.18.200.1", 8, 1, 1, new byte[8]);
        handler.onPacket(ALICE, nowhere, 0, nowhere.length, ctx);
        assertThat(handler.drops(IpDropReason.NO_ROUTE)).isEqualTo(1);

        byte[] dying = Packets.icmpv4Echo("198.19.0.2", "198.19.8.1", 8, 1, 1, new byte[8]);
        dying[8] = 1;
        Packets.fixIpv4Checksum(dying);
        handler.onPacket(ALICE, dying, 0, dying.length, ctx);
        assertThat(handler.drops(IpDropReason.TTL_EXPIRED)).isEqualTo(1);
        assertThat(ctx.sent).isEmpty();
    }

    @Test
    void neverThrowsOnRandomBytes() {
        java.util.Random r = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(80)];
            r.nextBytes(b);
            if (b.length > 0 && r.nextBoolean()) {
                b[0] = (byte) ((r.nextBoolean() ? 0x45 : 0x60) | (b[0] & 0x0f & (r.nextBoolean() ? 0x0f : 0x05)));
            }
            handler.onPacket(ALICE, b, 0, b.length, ctx);
        }
        long total = 0;
        for (IpDropReason reason : IpDropReason.values()) {
            total += handler.drops(reason);
        }
        assertThat(total + handler.forwarded() + handler.echoReplies()).isEqualTo(20_000);
    }

    private static PublicKey key(int b) {
        byte[] k = new byte[32];
        k[0] = (byte) b;
        return PublicKey.of(k);
    }

    private record Sent(PublicKey to, byte[] bytes) {}

    /** A routing table like the engine's: longest prefix over AllowedIPs. */
    private static final class Routes implements HandlerContext {
        final Map<PublicKey, List<IpPrefix>> allowed = new LinkedHashMap<>();
        List<InetAddress> own = List.of();
        final List<Sent> sent = new ArrayList<>();

        @Override
        public boolean send(PublicKey peer, byte[] buffer, int offset, int length) {
            sent.add(new Sent(peer, Arrays.copyOfRange(buffer, offset, offset + length)));
            return true;
        }

        @Override
        public PublicKey peerForAddress(byte[] a, int off, int fam) {
            PublicKey best = null;
            int bestLen = -1;
            for (var e : allowed.entrySet()) {
                for (IpPrefix p : e.getValue()) {
                    if (p.length() > bestLen && p.contains(a, off, fam)) {
                        best = e.getKey();
                        bestLen = p.length();
                    }
                }
            }
            return best;
        }

        @Override
        public boolean isAllowedSource(PublicKey peer, byte[] a, int off, int fam) {
            return allowed.getOrDefault(peer, List.of()).stream().anyMatch(p -> p.contains(a, off, fam));
        }

        @Override
        public List<InetAddress> interfaceAddresses() {
            return own;
        }
    }
}

package io.postern.gateway.ip;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.testkit.SeedMutations;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the IP/ICMP parsing of the ip handler: any decrypted payload from a peer is answered,
 * forwarded or dropped with a reason — never an exception — and whatever it sends goes to a known
 * peer as a well-formed IP packet of a sane length.
 */
class IpPacketHandlerFuzzTest {
    private static final long CI_EXECUTIONS = 100_000;
    private static final PublicKey ALICE = key(1);
    private static final PublicKey BOB = key(2);

    @FuzzTest(maxDuration = "10s")
    void onPacket(byte[] data) {
        check(data);
    }

    @Test
    void boundedRandomExecutionsFromTheSeeds() {
        long ran = SeedMutations.run(SeedMutations.seeds(IpPacketHandlerFuzzTest.class, "onPacket"), CI_EXECUTIONS,
                0x1c_4d_9L, IpPacketHandlerFuzzTest::check);
        System.out.println("IpPacketHandlerFuzzTest: " + ran + " executions");
        assertThat(ran).isGreaterThan(CI_EXECUTIONS);
    }

    static void check(byte[] data) {
        IpPacketHandler handler = new IpPacketHandler();
        Recording ctx = new Recording();
        handler.onPacket(ALICE, data, 0, data.length, ctx);
        for (Recording.Sent s : ctx.sent) {
            assertThat(s.to()).isIn(ALICE, BOB);
            assertThat(s.bytes().length).isPositive().isLessThanOrEqualTo(Math.max(data.length, 1280) + 64);
            int version = (s.bytes()[0] & 0xff) >>> 4;
            assertThat(version).isIn(4, 6);
        }
        long outcomes = handler.echoReplies() + handler.forwarded();
        for (IpDropReason r : IpDropReason.values()) {
            outcomes += handler.drops(r);
        }
        assertThat(outcomes).as("each packet has exactly one outcome").isEqualTo(1);
    }

    private static PublicKey key(int b) {
        byte[] k = new byte[32];
        k[0] = (byte) b;
        return PublicKey.of(k);
    }

    /** Two peers with routes, the gateway's own addresses, and a record of what is sent. */
    private static final class Recording implements HandlerContext {
        record Sent(PublicKey to, byte[] bytes) {}

        private static final Map<PublicKey, List<IpPrefix>> ALLOWED = Map.of(
                ALICE, List.of(IpPrefix.parse("198.19.0.2/32"), IpPrefix.parse("fd00::2/128")),
                BOB, List.of(IpPrefix.parse("198.19.0.3/32"), IpPrefix.parse("198.19.8.0/24"),
                        IpPrefix.parse("fd00::3/128")));
        private static final List<InetAddress> OWN;

        static {
            try {
                OWN = List.of(InetAddress.getByName("198.19.0.1"), InetAddress.getByName("fd00::1"));
            } catch (UnknownHostException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final List<Sent> sent = new ArrayList<>();

        @Override
        public boolean send(PublicKey peer, byte[] buffer, int offset, int length) {
            sent.add(new Sent(peer, java.util.Arrays.copyOfRange(buffer, offset, offset + length)));
            return true;
        }

        @Override
        public PublicKey peerForAddress(byte[] a, int off, int len) {
            PublicKey best = null;
            int bestLen = -1;
            for (var e : ALLOWED.entrySet()) {
                for (IpPrefix p : e.getValue()) {
                    if (p.length() > bestLen && p.contains(a, off, len)) {
                        best = e.getKey();
                        bestLen = p.length();
                    }
                }
            }
            return best;
        }

        @Override
        public boolean isAllowedSource(PublicKey peer, byte[] a, int off, int len) {
            return ALLOWED.getOrDefault(peer, List.of()).stream().anyMatch(p -> p.contains(a, off, len));
        }

        @Override
        public List<InetAddress> interfaceAddresses() {
            return OWN;
        }
    }
}

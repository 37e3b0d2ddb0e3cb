package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.PolicyDecision;
import io.postern.spi.Transport;
import io.postern.testkit.Allocations;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The engine's part of a gateway's data path allocates nothing per packet with the Bouncy Castle
 * provider, in both directions a TUN gateway drives: interface → peer ({@link SessionEngine#peerForAddress},
 * longest prefix over AllowedIPs, then {@link SessionEngine#send}: seal and transmit) and peer →
 * interface ({@link SessionEngine#onDatagram}: open, replay window, then the handler's source check
 * {@link SessionEngine#isAllowedSource}). Bytes are counted on the calling thread
 * ({@link Allocations}), so the figure does not depend on time or load. Several prefixes of both
 * families sit in the table, so a lookup walks more than one route.
 */
class DataPathAllocationTest {
    private static final int WARM_UP = 2_000;
    private static final int ROUNDS = 5;
    private static final int PACKETS = 5_000;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A transport that keeps only the last datagram, in one reused array. */
    static final class LastDatagram implements Transport {
        final Endpoint local;
        final byte[] last = new byte[2048];
        int length;
        long sent;

        LastDatagram(int port) {
            local = Endpoint.of(LOOPBACK, port);
        }

        @Override
        public Endpoint localEndpoint() {
            return local;
        }

        @Override
        public void start(DatagramReceiver receiver) {}

        @Override
        public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
            System.arraycopy(buffer, offset, last, 0, length);
            this.length = length;
            sent++;
            return true;
        }

        /** Hands the last datagram to {@code to} as if it came from this transport's endpoint. */
        void deliverTo(SessionEngine to) {
            to.onDatagram(local, last, 0, length);
        }

        @Override
        public void close() {}
    }

    /** What the tun handler does with a packet from a peer, minus the write: the source check. */
    static final class SourceChecking implements PacketHandler {
        long allowed;
        long refused;

        @Override
        public String name() {
            return "source-check";
        }

        @Override
        public String description() {
            return "counts packets whose IPv4 source the sender may use";
        }

        @Override
        public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
            if (context.isAllowedSource(peer, buffer, offset + 12, 4)) {
                allowed++;
            } else {
                refused++;
            }
        }
    }

    private static SessionEngine engine(PacketHandler handler) {
        AtomicLong ticker = new AtomicLong(7_000_000_000L); // protocol time stands still: keys never age
        return new SessionEngine(EngineHarness.newKeys(), new EngineServices(RealCrypto.provider(), RealCrypto.handshakes(),
                new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION), OnPolicyFault.KEEP_BOTH,
                TestAdmission.ALLOWLIST, handler), new MutableClock(EngineHarness.T0), ticker::get,
                EngineHarness.DETERMINISTIC);
    }

    /** An IPv4 header (no options) from {@code src} to {@code dst} and {@code size - 20} bytes of payload. */
    private static byte[] ipv4(String src, String dst, int size) throws Exception {
        byte[] p = new byte[size];
        p[0] = 0x45;
        p[2] = (byte) (size >>> 8);
        p[3] = (byte) size;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(InetAddress.getByName(src).getAddress(), 0, p, 12, 4);
        System.arraycopy(InetAddress.getByName(dst).getAddress(), 0, p, 16, 4);
        return p;
    }

    @Test
    void lookingUpSealingOpeningAndCheckingSourcesAllocateNothingPerPacket() throws Exception {
        SourceChecking gatewayHandler = new SourceChecking();
        SessionEngine gateway = engine(gatewayHandler);
        SessionEngine client = engine(new SourceChecking());
        LastDatagram gatewayWire = new LastDatagram(51820);
        LastDatagram clientWire = new LastDatagram(40000);
        try (gateway; client) {
            PublicKey clientKey = client.publicKey();
            gateway.addOrUpdatePeer(new PeerConfig(clientKey, PresharedKey.NONE, List.of(IpPrefix.parse("198.19.0.2/32"),
                    IpPrefix.parse("fd00::2/128")), null, Duration.ZERO));
            // other peers' prefixes: the lookup passes them (longer ones first) before the client's
            for (String prefix : List.of("198.19.0.128/25", "198.19.0.64/26", "198.18.0.0/16", "fd00::/64")) {
                gateway.addOrUpdatePeer(new PeerConfig(EngineHarness.newKeys().publicKey(), PresharedKey.NONE,
                        List.of(IpPrefix.parse(prefix)), null, Duration.ZERO));
            }
            client.addOrUpdatePeer(new PeerConfig(gateway.publicKey(), PresharedKey.NONE,
                    List.of(IpPrefix.parse("0.0.0.0/0")), gatewayWire.local, Duration.ZERO));
            gateway.start(gatewayWire);
            client.start(clientWire);

            byte[] fromClient = ipv4("198.19.0.2", "198.18.6.2", 1200);
            byte[] toClient = ipv4("198.18.6.2", "198.19.0.2", 1200);
            assertThat(client.send(gateway.publicKey(), fromClient, 0, fromClient.length)).isTrue(); // staged: initiation
            clientWire.deliverTo(gateway);   // initiation → response
            gatewayWire.deliverTo(client);   // response → the staged packet
            clientWire.deliverTo(gateway);   // the packet confirms the session
            assertThat(gateway.counters().sessionsConfirmed()).as("a confirmed session").isEqualTo(1);
            assertThat(gatewayHandler.allowed).isEqualTo(1);

            long[] calls = new long[2]; // rounds continue while the JIT has not yet compiled the path
            double outbound = Allocations.bytesPerCall(() -> {
                calls[0]++;
                PublicKey peer = gateway.peerForAddress(toClient, 16, 4);
                gateway.send(peer, toClient, 0, toClient.length);
            }, WARM_UP, ROUNDS, PACKETS);
            double inbound = Allocations.bytesPerCall(() -> {
                calls[1]++;
                client.send(gateway.publicKey(), fromClient, 0, fromClient.length);
                clientWire.deliverTo(gateway);
            }, WARM_UP, ROUNDS, PACKETS);
            System.out.printf("engine data path, bouncycastle: %.3f B/packet interface -> peer, %.3f B/packet "
                    + "peer -> interface (least of %d rounds of %d)%n", outbound, inbound, ROUNDS, PACKETS);

            assertThat(Math.min(calls[0], calls[1])).isGreaterThanOrEqualTo(WARM_UP + (long) ROUNDS * PACKETS);
            assertThat(gatewayWire.sent).as("packets the gateway sealed and sent").isEqualTo(1 + calls[0]);
            assertThat(gatewayHandler.allowed).as("packets that passed the source check").isEqualTo(1 + calls[1]);
            assertThat(gatewayHandler.refused).isZero();
            // one object per packet would be >= 16 B/packet
            assertThat(outbound).as("bytes allocated per packet, interface -> peer").isLessThan(1.0);
            assertThat(inbound).as("bytes allocated per packet, peer -> interface (both engines)").isLessThan(1.0);
        }
    }
}

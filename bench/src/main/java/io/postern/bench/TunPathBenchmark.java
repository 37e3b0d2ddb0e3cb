package io.postern.bench;

import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What a TUN gateway does per packet outside the TUN handler, through the real engines and the real
 * {@code udp} transport on loopback (sticky sockets: both engines bind {@code 0.0.0.0}, as the gateway
 * binds its wildcard), one confirmed session between a gateway and a peer:
 *
 * <ul>
 *   <li>{@code toPeer}: a 1,200-byte IPv4 packet read from the interface — longest-prefix lookup of
 *       its destination in AllowedIPs ({@link SessionEngine#peerForAddress}), seal, {@code sendmsg};
 *       the peer's receive thread opens it and checks its source.</li>
 *   <li>{@code fromPeer}: the peer seals and sends a packet; the gateway's receive thread opens it and
 *       checks its source (what the tun handler does before its {@code write}).</li>
 * </ul>
 * Run with {@code -prof gc}: {@code gc.alloc.rate.norm} counts every thread (the receiving side too),
 * per packet sent. Packets the receiver cannot keep up with are dropped by the kernel, not queued.
 * The handler's own read/write of the TUN device is measured by {@code TunLoopbackTest} (handler-tun).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TunPathBenchmark {
    private static final int SIZE = 1200;

    @Param({"bouncycastle", "fastest"})
    public String provider;

    private SessionEngine gateway;
    private SessionEngine peer;
    private PublicKey gatewayKey;
    private final SourceCheck atGateway = new SourceCheck();
    private final SourceCheck atPeer = new SourceCheck();
    private final byte[] toPeer = ipv4(new byte[] {(byte) 198, 18, 6, 2}, new byte[] {(byte) 198, 19, 0, 2});
    private final byte[] fromPeer = ipv4(new byte[] {(byte) 198, 19, 0, 2}, new byte[] {(byte) 198, 18, 6, 2});

    /** The tun handler's check of a received packet, without the write: its source must be the sender's. */
    static final class SourceCheck implements PacketHandler {
        final LongAdder allowed = new LongAdder();
        final LongAdder refused = new LongAdder();

        @Override
        public String name() {
            return "source-check";
        }

        @Override
        public String description() {
            return "counts packets whose IPv4 source the sending peer may use";
        }

        @Override
        public void onPacket(PublicKey from, byte[] buffer, int offset, int length, HandlerContext context) {
            (context.isAllowedSource(from, buffer, offset + 12, 4) ? allowed : refused).increment();
        }
    }

    private static byte[] ipv4(byte[] src, byte[] dst) {
        byte[] p = new byte[SIZE];
        p[0] = 0x45;
        p[2] = (byte) (SIZE >>> 8);
        p[3] = (byte) SIZE;
        p[8] = 64;
        p[9] = 17;
        System.arraycopy(src, 0, p, 12, 4);
        System.arraycopy(dst, 0, p, 16, 4);
        return p;
    }

    private static Transport wildcard() throws IOException {
        return Engines.byName(TransportProvider.class, TransportProvider::name, "udp")
                .bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        gateway = Engines.create(provider, "open", atGateway);
        peer = Engines.create(provider, "allowlist", atPeer);
        gatewayKey = gateway.publicKey();
        Transport gatewayUdp = wildcard();
        Transport peerUdp = wildcard();
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        gateway.addOrUpdatePeer(new PeerConfig(peer.publicKey(), PresharedKey.NONE,
                List.of(IpPrefix.parse("198.19.0.2/32")), null, Duration.ZERO));
        peer.addOrUpdatePeer(new PeerConfig(gatewayKey, PresharedKey.NONE, List.of(IpPrefix.parse("0.0.0.0/0")),
                Endpoint.of(loopback, gatewayUdp.localEndpoint().port()), Duration.ZERO));
        gateway.start(gatewayUdp);
        peer.start(peerUdp);
        peer.send(gatewayKey, fromPeer, 0, SIZE); // staged; the handshake and this packet confirm the session
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (gateway.counters().sessionsConfirmed() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (gateway.counters().sessionsConfirmed() != 1) {
            throw new IllegalStateException("no session within 10 s: " + gateway.counters());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
        peer.close();
        if (atGateway.refused.sum() + atPeer.refused.sum() > 0 || atGateway.allowed.sum() < 1) {
            throw new IllegalStateException("source checks: gateway " + atGateway.allowed + " allowed, "
                    + atGateway.refused + " refused; peer " + atPeer.allowed + " allowed, " + atPeer.refused + " refused");
        }
    }

    @Benchmark
    public boolean toPeer() {
        PublicKey to = gateway.peerForAddress(toPeer, 16, 4);
        return gateway.send(to, toPeer, 0, SIZE);
    }

    @Benchmark
    public boolean fromPeer() {
        return peer.send(gatewayKey, fromPeer, 0, SIZE);
    }
}

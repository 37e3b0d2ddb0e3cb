package io.postern.bench;

import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.wire.DataMessage;
import java.util.concurrent.TimeUnit;
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
 * The gateway's data path through the real {@link SessionEngine}, without sockets: a peer engine and
 * a gateway engine joined by a {@link MemoryNetwork}, one confirmed session between them.
 *
 * <ul>
 *   <li>{@code echo}: the peer seals a 1200-byte payload (captured), the gateway receives it —
 *       parse, receiver-index lookup, age/counter checks, open, replay window, handler — and the
 *       {@code echo} handler seals it back and sends it (captured). Three AEAD passes per operation:
 *       compare with {@code ChaCha20Poly1305Benchmark.sealOpen} (two passes) at 1200 bytes.</li>
 *   <li>{@code receive}: the same with a handler that only counts (two AEAD passes).</li>
 *   <li>{@code unknownIndex}: a transport packet naming a receiver index nobody holds: parse, lookup
 *       miss, drop counter — the cost of junk at the front door.</li>
 * </ul>
 * Run with {@code -prof gc} for the allocation per operation of the whole path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataPathBenchmark {
    private static final int SIZE = 1200;

    @Param({"bouncycastle", "jca", "fastest"})
    public String provider;

    private SessionEngine gateway;
    private SessionEngine peer;
    private MemoryNetwork.Port gatewayPort;
    private MemoryNetwork.Port peerPort;
    private PublicKey gatewayKey;
    private Endpoint peerEndpoint;
    private final byte[] payload = new byte[SIZE];
    private final byte[] junk = new byte[DataMessage.HEADER_SIZE + SIZE + 16];
    private final CountingHandler counting = new CountingHandler();
    private boolean echo;

    /** A handler that only counts packets. */
    static final class CountingHandler implements PacketHandler {
        long packets;

        @Override
        public String name() {
            return "count";
        }

        @Override
        public String description() {
            return "counts packets";
        }

        @Override
        public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
            packets++;
        }
    }

    @Setup(Level.Trial)
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
        echo = !params.getBenchmark().endsWith("receive");
        MemoryNetwork net = new MemoryNetwork();
        gatewayPort = net.open();
        peerPort = net.open();
        gateway = Engines.create(provider, "open", echo ? Engines.handler("echo") : counting);
        peer = Engines.create(provider, "allowlist", new CountingHandler());
        gatewayKey = gateway.publicKey();
        peerEndpoint = peerPort.localEndpoint();
        peer.addOrUpdatePeer(PeerConfig.of(gatewayKey, gatewayPort.localEndpoint()));
        gateway.start(gatewayPort);
        peer.start(peerPort);
        peer.send(gatewayKey, payload, 0, SIZE);
        net.pump(); // initiation, response, payload (confirmation), echo
        if (gateway.counters().sessionsConfirmed() != 1) {
            throw new IllegalStateException("no session: " + gateway.counters());
        }
        gatewayPort.capture(true);
        peerPort.capture(true);
        DataMessage.writeHeader(junk, 0, 0x5eed5eed, 1);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        long received = gateway.counters().packetsReceived();
        gateway.close();
        peer.close();
        if (received < 2) {
            throw new IllegalStateException("the gateway received nothing");
        }
    }

    @Benchmark
    public int echo() {
        return roundTrip();
    }

    @Benchmark
    public int receive() {
        return roundTrip();
    }

    private int roundTrip() {
        peer.send(gatewayKey, payload, 0, SIZE);
        gateway.onDatagram(peerEndpoint, peerPort.last(), 0, peerPort.lastLength());
        return gatewayPort.lastLength();
    }

    @Benchmark
    public long unknownIndex() {
        gateway.onDatagram(peerEndpoint, junk, 0, junk.length);
        return gatewayPort.sent();
    }
}

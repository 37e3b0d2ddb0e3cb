package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.postern.engine.EngineCounters;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionEngine;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.gateway.PosternNode;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.MessageType;
import io.postern.wire.DataMessage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An attacker who can send from a live peer's exact IP:port — garbage, truncated messages, the
 * peer's own packets replayed, initiations with a bad mac1, and complete valid initiations from
 * another admitted key that never completes — must not change or tear down that peer's session.
 * Every such packet is dropped and counted under its reason, and nothing else happens.
 *
 * <p>Same source IP:port without fighting the kernel over one port: peer A reaches the gateway
 * through a {@link UdpRelay} (a NAT stand-in), so the gateway sees A at the relay's back socket,
 * and the test injects through that very socket. The relay also captures A's real packets to replay.
 */
class SpoofResistanceIT {
    private static final long SEED = 0x5eed_0f_5b00fL;
    private static final int BATCH = 100;
    private static final Duration SETUP_BOUND = Duration.ofSeconds(5);
    private static final Duration BATCH_BOUND = Duration.ofSeconds(10);
    private static final Duration ECHO_BOUND = Duration.ofSeconds(2);
    /** Where an initiation replayed, flooded or shed under load may be counted. */
    private static final List<DropReason> HANDSHAKE_SHEDDING = List.of(DropReason.INITIATION_REPLAYED,
            DropReason.INITIATION_FLOOD, DropReason.MAC2_REQUIRED, DropReason.RATE_LIMITED, DropReason.CAPACITY);

    private final SplittableRandom random = new SplittableRandom(SEED);
    private Nodes nodes;
    private EventRecorder gatewayEvents;
    private TestPeer peerA;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
        gatewayEvents = new EventRecorder();
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void tenThousandUnauthenticatedPacketsFromThePeersOwnEndpointChangeNothing() {
        PosternNode gateway = nodes.start(Nodes.gatewayConfig(Nodes.freshKey(), "reset-on-identity-change")
                .listener(gatewayEvents).build());
        SessionEngine engine = gateway.engine();
        UdpRelay relay = nodes.closeLater(new UdpRelay(Nodes.loopbackEndpointOf(gateway)));
        TestPeer a = nodes.peer(gateway.publicKey(), relay.front(), 0);
        peerA = a;
        a.connectAndEcho(TestPeer.uniquePayload("A before"), SETUP_BOUND);
        a.echo(TestPeer.uniquePayload("A before, again"), SETUP_BOUND);

        assertThat(engine.peerAt(relay.back())).contains(a.key());
        PeerStatus before = engine.peer(a.key()).orElseThrow();
        assertThat(before.state()).isEqualTo(SessionState.ESTABLISHED);
        List<byte[]> captured = relay.capturedFromPeer();
        List<byte[]> transports = captured.stream().filter(d -> type(d) == MessageType.TRANSPORT_DATA).toList();
        byte[] initiation = captured.stream().filter(d -> type(d) == MessageType.HANDSHAKE_INITIATION)
                .findFirst().orElseThrow();
        assertThat(transports).as("A's captured transport packets").isNotEmpty();
        byte[] aReceiverIndex = java.util.Arrays.copyOfRange(transports.getFirst(), 4, 8);
        EngineCounters start = engine.counters();

        int sent = 0;
        sent += send(relay, engine, DropReason.WIRE_UNKNOWN_TYPE, 1_500, i -> {
            byte[] d = bytes(32 + random.nextInt(100));
            d[0] = (byte) (5 + random.nextInt(251));
            return d;
        });
        sent += send(relay, engine, DropReason.WIRE_TOO_SHORT, 500, i -> bytes(1 + random.nextInt(3)));
        sent += send(relay, engine, DropReason.WIRE_NONZERO_RESERVED, 500, i -> {
            byte[] d = bytes(64);
            d[0] = 4;
            d[1 + random.nextInt(3)] = (byte) (1 + random.nextInt(255));
            return d;
        });
        sent += send(relay, engine, DropReason.WIRE_WRONG_LENGTH, 1_000, i -> {
            byte[] d = bytes(i % 2 == 0 ? 100 : 147); // truncated initiations
            header(d, MessageType.HANDSHAKE_INITIATION);
            return d;
        });
        sent += send(relay, engine, DropReason.WIRE_TRANSPORT_TOO_SHORT, 500, i -> {
            byte[] d = bytes(4 + random.nextInt(DataMessage.MIN_SIZE - 4));
            header(d, MessageType.TRANSPORT_DATA);
            return d;
        });
        sent += send(relay, engine, DropReason.MAC1_INVALID, 1_500, i -> {
            byte[] d = bytes(HandshakeInitiation.SIZE);
            header(d, MessageType.HANDSHAKE_INITIATION);
            return d;
        });
        sent += send(relay, engine, DropReason.UNKNOWN_RECEIVER_INDEX, 1_000, i -> {
            byte[] d = bytes(DataMessage.MIN_SIZE + 16);
            header(d, MessageType.TRANSPORT_DATA);
            if (java.util.Arrays.equals(d, 4, 8, aReceiverIndex, 0, 4)) {
                d[4] ^= 1;
            }
            return d;
        });
        sent += send(relay, engine, DropReason.DECRYPT_FAILED, 1_000, i -> {
            byte[] d = bytes(DataMessage.MIN_SIZE + 16);
            header(d, MessageType.TRANSPORT_DATA);
            System.arraycopy(aReceiverIndex, 0, d, 4, 4);
            long counter = 1_000_000L + i; // ahead of the replay window: only authentication can reject it
            for (int b = 0; b < 8; b++) {
                d[8 + b] = (byte) (counter >>> (8 * b));
            }
            return d;
        });
        sent += send(relay, engine, DropReason.REPLAYED, 1_500, i -> transports.get(i % transports.size()).clone());
        sent += sendShed(relay, engine, 1_000, initiation);
        assertThat(sent).isEqualTo(10_000);

        // complete, valid initiations from another admitted key, at A's endpoint; their responses go to A
        TestPeer b = nodes.peer(gateway.publicKey(), relay.attackerFront(), 0);
        for (int i = 0; i < 20; i++) {
            b.connect();
        }
        await("B's initiations forwarded").atMost(BATCH_BOUND).until(() -> relay.forwardedFromAttacker() > 0);
        b.node.close();
        long fromB = relay.forwardedFromAttacker();
        await("B's initiations answered or dropped").atMost(BATCH_BOUND).untilAsserted(() -> {
            EngineCounters now = engine.counters();
            assertThat(handshakesAccounted(start, now)).as("%d initiations from B; counters %s; peers %s", fromB, now,
                    engine.peers())
                    .isEqualTo(1_000 + fromB);
        });

        a.echo(TestPeer.uniquePayload("A after the storm"), ECHO_BOUND);

        PeerStatus after = engine.peer(a.key()).orElseThrow();
        assertThat(after.state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(after.lastHandshake()).as("A's keypair is the one it had").isEqualTo(before.lastHandshake());
        assertThat(engine.peerAt(relay.back())).contains(a.key());
        assertThat(gatewayEvents.of(GatewayEvent.SessionEvicted.class)).isEmpty();
        EngineCounters end = engine.counters();
        assertThat(end.staleSessionsEvicted()).isZero();
        assertThat(delta(start, end, c -> c.drops(DropReason.INITIATION_REPLAYED))).isPositive();
        Map<DropReason, Long> exact = new EnumMap<>(DropReason.class);
        exact.put(DropReason.WIRE_UNKNOWN_TYPE, 1_500L);
        exact.put(DropReason.WIRE_TOO_SHORT, 500L);
        exact.put(DropReason.WIRE_NONZERO_RESERVED, 500L);
        exact.put(DropReason.WIRE_WRONG_LENGTH, 1_000L);
        exact.put(DropReason.WIRE_TRANSPORT_TOO_SHORT, 500L);
        exact.put(DropReason.MAC1_INVALID, 1_500L);
        exact.put(DropReason.UNKNOWN_RECEIVER_INDEX, 1_000L);
        exact.put(DropReason.DECRYPT_FAILED, 1_000L);
        exact.put(DropReason.REPLAYED, 1_500L);
        exact.forEach((reason, count) ->
                assertThat(delta(start, end, c -> c.drops(reason))).as("drops for %s", reason).isEqualTo(count));
    }

    /**
     * Injects {@code count} datagrams from A's endpoint in batches, waiting after each batch until
     * the gateway has counted them under {@code reason} (so no socket buffer overflows unseen).
     */
    private int send(UdpRelay relay, SessionEngine engine, DropReason reason, int count, IntFunction<byte[]> make) {
        try {
            return inject(relay, engine, reason, count, make);
        } finally {
            peerA.echo(TestPeer.uniquePayload("A after " + reason), ECHO_BOUND);
        }
    }

    private int inject(UdpRelay relay, SessionEngine engine, DropReason reason, int count,
                       IntFunction<byte[]> make) {
        long base = engine.counters().drops(reason);
        for (int i = 0; i < count; i++) {
            relay.inject(make.apply(i));
            if ((i + 1) % BATCH == 0 || i + 1 == count) {
                long expected = base + i + 1;
                await(count + " × " + reason).atMost(BATCH_BOUND)
                        .until(() -> engine.counters().drops(reason) >= expected);
            }
        }
        assertThat(engine.counters().drops(reason) - base).as("drops for %s", reason).isEqualTo(count);
        return count;
    }

    /** Replays A's captured initiation {@code count} times; it may be counted as replayed or shed. */
    private int sendShed(UdpRelay relay, SessionEngine engine, int count, byte[] initiation) {
        EngineCounters base = engine.counters();
        for (int i = 0; i < count; i++) {
            relay.inject(initiation.clone());
            if ((i + 1) % BATCH == 0 || i + 1 == count) {
                long expected = i + 1;
                await(count + " replayed initiations").atMost(BATCH_BOUND)
                        .until(() -> handshakesAccounted(base, engine.counters()) >= expected);
            }
        }
        peerA.echo(TestPeer.uniquePayload("A after replayed initiations"), ECHO_BOUND);
        return count;
    }

    /** @return initiations completed plus initiations dropped as replayed, flooding or shed, since {@code from} */
    private static long handshakesAccounted(EngineCounters from, EngineCounters to) {
        long n = delta(from, to, EngineCounters::handshakesCompleted);
        for (DropReason r : HANDSHAKE_SHEDDING) {
            n += delta(from, to, c -> c.drops(r));
        }
        return n;
    }

    private static long delta(EngineCounters from, EngineCounters to, ToLongFunction<EngineCounters> f) {
        return f.applyAsLong(to) - f.applyAsLong(from);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static void header(byte[] d, MessageType type) {
        d[0] = (byte) type.code();
        if (d.length > 1) {
            d[1] = 0;
        }
        if (d.length > 2) {
            d[2] = 0;
        }
        if (d.length > 3) {
            d[3] = 0;
        }
    }

    private static MessageType type(byte[] datagram) {
        return datagram.length < 4 ? null : MessageType.ofCode(datagram[0] & 0xff);
    }
}

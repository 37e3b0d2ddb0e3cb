package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.engine.EngineCounters;
import io.postern.engine.SessionEngine;
import io.postern.event.DropReason;
import io.postern.gateway.PosternNode;
import io.postern.net.Endpoint;
import io.postern.spi.GatewayEvent;
import io.postern.wire.HandshakeInitiation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, proof 1: with 1,000 live sessions, an attacker who sends from each victim's exact
 * IP:port — garbage, truncated and oversized datagrams, forged and replayed transport packets,
 * replayed initiations, valid initiations from fresh admitted keys whose responses it never reads,
 * forged cookie replies and responses — up to 1,000 datagrams per victim, loses no session and
 * resets none: every victim still echoes, nothing is evicted, and every drop counter matches what
 * was sent.
 *
 * <p>The victims are {@link SharedLoopPeers} (engines sharing two threads), the gateway a real
 * {@link PosternNode}. The attack is sent in batches and each batch waits until the gateway has
 * counted it, so no datagram is lost unseen in a socket buffer; the attack phase is bounded in time
 * and the number actually sent is what the counters are checked against (and printed).
 */
class SpoofedSameAddressAttackIT {
    private static final int VICTIMS = 1_000;
    private static final int WAVE = 100;
    /** Datagrams in flight at once: well within a default loopback socket buffer, whatever their sizes. */
    private static final int BATCH = 48;
    private static final Duration ATTACK_BOUND = Duration.ofSeconds(150);
    private static final Duration COUNT_BOUND = Duration.ofSeconds(20);
    private static final Duration ECHO_BOUND = Duration.ofSeconds(30);
    /** Where an initiation (replayed, or from a fresh key) may end up: answered, or shed. */
    private static final List<DropReason> HANDSHAKE_OUTCOMES = List.of(DropReason.INITIATION_REPLAYED,
            DropReason.INITIATION_FLOOD, DropReason.MAC2_REQUIRED, DropReason.RATE_LIMITED, DropReason.CAPACITY);

    /** What the attacker sends each victim, and the reason each must be counted under. */
    private enum Kind {
        GARBAGE(147, DropReason.WIRE_UNKNOWN_TYPE),
        TOO_SHORT(50, DropReason.WIRE_TOO_SHORT),
        RESERVED_SET(50, DropReason.WIRE_NONZERO_RESERVED),
        TRUNCATED_INITIATION(50, DropReason.WIRE_WRONG_LENGTH),
        OVERSIZED_INITIATION(50, DropReason.WIRE_WRONG_LENGTH),
        TRUNCATED_TRANSPORT(50, DropReason.WIRE_TRANSPORT_TOO_SHORT),
        BAD_MAC1_INITIATION(100, DropReason.MAC1_INVALID),
        FORGED_RESPONSE(50, DropReason.MAC1_INVALID),
        UNKNOWN_INDEX_TRANSPORT(100, DropReason.UNKNOWN_RECEIVER_INDEX),
        FORGED_TRANSPORT(100, DropReason.DECRYPT_FAILED),
        OVERSIZED_TRANSPORT(100, DropReason.DECRYPT_FAILED),
        REPLAYED_TRANSPORT(100, DropReason.REPLAYED),
        FORGED_COOKIE_REPLY(50, DropReason.UNKNOWN_HANDSHAKE_INDEX),
        REPLAYED_INITIATION(2, null),
        FRESH_KEY_INITIATION(1, null);

        final int perVictim;
        final DropReason reason;

        Kind(int perVictim, DropReason reason) {
            this.perVictim = perVictim;
            this.reason = reason;
        }
    }

    private final SplittableRandom random = new SplittableRandom(0xa77ac4L);
    private Nodes nodes;
    private EventRecorder events;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
        events = new EventRecorder();
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void aMillionSpoofedDatagramsFromTheVictimsOwnAddressesLoseNoSession() {
        PosternNode gateway = nodes.start(Nodes.gatewayConfig(Nodes.freshKey(), "reset-on-identity-change")
                .listener(events).build());
        SessionEngine engine = gateway.engine();
        SharedLoopPeers peers = nodes.closeLater(new SharedLoopPeers(gateway.publicKey(),
                Nodes.loopbackEndpointOf(gateway), VICTIMS));
        List<SharedLoopPeers.Peer> victims = peers.all();
        for (int from = 0; from < VICTIMS; from += WAVE) {
            List<SharedLoopPeers.Peer> wave = victims.subList(from, Math.min(VICTIMS, from + WAVE));
            wave.forEach(p -> p.engine.initiateHandshake(peers.gatewayKey()));
            peers.echoAll(wave, "connect", ECHO_BOUND);
        }
        assertThat(engine.peers()).hasSize(VICTIMS);
        Map<Endpoint, Object> handshakeBefore = new java.util.HashMap<>();
        victims.forEach(v -> handshakeBefore.put(v.endpoint, engine.peer(v.engine.publicKey()).orElseThrow()
                .lastHandshake()));
        List<byte[]> fresh = new ArrayList<>();
        for (int i = 0; i < VICTIMS; i++) {
            fresh.add(peers.freshInitiation());
        }

        EngineCounters start = engine.counters();
        System.out.println("SpoofedSameAddressAttackIT: gateway counters before the attack " + start);
        Map<Kind, Long> sent = new EnumMap<>(Kind.class);
        long deadline = System.nanoTime() + ATTACK_BOUND.toNanos();
        long total = 0;
        long startNanos = System.nanoTime();
        List<byte[]> batch = new ArrayList<>();
        List<SharedLoopPeers.Peer> batchFrom = new ArrayList<>();
        int attacked = 0;
        for (SharedLoopPeers.Peer v : victims) {
            if (System.nanoTime() > deadline) {
                break;
            }
            attacked++;
            for (Kind k : Kind.values()) {
                for (int i = 0; i < k.perVictim; i++) {
                    batch.add(make(k, v, fresh.get(attacked - 1), i));
                    batchFrom.add(v);
                    sent.merge(k, 1L, Long::sum);
                    if (batch.size() >= BATCH) {
                        total += flush(peers, engine, start, batch, batchFrom, total);
                    }
                }
            }
        }
        total += flush(peers, engine, start, batch, batchFrom, total);
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("SpoofedSameAddressAttackIT: %d datagrams to %d victims in %.1f s (%.0f/s)%n", total,
                attacked, seconds, total / seconds);

        peers.echoAll(victims, "after the attack", ECHO_BOUND);

        EngineCounters end = engine.counters();
        System.out.println("SpoofedSameAddressAttackIT: gateway counters " + end);
        Map<DropReason, Long> expected = new EnumMap<>(DropReason.class);
        sent.forEach((k, n) -> {
            if (k.reason != null) {
                expected.merge(k.reason, n, Long::sum);
            }
        });
        expected.forEach((reason, n) -> assertThat(end.drops(reason) - start.drops(reason))
                .as("drops for %s", reason).isEqualTo(n));
        long handshakesSent = sent.getOrDefault(Kind.REPLAYED_INITIATION, 0L)
                + sent.getOrDefault(Kind.FRESH_KEY_INITIATION, 0L);
        assertThat(handshakeOutcomes(start, end)).as("initiations answered or shed").isEqualTo(handshakesSent);
        assertThat(end.staleSessionsEvicted()).isZero();
        assertThat(events.of(GatewayEvent.SessionEvicted.class)).isEmpty();
        assertThat(events.of(GatewayEvent.SessionExpired.class)).isEmpty();
        for (SharedLoopPeers.Peer v : victims) {
            assertThat(engine.peerAt(v.endpoint)).as("binding of %s", v.endpoint).contains(v.engine.publicKey());
            assertThat(engine.peer(v.engine.publicKey()).orElseThrow().lastHandshake())
                    .as("session of %s not reset", v.endpoint).isEqualTo(handshakeBefore.get(v.endpoint));
        }
        assertThat(total).as("datagrams sent").isEqualTo((long) attacked * 1_000);
    }

    /** Sends a batch and waits until the gateway has counted every datagram of it. */
    private long flush(SharedLoopPeers peers, SessionEngine engine, EngineCounters start, List<byte[]> batch,
                       List<SharedLoopPeers.Peer> from, long before) {
        for (int i = 0; i < batch.size(); i++) {
            peers.inject(from.get(i), batch.get(i));
        }
        long expected = before + batch.size();
        long waitUntil = System.nanoTime() + COUNT_BOUND.toNanos();
        while (accounted(start, engine.counters()) < expected) {
            if (System.nanoTime() > waitUntil) {
                throw new AssertionError("gateway counted " + accounted(start, engine.counters()) + " of " + expected
                        + " attack datagrams: " + engine.counters());
            }
            Thread.onSpinWait();
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
        int n = batch.size();
        batch.clear();
        from.clear();
        return n;
    }

    /**
     * @return every drop plus every handshake completed and never confirmed since {@code start}: the
     *         attacker's fresh keys never confirm, a victim's own re-handshake does
     */
    private static long accounted(EngineCounters start, EngineCounters now) {
        long n = now.handshakesCompleted() - start.handshakesCompleted()
                - (now.sessionsConfirmed() - start.sessionsConfirmed());
        for (DropReason r : DropReason.values()) {
            n += now.drops(r) - start.drops(r);
        }
        return n;
    }

    private static long handshakeOutcomes(EngineCounters start, EngineCounters end) {
        long n = end.handshakesCompleted() - start.handshakesCompleted()
                - (end.sessionsConfirmed() - start.sessionsConfirmed());
        for (DropReason r : HANDSHAKE_OUTCOMES) {
            n += end.drops(r) - start.drops(r);
        }
        return n;
    }

    private byte[] make(Kind kind, SharedLoopPeers.Peer v, byte[] fresh, int i) {
        List<byte[]> own = v.recentTransport();
        byte[] ownTransport = own.getLast();
        return switch (kind) {
            case GARBAGE -> {
                byte[] d = bytes(16 + random.nextInt(200));
                d[0] = (byte) (5 + random.nextInt(251));
                yield d;
            }
            case TOO_SHORT -> bytes(1 + random.nextInt(3));
            case RESERVED_SET -> {
                byte[] d = bytes(64);
                d[0] = (byte) (1 + random.nextInt(4));
                d[1 + random.nextInt(3)] = (byte) (1 + random.nextInt(255));
                yield d;
            }
            case TRUNCATED_INITIATION -> header(bytes(4 + random.nextInt(HandshakeInitiation.SIZE - 4)), 1);
            case OVERSIZED_INITIATION -> header(bytes(HandshakeInitiation.SIZE + 1 + random.nextInt(1_000)), 1);
            case TRUNCATED_TRANSPORT -> header(bytes(4 + random.nextInt(28)), 4);
            case BAD_MAC1_INITIATION -> header(bytes(HandshakeInitiation.SIZE), 1);
            case FORGED_RESPONSE -> header(bytes(92), 2);
            case UNKNOWN_INDEX_TRANSPORT -> {
                byte[] d = header(bytes(32 + random.nextInt(200)), 4);
                java.util.Arrays.fill(d, 4, 8, (byte) 0); // index 0 is never issued: certainly unknown
                yield d;
            }
            case FORGED_TRANSPORT, OVERSIZED_TRANSPORT -> {
                byte[] d = header(bytes(kind == Kind.FORGED_TRANSPORT ? 48 : 1_200), 4);
                System.arraycopy(ownTransport, 4, d, 4, 4); // the victim's receiver index
                long counter = 1L << 40 | random.nextLong(1L << 30); // ahead of the window: only the AEAD rejects it
                for (int b = 0; b < 8; b++) {
                    d[8 + b] = (byte) (counter >>> (8 * b));
                }
                yield d;
            }
            case REPLAYED_TRANSPORT -> own.get(i % own.size()).clone();
            case FORGED_COOKIE_REPLY -> {
                byte[] d = header(bytes(64), 3);
                java.util.Arrays.fill(d, 4, 8, (byte) 0); // names no handshake (index 0 is never issued)
                yield d;
            }
            case REPLAYED_INITIATION -> v.firstInitiation().clone();
            case FRESH_KEY_INITIATION -> fresh.clone();
        };
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] header(byte[] d, int type) {
        d[0] = (byte) type;
        d[1] = 0;
        d[2] = 0;
        d[3] = 0;
        return d;
    }
}

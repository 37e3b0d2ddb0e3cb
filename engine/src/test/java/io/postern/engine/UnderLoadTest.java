package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.net.Endpoint;
import io.postern.spi.Admission;
import io.postern.spi.PolicyDecision;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.MessageType;
import io.postern.wire.Tai64n;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The defences that engage under load: cookie replies instead of Diffie-Hellman work, the cookie
 * round trip of our own initiator, the per-source rate limit, the bounded handshake queue, and the
 * bounds of half-open handshakes and dynamic peers — which never cost a confirmed session.
 */
class UnderLoadTest {
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    private void holdUnderLoad(EngineHarness.Node gw) {
        gw.engine.handshakeQueue().holdUnderLoadUntil(h.clock.millis() + 3_600_000);
    }

    /** A complete initiation from a fresh key, valid mac1, mac2 zeros: a newcomer that never confirms. */
    private byte[] freshInitiation(EngineHarness.Node gw) {
        StaticKeyPair k = EngineHarness.newKeys();
        HandshakeResult<InitiatorHandshake> r = RealCrypto.handshakes().create(RealCrypto.provider(), k)
                .initiate(gw.key(), PresharedKey.NONE, 7, Tai64n.of(h.clock.instant()), null);
        return ((HandshakeResult.Success<InitiatorHandshake>) r).value().message();
    }

    @Test
    void underLoadAnInitiationWithoutMac2GetsACookieAndTheRetryWithMac2Completes() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        holdUnderLoad(gw);

        a.send(gw, "hello");
        h.deliver();
        EngineCounters c = gw.engine.counters();
        assertThat(c.drops(DropReason.MAC2_REQUIRED)).isEqualTo(1);
        assertThat(c.cookieRepliesSent()).isEqualTo(1);
        assertThat(c.handshakesCompleted()).isZero();
        assertThat(gw.engine.peerCount()).as("no state for a handshake without mac2").isZero();
        assertThat(h.net.sentBy(EngineHarness.GATEWAY, MessageType.COOKIE_REPLY.code())).hasSize(1);
        assertThat(a.engine.counters().drops().values()).allMatch(v -> v == 0);

        h.advance(ProtocolConstants.REKEY_TIMEOUT.plus(ProtocolConstants.REKEY_TIMEOUT_JITTER_MAX));

        List<LoopbackNetwork.Datagram> initiations = h.net.sentBy(EngineHarness.CLIENT_A,
                MessageType.HANDSHAKE_INITIATION.code());
        assertThat(initiations).hasSize(2);
        byte[] first = initiations.get(0).bytes();
        byte[] retry = initiations.get(1).bytes();
        int mac2 = HandshakeInitiation.SIZE - 16;
        assertThat(Arrays.copyOfRange(first, mac2, HandshakeInitiation.SIZE)).containsOnly(0);
        assertThat(Arrays.copyOfRange(retry, mac2, HandshakeInitiation.SIZE)).as("mac2 from the cookie")
                .isNotEqualTo(new byte[16]);
        assertThat(a.status(gw).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.counters().drops(DropReason.MAC2_REQUIRED)).isEqualTo(1);
        assertThat(a.handler.texts()).containsExactly("hello");
    }

    @Test
    void underLoadEachSourceIpGetsTwentyHandshakesPerSecondWithABurstOfFive() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        List<EngineHarness.Node> clients = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            clients.add(h.client(EngineHarness.endpoint(41000 + i), gw));
        }
        holdUnderLoad(gw);
        clients.forEach(cl -> cl.send(gw, "hi"));
        h.deliver();
        assertThat(gw.engine.counters().cookieRepliesSent()).isEqualTo(7);

        // every client retries in the same instant, now with mac2: 5 pass (the burst), 2 are limited
        h.moveTime(ProtocolConstants.REKEY_TIMEOUT.plus(ProtocolConstants.REKEY_TIMEOUT_JITTER_MAX));
        clients.forEach(cl -> cl.engine.tick());
        h.deliver();
        EngineCounters c = gw.engine.counters();
        assertThat(c.handshakesCompleted()).isEqualTo(5);
        assertThat(c.drops(DropReason.RATE_LIMITED)).isEqualTo(2);

        // the limited two retry 5 s later: the bucket has refilled
        h.advance(ProtocolConstants.REKEY_TIMEOUT.plus(ProtocolConstants.REKEY_TIMEOUT_JITTER_MAX));
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(7);
        assertThat(clients).allSatisfy(cl -> assertThat(cl.status(gw).state()).isEqualTo(SessionState.ESTABLISHED));
    }

    @Test
    void notUnderLoadNoCookieIsAsked() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        assertThat(gw.engine.counters().cookieRepliesSent()).isZero();
        assertThat(gw.engine.handshakeQueue().underLoad()).isFalse();
    }

    @Test
    void aFullHandshakeQueueRefusesWithCapacityAndTransportStillFlows() throws Exception {
        CountDownLatch admissionEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Admission blocking = new Admission() {
            @Override
            public String name() {
                return "blocking";
            }

            @Override
            public String description() {
                return "blocks the handshake worker";
            }

            @Override
            public boolean admits(io.postern.key.PublicKey key, boolean configured) {
                admissionEntered.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return true;
            }
        };
        FixedPolicy reset = new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        EngineSettings settings = new EngineSettings(Duration.ZERO, 16, 100, 1, 2, 1, 100, 100);
        EngineHarness.Node gw = h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY, reset, OnPolicyFault.KEEP_BOTH, blocking,
                settings);
        Endpoint from = EngineHarness.endpoint(42000);
        gw.engine.onDatagram(from, freshInitiation(gw), 0, HandshakeInitiation.SIZE);
        assertThat(admissionEntered.await(10, TimeUnit.SECONDS)).as("worker busy").isTrue();
        gw.engine.onDatagram(from, freshInitiation(gw), 0, HandshakeInitiation.SIZE);
        gw.engine.onDatagram(from, freshInitiation(gw), 0, HandshakeInitiation.SIZE);
        gw.engine.onDatagram(from, freshInitiation(gw), 0, HandshakeInitiation.SIZE);
        assertThat(gw.engine.counters().drops(DropReason.CAPACITY)).as("queue of 2 full").isEqualTo(1);
        assertThat(gw.engine.handshakeQueue().underLoad()).as("depth 2 >= threshold 1").isTrue();
        release.countDown();
    }

    @Test
    void fullOfDynamicPeersTheOldestUnconfirmedMakesRoomAndConfirmedSessionsNever() {
        EngineHarness.Node gw = h.gateway(EngineHarness.DETERMINISTIC.withPeerBounds(2, 100));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        Endpoint attacker = EngineHarness.endpoint(43000);

        h.net.inject(attacker, EngineHarness.GATEWAY, freshInitiation(gw)); // takes the second slot
        h.deliver();
        assertThat(gw.engine.peerCount()).isEqualTo(2);
        h.net.inject(attacker, EngineHarness.GATEWAY, freshInitiation(gw)); // evicts the first newcomer
        h.deliver();
        assertThat(gw.engine.peerCount()).isEqualTo(2);
        assertThat(gw.engine.counters().halfOpenEvicted()).isEqualTo(1);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);

        // a real client takes the unconfirmed newcomer's slot and confirms
        EngineHarness.Node b = h.client(EngineHarness.endpoint(40001), gw);
        h.establish(b, gw);
        assertThat(gw.engine.counters().halfOpenEvicted()).isEqualTo(2);

        // both slots confirmed: a newcomer is refused, nobody is evicted
        EngineHarness.Node c = h.client(EngineHarness.endpoint(40002), gw);
        c.send(gw, "c");
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.CAPACITY)).isEqualTo(1);
        assertThat(gw.engine.peerCount()).isEqualTo(2);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.status(b).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.events).noneMatch(e -> e instanceof GatewayEvent.SessionEvicted);
        a.send(gw, "a still");
        h.deliver();
        assertThat(a.handler.texts()).endsWith("a still");
    }

    @Test
    void halfOpenHandshakesAreBoundedAndTheOldestUnconfirmedGoes() {
        EngineHarness.Node gw = h.gateway(EngineHarness.DETERMINISTIC.withPeerBounds(1_000, 3));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        Endpoint attacker = EngineHarness.endpoint(43000);
        for (int i = 0; i < 10; i++) {
            h.net.inject(attacker, EngineHarness.GATEWAY, freshInitiation(gw));
            h.deliver();
        }
        assertThat(gw.engine.halfOpenHandshakes()).isEqualTo(3);
        assertThat(gw.engine.counters().halfOpenEvicted()).isEqualTo(7);
        assertThat(gw.engine.peerCount()).as("a + 3 half-open").isEqualTo(4);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        a.send(gw, "a still");
        h.deliver();
        assertThat(a.handler.texts()).endsWith("a still");
    }

    @Test
    void aNullCookieReplyFromTheProtocolIsADropNotAnException() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        gw.handshakes.nullCookieReplies = true;
        holdUnderLoad(gw);
        gw.engine.onDatagram(EngineHarness.endpoint(43000), freshInitiation(gw), 0, HandshakeInitiation.SIZE);
        assertThat(gw.engine.counters().drops(DropReason.MAC2_REQUIRED)).isEqualTo(1);
        assertThat(gw.engine.counters().cookieRepliesSent()).isZero();
    }
}

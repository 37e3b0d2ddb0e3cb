package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Roaming, peer updates and removal, and close. */
class SessionLifecycleTest {
    private static final Endpoint E = EngineHarness.CLIENT_A;
    private final EngineHarness h = new EngineHarness();
    private final EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
    private final EngineHarness.Node a = h.client(E, gw);

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void theEndpointRoamsOnlyWithAnAuthenticatedPacket() {
        h.establish(a, gw);
        Endpoint moved = EngineHarness.endpoint(40777);
        // capture A's next packet instead of delivering it
        h.net.dropIf(d -> d.from().equals(E));
        a.send(gw, "from the new address");
        byte[] fresh = h.net.sentBy(E, MessageType.TRANSPORT_DATA.code()).getLast().bytes();
        h.net.dropIf(d -> false);

        byte[] forged = fresh.clone();
        forged[forged.length - 1] ^= 1;
        h.net.inject(moved, EngineHarness.GATEWAY, forged);
        h.deliver();
        assertThat(gw.status(a).endpoint()).isEqualTo(E);
        assertThat(gw.engine.counters().drops(DropReason.DECRYPT_FAILED)).isEqualTo(1);

        h.net.inject(moved, EngineHarness.GATEWAY, fresh);
        h.deliver();
        assertThat(gw.status(a).endpoint()).isEqualTo(moved);
        assertThat(gw.engine.peerAt(moved)).contains(a.key());
        assertThat(gw.engine.peerAt(E)).isEmpty();
        assertThat(gw.handler.texts()).endsWith("from the new address");
        assertThat(h.net.sentBy(EngineHarness.GATEWAY, MessageType.TRANSPORT_DATA.code()).getLast().to())
                .isEqualTo(moved); // the echo goes to the new address

        // a replay of the same packet from yet another address moves nothing
        h.net.inject(EngineHarness.endpoint(40888), EngineHarness.GATEWAY, fresh);
        h.deliver();
        assertThat(gw.status(a).endpoint()).isEqualTo(moved);
    }

    @Test
    void removePeerZeroesItsKeysAndForgetsIt() {
        h.establish(a, gw);
        List<SpyingCryptoProvider.SpyKey> live = gw.crypto.keys.stream().filter(k -> k.usedForTransport).toList();
        assertThat(live).hasSize(2).noneMatch(k -> k.destroyed);

        assertThat(gw.engine.removePeer(a.key())).isTrue();
        assertThat(live).allMatch(k -> k.destroyed);
        assertThat(gw.engine.peer(a.key())).isEmpty();
        assertThat(gw.engine.peerAt(E)).isEmpty();
        assertThat(gw.engine.removePeer(a.key())).isFalse();

        a.send(gw, "anyone?");
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.UNKNOWN_RECEIVER_INDEX)).isEqualTo(1);
        assertThat(gw.handler.texts()).containsExactly("hello");
    }

    @Test
    void updatingAConfiguredPeerKeepsItsSession() {
        gw.engine.addOrUpdatePeer(PeerConfig.of(a.key(), null));
        h.establish(a, gw);
        gw.engine.addOrUpdatePeer(new PeerConfig(a.key(), null,
                List.of(io.postern.net.IpPrefix.parse("10.0.0.2/32")), null, null));
        PeerStatus s = gw.status(a);
        assertThat(s.state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(s.allowedIps()).hasSize(1);
        assertThat(s.configured()).isTrue();
        a.send(gw, "again");
        h.deliver();
        assertThat(a.handler.texts()).containsExactly("hello", "again");
    }

    @Test
    void closeZeroesEveryKey() {
        h.establish(a, gw);
        gw.engine.close();
        assertThat(gw.crypto.keys).filteredOn(k -> k.usedForTransport).hasSize(2).allMatch(k -> k.destroyed);
        assertThat(gw.send(a, "after close")).isFalse();
    }

    @Test
    void sendToAnUnknownPeerFails() {
        assertThat(gw.send(a, "who?")).isFalse();
        assertThat(h.net.captured).isEmpty();
    }

    @Test
    void theLatestHandshakeCountsConfirmedSessionsOnly() {
        EngineHarness.Node a = h.client(E, gw);
        h.net.dropIf(d -> d.from().equals(E) && d.type() == MessageType.TRANSPORT_DATA.code());
        a.send(gw, "never confirmed");
        h.deliver();
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(1);
        assertThat(gw.status(a).lastHandshake()).as("answered, not confirmed").isNull();

        h.net.dropIf(d -> false);
        Instant answeredAt = h.clock.instant();
        a.send(gw, "confirmed");
        h.deliver();
        assertThat(gw.engine.counters().sessionsConfirmed()).isEqualTo(1);
        assertThat(gw.status(a).lastHandshake()).isEqualTo(answeredAt);
    }

    /** addOrUpdatePeer took the map's bin lock then the peer's monitor; removal takes them the other way. */
    @Test
    void addingAndRemovingOnePeerConcurrentlyCannotDeadlock() throws InterruptedException {
        EngineHarness.Node a = h.client(E, gw);
        PeerConfig config = PeerConfig.of(a.key(), null);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread adder = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 200_000 && !stop.get(); i++) {
                gw.engine.addOrUpdatePeer(config);
            }
        });
        Thread remover = Thread.ofPlatform().daemon().start(() -> {
            for (int i = 0; i < 200_000 && !stop.get(); i++) {
                gw.engine.removePeer(a.key());
            }
        });
        // a bounded wait that only a deadlock exhausts (each loop takes well under a second alone)
        adder.join(java.time.Duration.ofSeconds(60));
        remover.join(java.time.Duration.ofSeconds(60));
        stop.set(true);
        assertThat(adder.isAlive() || remover.isAlive()).as("deadlocked").isFalse();
        gw.engine.addOrUpdatePeer(config);
        assertThat(gw.engine.peer(a.key())).hasValueSatisfying(s -> assertThat(s.configured()).isTrue());
    }
}

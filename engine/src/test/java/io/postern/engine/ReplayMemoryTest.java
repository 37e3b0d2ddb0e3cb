package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A captured initiation cannot be replayed once its peer is forgotten, and an initiation the policy
 * refused cannot be replayed at any cost beyond the replay check (wireguard-go: a peer's greatest
 * TAI64N lives as long as the peer, and ConsumeMessageInitiation records it before anything refuses).
 */
class ReplayMemoryTest {
    private static final int INIT = MessageType.HANDSHAKE_INITIATION.code();
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aForgottenDynamicPeersCapturedInitiationIsRefusedAsAReplay() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        byte[] captured = h.net.sentBy(a.endpoint, INIT).getFirst().bytes();
        a.stop();
        h.advance(ProtocolConstants.ZERO_KEYS_AFTER.plusSeconds(1));
        assertThat(gw.engine.peer(a.key())).as("open admission forgot the idle dynamic peer").isEmpty();

        long completed = gw.engine.counters().handshakesCompleted();
        h.net.inject(a.endpoint, gw.endpoint, captured);
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.INITIATION_REPLAYED)).isEqualTo(1);
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(completed);
        assertThat(gw.engine.peer(a.key())).isEmpty();
    }

    @Test
    void anInitiationThePolicyRefusedIsRefusedAsAReplayWithoutAskingThePolicyAgain() {
        FixedPolicy reject = new FixedPolicy(PolicyDecision.REJECT);
        EngineHarness.Node gw = h.gateway(reject);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        a.stop();
        EngineHarness.Node b = h.client(EngineHarness.CLIENT_A, gw); // a new key at a's endpoint
        h.net.discardQueued();
        b.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
        assertThat(reject.questions).hasSize(1);
        byte[] captured = h.net.sentBy(b.endpoint, INIT).getLast().bytes();

        h.moveTime(Duration.ofSeconds(1)); // past the flood gate: only the timestamp can refuse it
        h.net.inject(b.endpoint, gw.endpoint, captured);
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.INITIATION_REPLAYED)).isEqualTo(1);
        assertThat(reject.questions).as("the policy is not asked again").hasSize(1);
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
    }

    @Test
    void theMemoryIsBounded() {
        ReplayMemory m = new ReplayMemory(2);
        var k1 = EngineHarness.newKeys().publicKey();
        var k2 = EngineHarness.newKeys().publicKey();
        var k3 = EngineHarness.newKeys().publicKey();
        m.remember(k1, new byte[12]);
        m.remember(k2, new byte[12]);
        m.remember(k3, new byte[12]);
        m.remember(k3, null);
        assertThat(m.size()).isEqualTo(2);
        assertThat(m.take(k1)).isNull();
        assertThat(m.take(k3)).hasSize(12);
        assertThat(m.size()).isEqualTo(1);
    }
}

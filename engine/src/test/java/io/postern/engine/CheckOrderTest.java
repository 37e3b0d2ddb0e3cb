package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11, item 8: no state changes before the replay, flood and policy checks have passed. */
class CheckOrderTest {
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void aReplayedInitiationEvictsNoHalfOpenHandshake() {
        EngineHarness.Node gw = h.gateway(EngineHarness.DETERMINISTIC.withPeerBounds(100, 1)); // one half-open slot
        EngineHarness.Node c = h.client(EngineHarness.endpoint(41000), gw);
        h.establish(c, gw); // confirmed: no half-open handshake of its own
        byte[] captured = h.net.sentBy(EngineHarness.endpoint(41000), MessageType.HANDSHAKE_INITIATION.code())
                .getLast().bytes();

        EngineHarness.Node b = h.client(EngineHarness.endpoint(42000), gw);
        h.net.dropIf(d -> d.from().equals(EngineHarness.endpoint(42000))
                && d.type() == MessageType.TRANSPORT_DATA.code()); // b's handshake stays half-open
        b.send(gw, "answered, never confirmed");
        h.deliver();
        assertThat(gw.engine.halfOpenHandshakes()).isEqualTo(1);

        h.net.inject(EngineHarness.endpoint(41000), EngineHarness.GATEWAY, captured); // a replay of c's initiation
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.INITIATION_REPLAYED)).isEqualTo(1);
        assertThat(gw.engine.halfOpenHandshakes()).as("b's half-open handshake survives the replay").isEqualTo(1);
        assertThat(gw.engine.counters().halfOpenEvicted()).isZero();
    }

    /**
     * A full dynamic-peer table makes room only for a newcomer the policy lets in: a rejected one
     * must leave the unconfirmed peer it would have displaced alone, and is never created.
     */
    @Test
    void aRejectedNewcomerMakesNoRoomInAFullDynamicTable() {
        EngineHarness.Node gw = h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY,
                new FixedPolicy(PolicyDecision.REJECT), OnPolicyFault.KEEP_BOTH, TestAdmission.OPEN,
                EngineHarness.DETERMINISTIC.withPeerBounds(2, 100));
        EngineHarness.Node occupant = h.client(EngineHarness.endpoint(41000), gw);
        h.establish(occupant, gw);
        EngineHarness.Node b = h.client(EngineHarness.endpoint(42000), gw);
        h.net.dropIf(d -> d.from().equals(EngineHarness.endpoint(42000))
                && d.type() == MessageType.TRANSPORT_DATA.code()); // b's handshake stays half-open
        b.send(gw, "answered, never confirmed");
        h.deliver();
        h.net.dropIf(d -> false);
        assertThat(gw.engine.peerCount()).isEqualTo(2); // the table is full

        EngineHarness.Node newcomer = h.client(EngineHarness.endpoint(41000), gw); // at the occupant's endpoint
        newcomer.send(gw, "rejected");
        h.deliver();

        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isPositive();
        assertThat(gw.engine.peer(newcomer.key())).isEmpty();
        assertThat(gw.engine.peer(b.key())).as("b was not displaced for a rejected newcomer").isPresent();
        assertThat(gw.engine.counters().halfOpenEvicted()).isZero();
        assertThat(gw.engine.halfOpenHandshakes()).isEqualTo(1);
    }
}

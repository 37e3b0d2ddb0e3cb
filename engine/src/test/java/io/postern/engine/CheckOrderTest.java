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
}

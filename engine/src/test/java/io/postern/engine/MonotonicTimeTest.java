package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Protocol timing runs on the monotonic ticker, the wall clock only stamps TAI64N, events and display
 * (wireguard-go times everything with Go's monotonic clock and reads the wall clock only for
 * TAI64N). The gateway's wall clock is stepped by an hour, as an NTP correction would, while
 * protocol time moves normally.
 */
class MonotonicTimeTest {
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void aWallClockStepBackwardsNeitherBlocksHandshakesNorDelaysExpiry() {
        MutableClock gatewayWall = new MutableClock(EngineHarness.T0);
        EngineHarness.Node gw = h.gateway(gatewayWall);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);

        gatewayWall.advance(Duration.ofHours(-1));
        h.advance(Duration.ofSeconds(6));
        gatewayWall.advance(Duration.ofSeconds(6)); // the gateway's wall clock runs on, an hour behind
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(gw.engine.counters().handshakesCompleted()).as("the new initiation is no flood").isEqualTo(2);
        assertThat(a.engine.counters().handshakesCompleted()).isEqualTo(2);
        a.send(gw, "after the step");
        h.deliver();
        assertThat(gw.handler.texts()).contains("after the step");
        assertThat(a.handler.texts()).contains("after the step"); // echoed
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);

        // idle: the keys are rejected REJECT_AFTER_TIME after they were made, not an hour later
        h.advance(ProtocolConstants.REJECT_AFTER_TIME.plusSeconds(1));
        assertThat(gw.status(a).state()).isNotEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void aWallClockStepForwardExpiresNothing() {
        MutableClock gatewayWall = new MutableClock(EngineHarness.T0);
        EngineHarness.Node gw = h.gateway(gatewayWall);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);

        gatewayWall.advance(Duration.ofHours(1));
        h.advance(Duration.ofSeconds(1));
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        a.send(gw, "an hour later by the wall");
        h.deliver();
        assertThat(gw.handler.texts()).contains("an hour later by the wall");
        assertThat(a.handler.texts()).contains("an hour later by the wall");
        assertThat(gw.engine.counters().handshakesCompleted()).as("no new handshake needed").isEqualTo(1);
        // displayed times are the wall clock's at the moment things happened
        assertThat(gw.status(a).lastHandshake()).isEqualTo(EngineHarness.T0);
    }
}

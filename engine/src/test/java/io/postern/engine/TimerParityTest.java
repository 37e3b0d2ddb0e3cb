package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timers as wireguard-go's device/timers.go and send.go run them (issue 12 item 6), on a fake ticker. */
class TimerParityTest {
    private static final int INIT = MessageType.HANDSHAKE_INITIATION.code();
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /**
     * Pins wireguard-go's newHandshake timer (KEEPALIVE_TIMEOUT + REKEY_TIMEOUT): a one-way flow is
     * answered by the receiver's passive keepalive after 10 s, before a new handshake is due, so it
     * runs on one handshake (until REKEY_AFTER_TIME), not one every 5 s.
     */
    @Test
    void aOneWayFlowDoesNotRehandshakeEveryFiveSeconds() {
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH),
                OnPolicyFault.KEEP_BOTH, false); // no echo: nothing comes back but keepalives
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        for (int i = 0; i < 60; i++) {
            a.send(gw, "one way " + i);
            h.advance(Duration.ofSeconds(1));
        }
        assertThat(h.net.sentBy(a.endpoint, INIT)).as("initiations in 60 s of one-way data").hasSize(1);
        assertThat(gw.handler.received).hasSize(60);
    }

    /** Pins wireguard-go's MaxTimerHandshakes: an unanswered initiation is retransmitted 18 times, then given up. */
    @Test
    void retriesStopAfterEighteenRetransmissions() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.net.dropIf(d -> d.from().equals(EngineHarness.CLIENT_A));
        a.send(gw, "nobody answers");
        h.advance(Duration.ofSeconds(130));
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(19);
        assertThat(a.engine.counters().handshakesAbandoned()).isEqualTo(1);
    }

    /**
     * Pins wireguard-go's SendHandshakeInitiation gate for every caller: the public
     * initiateHandshake twice within REKEY_TIMEOUT sends one initiation (two within 16.8 ms would
     * carry equal TAI64N and the peer would refuse the second).
     */
    @Test
    void thePublicInitiateHandshakeGoesThroughTheRekeyTimeoutGate() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        a.engine.initiateHandshake(gw.key());
        h.moveTime(Duration.ofMillis(10));
        a.engine.initiateHandshake(gw.key());
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(1);
        h.deliver();
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(1);
        assertThat(gw.engine.counters().drops(io.postern.event.DropReason.INITIATION_REPLAYED)).isZero();
    }

    /**
     * Pins wireguard-go's persistent keepalive, reset by any authenticated packet traversal — received
     * ones too, keepalives included: a peer that hears a keepalive every 10 s sends no 25-s
     * persistent keepalive (the NAT mapping is kept alive by the traffic it receives).
     */
    @Test
    void thePersistentKeepaliveIsResetByPacketsReceived() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.newKeys(), EngineHarness.CLIENT_A, gw, Duration.ofSeconds(25));
        h.establish(a, gw);
        h.advance(Duration.ofSeconds(11)); // the passive keepalive after the echo is behind us
        int before = keepalivesFrom(a);
        for (int i = 0; i < 6; i++) { // 60 s: the gateway sends a keepalive every 10 s, A nothing
            gw.engine.send(a.key(), new byte[0], 0, 0);
            h.deliver();
            h.advance(Duration.ofSeconds(10));
        }
        assertThat(keepalivesFrom(a) - before).as("persistent keepalives A sent while hearing every 10 s").isZero();
    }

    /** Pins wireguard-go's needAnotherKeepalive: data arriving while the passive keepalive is pending earns a second one. */
    @Test
    void dataWhileAKeepaliveIsPendingEarnsAnotherKeepalive() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw); // the echo arms A's passive keepalive
        int before = keepalivesFrom(a);
        h.advance(Duration.ofSeconds(1));
        gw.send(a, "while pending");
        h.deliver();
        h.advance(Duration.ofSeconds(25));
        assertThat(keepalivesFrom(a) - before).as("passive keepalives after data at 0 s and 1 s").isEqualTo(2);
    }

    /**
     * Pins wireguard-go's SendStagedPackets: a responder whose keypair still awaits confirmation
     * starts a handshake of its own for new data once REKEY_TIMEOUT has passed since its response,
     * instead of staging until the keys expire.
     */
    @Test
    void aResponderWithAnUnconfirmedKeypairStartsAHandshakeAfterRekeyTimeout() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        // configured with its endpoint: Postern moves a peer's endpoint only on a confirmed session
        gw.engine.addOrUpdatePeer(new PeerConfig(a.key(), null, java.util.List.of(), a.endpoint, Duration.ZERO));
        h.net.dropIf(d -> d.from().equals(EngineHarness.CLIENT_A) && d.type() == MessageType.TRANSPORT_DATA.code());
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(gw.status(a).state()).isEqualTo(SessionState.AWAITING_CONFIRMATION);

        h.moveTime(Duration.ofSeconds(1));
        gw.send(a, "staged");
        assertThat(h.net.sentBy(gw.endpoint, INIT)).as("within REKEY_TIMEOUT of the response").isEmpty();
        h.moveTime(Duration.ofSeconds(5));
        gw.send(a, "staged too");
        assertThat(h.net.sentBy(gw.endpoint, INIT)).hasSize(1);
        h.net.dropIf(d -> false);
        h.deliver();
        assertThat(a.handler.texts()).contains("staged", "staged too");
    }

    private int keepalivesFrom(EngineHarness.Node n) {
        return (int) h.net.sentBy(n.endpoint, MessageType.TRANSPORT_DATA.code()).stream()
                .filter(d -> d.bytes().length == 32).count();
    }
}

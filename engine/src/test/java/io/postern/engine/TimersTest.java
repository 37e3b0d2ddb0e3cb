package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retransmission, rekey, keepalives, expiry and gateway-restart recovery, on a fake clock. */
class TimersTest {
    private static final int INIT = MessageType.HANDSHAKE_INITIATION.code();
    private static final int DATA = MessageType.TRANSPORT_DATA.code();
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    @Test
    void anUnansweredInitiationIsRetriedEveryRekeyTimeoutUntilRekeyAttemptTime() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.net.dropIf(d -> d.from().equals(EngineHarness.CLIENT_A));
        a.send(gw, "queued");
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(1);

        h.advance(Duration.ofMillis(4_900));
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(1);
        h.advance(Duration.ofMillis(500)); // 5.4 s > REKEY_TIMEOUT + max jitter
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(2);

        h.advance(Duration.ofSeconds(100));
        int sent = h.net.sentBy(a.endpoint, INIT).size();
        assertThat(sent).isBetween(17, 19); // 90 s / (5 s + up to 333 ms), plus the first
        assertThat(a.status(gw).state()).isEqualTo(SessionState.NONE);
        h.advance(Duration.ofSeconds(30));
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(sent); // gave up; the staged packet is gone
        assertThat(a.engine.counters().handshakesAbandoned()).isEqualTo(1);
        h.net.dropIf(d -> false);
        a.engine.initiateHandshake(gw.key());
        h.deliver();
        assertThat(gw.handler.received).isEmpty();
    }

    @Test
    void theInitiatorRekeysOnSendAfterRekeyAfterTime() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        h.advance(Duration.ofSeconds(119));
        a.send(gw, "at 119 s");
        h.deliver();
        assertThat(a.engine.counters().handshakesInitiated()).isEqualTo(1);

        h.advance(Duration.ofSeconds(2));
        a.send(gw, "at 121 s");
        h.deliver();
        assertThat(a.engine.counters().handshakesInitiated()).isEqualTo(2);
        assertThat(gw.engine.counters().sessionsConfirmed()).isEqualTo(2);
        assertThat(a.handler.texts()).containsExactly("hello", "at 119 s", "at 121 s");
        assertThat(a.status(gw).lastHandshake()).isEqualTo(h.clock.instant());
    }

    @Test
    void aReceiverSendsAPassiveKeepaliveAfterKeepaliveTimeout() {
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH), OnPolicyFault.KEEP_BOTH, false); // no echo: the gateway only listens
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        a.send(gw, "one-way");
        h.deliver();
        assertThat(h.net.sentBy(gw.endpoint, DATA)).isEmpty();

        h.advance(Duration.ofMillis(9_900));
        assertThat(h.net.sentBy(gw.endpoint, DATA)).isEmpty();
        h.advance(Duration.ofMillis(200));
        assertThat(h.net.sentBy(gw.endpoint, DATA)).singleElement()
                .satisfies(d -> assertThat(d.bytes()).hasSize(32));
        h.advance(Duration.ofSeconds(30));
        assertThat(h.net.sentBy(gw.endpoint, DATA)).hasSize(1); // nothing new received: no more keepalives
    }

    @Test
    void persistentKeepaliveIsSentAtItsInterval() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.newKeys(), EngineHarness.CLIENT_A, gw, Duration.ofSeconds(25));
        a.engine.initiateHandshake(gw.key()); // no data: no passive keepalive interferes
        h.deliver();
        int before = h.net.sentBy(a.endpoint, DATA).size();
        h.advance(Duration.ofMillis(24_900));
        assertThat(h.net.sentBy(a.endpoint, DATA)).hasSize(before);
        h.advance(Duration.ofMillis(200));
        assertThat(h.net.sentBy(a.endpoint, DATA)).hasSize(before + 1);
        h.advance(Duration.ofSeconds(25));
        assertThat(h.net.sentBy(a.endpoint, DATA)).hasSize(before + 2);
    }

    @Test
    void anEchoToASilentClientCausesNoHandshakeFromTheGateway() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        h.advance(Duration.ofSeconds(60));
        assertThat(gw.engine.counters().handshakesInitiated()).isZero();
        assertThat(a.engine.counters().handshakesInitiated()).isEqualTo(1);
        assertThat(h.net.sentBy(a.endpoint, DATA)).hasSize(2); // "hello", then the passive keepalive at 10 s
    }

    @Test
    void keysAreZeroedAfterThreeRejectAfterTimesWithoutAHandshake() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);

        h.advance(Duration.ofSeconds(181));
        assertThat(a.status(gw).state()).isEqualTo(SessionState.EXPIRED);
        assertThat(gw.engine.peerAt(EngineHarness.CLIENT_A)).isEmpty(); // no live session any more
        assertThat(a.events(GatewayEvent.SessionExpired.class)).isEmpty();

        h.advance(Duration.ofSeconds(540 - 181));
        assertThat(a.events(GatewayEvent.SessionExpired.class)).hasSize(1);
        assertThat(gw.events(GatewayEvent.SessionExpired.class)).hasSize(1);
        assertThat(a.status(gw).state()).isEqualTo(SessionState.EXPIRED);
        assertThat(gw.engine.peerCount()).isZero(); // a dynamic peer is removed entirely
        assertThat(a.crypto.keys).filteredOn(k -> k.usedForTransport).isNotEmpty()
                .allSatisfy(k -> assertThat(k.destroyed).isTrue());
        assertThat(gw.crypto.keys).filteredOn(k -> k.usedForTransport).isNotEmpty()
                .allSatisfy(k -> assertThat(k.destroyed).isTrue());
    }

    @Test
    void aClientRecoversWithinFifteenSecondsWhenTheGatewayRestartedWithoutState() {
        var gwKeys = EngineHarness.newKeys();
        EngineHarness.Node gw = h.gateway(gwKeys, new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION), OnPolicyFault.RESET_ON_IDENTITY_CHANGE, true);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        h.advance(Duration.ofSeconds(20));

        gw.stop();
        EngineHarness.Node fresh = h.gateway(gwKeys, new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION), OnPolicyFault.RESET_ON_IDENTITY_CHANGE, true);
        Instant sentAt = h.clock.instant();
        a.send(fresh, "anyone there?");
        h.deliver();
        assertThat(fresh.engine.counters().drops(DropReason.UNKNOWN_RECEIVER_INDEX)).isEqualTo(1);
        int initiations = h.net.sentBy(a.endpoint, INIT).size();

        // wireguard-go's newHandshake: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT after the unanswered data
        h.advance(Duration.ofMillis(14_900));
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(initiations);
        h.advance(Duration.ofMillis(500)); // + max jitter (333 ms) + one tick
        assertThat(h.net.sentBy(a.endpoint, INIT)).hasSize(initiations + 1);
        assertThat(fresh.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(fresh.status(a).lastHandshake()).isBefore(sentAt.plusMillis(15_434));

        a.send(fresh, "back");
        h.deliver();
        assertThat(a.handler.texts()).containsExactly("hello", "back");
    }
}

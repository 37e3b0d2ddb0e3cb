package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NAT reconnect case: client A has a session from endpoint E; it crashes and comes back as B
 * (a new static key) from the same E. What happens to A is the session policy's decision, applied
 * only once B's session is confirmed.
 */
class IdentityChangeTest {
    private static final io.postern.net.Endpoint E = EngineHarness.CLIENT_A;
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void close() {
        h.close();
    }

    /** A establishes from E, then crashes; B (new key) is started at E. */
    private EngineHarness.Node[] restartWithNewKey(EngineHarness.Node gw) {
        EngineHarness.Node a = h.client(E, gw);
        h.establish(a, gw);
        a.stop();
        EngineHarness.Node b = h.client(E, gw);
        return new EngineHarness.Node[] {a, b};
    }

    private static long transportKeysOf(EngineHarness.Node n, boolean destroyed) {
        return n.crypto.keys.stream().filter(k -> k.usedForTransport && k.destroyed == destroyed).count();
    }

    @Test
    void listenersSeeThePolicyDecisionBeforeItsConsequencesEvenOnAFastNetwork() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node[] ab = restartWithNewKey(gw);

        // The response is delivered inside the gateway's send: B's keepalive confirms its session and
        // evicts A before the handshake code that sent the response has returned.
        h.net.immediate = true;
        ab[1].engine.initiateHandshake(gw.key());

        assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
        List<Class<?>> order = gw.events.stream().map(Object::getClass)
                .filter(c -> c == GatewayEvent.IdentityChangedAtEndpoint.class
                        || c == GatewayEvent.HandshakeCompleted.class || c == GatewayEvent.SessionConfirmed.class
                        || c == GatewayEvent.SessionEvicted.class)
                .collect(java.util.stream.Collectors.toList());
        // the first handshake (A's) completed and was confirmed before B came
        assertThat(order.subList(2, order.size())).containsExactly(GatewayEvent.IdentityChangedAtEndpoint.class,
                GatewayEvent.HandshakeCompleted.class, GatewayEvent.SessionConfirmed.class,
                GatewayEvent.SessionEvicted.class);
    }

    @Test
    void resetEvictsTheIncumbentOnlyWhenTheNewcomerConfirms() {
        FixedPolicy policy = new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
        EngineHarness.Node gw = h.gateway(policy);
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        EngineHarness.Node a = ab[0];
        EngineHarness.Node b = ab[1];

        try (LogCapture log = new LogCapture(SessionTeardown.class)) {
            h.net.dropIf(d -> d.type() == MessageType.TRANSPORT_DATA.code() && d.from().equals(E));
            b.engine.initiateHandshake(gw.key());
            h.deliver();

            // handshake answered at once, but A is untouched until B proves its keys
            assertThat(b.status(gw).state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(gw.status(b).state()).isEqualTo(SessionState.AWAITING_CONFIRMATION);
            assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(gw.engine.peerAt(E)).contains(a.key());
            assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
            assertThat(policy.questions).singleElement().satisfies(q -> {
                assertThat(q.incumbent()).isEqualTo(a.key());
                assertThat(q.newcomer()).isEqualTo(b.key());
                assertThat(q.endpoint()).isEqualTo(E);
                assertThat(q.incumbentConfigured()).isFalse();
                assertThat(q.incumbentLastAuthenticated()).isEqualTo(EngineHarness.T0);
            });
            assertThat(gw.events(GatewayEvent.IdentityChangedAtEndpoint.class)).singleElement()
                    .satisfies(e -> assertThat(e.decision()).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));

            h.net.dropIf(d -> false);
            b.send(gw, "b1");
            b.send(gw, "b2");
            h.deliver();

            assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
            assertThat(gw.engine.peer(a.key())).isEmpty(); // a dynamic incumbent is removed entirely
            assertThat(gw.engine.peerAt(E)).contains(b.key());
            assertThat(gw.status(b).state()).isEqualTo(SessionState.ESTABLISHED);
            assertThat(b.handler.texts()).containsExactly("b1", "b2");
            assertThat(gw.events(GatewayEvent.SessionEvicted.class)).singleElement().satisfies(e -> {
                assertThat(e.evicted()).isEqualTo(a.key());
                assertThat(e.replacement()).isEqualTo(b.key());
                assertThat(e.endpoint()).isEqualTo(E);
                assertThat(e.reason()).isEqualTo("stale session: new identity confirmed at endpoint");
            });
            assertThat(log.messages()).containsExactly("stale session detected, resetting connection old="
                    + a.key().shortForm() + " new=" + b.key().shortForm() + " endpoint=" + E);
            // the policy hears of events on its own thread
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (policy.events.stream().noneMatch(GatewayEvent.SessionEvicted.class::isInstance)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(policy.events).filteredOn(GatewayEvent.SessionEvicted.class::isInstance).hasSize(1);
        }
        // A's keys are kept for receiving only (the eviction is revocable) and zeroed once they would
        // expire: then only B's (2) remain; B's keepalives keep its session confirmed meanwhile
        assertThat(gw.engine.keptEvictedSessions()).isEqualTo(1);
        h.advance(ProtocolConstants.REJECT_AFTER_TIME);
        assertThat(gw.engine.keptEvictedSessions()).isZero();
        assertThat(transportKeysOf(gw, false)).isEqualTo(2);
    }

    @Test
    void aNewcomerThatNeverConfirmsLeavesTheIncumbentUntouched() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node a = h.client(E, gw);
        h.establish(a, gw);
        // B shows up at E with a new key but its transport packets never arrive
        EngineHarness.Node b = h.client(EngineHarness.endpoint(40009), gw);
        h.net.dropIf(d -> d.type() == MessageType.TRANSPORT_DATA.code() && d.to().equals(EngineHarness.GATEWAY)
                && !d.from().equals(E));
        // B's initiation, as if sent from E
        b.engine.initiateHandshake(gw.key());
        LoopbackNetwork.Datagram init = h.net.sentBy(b.endpoint, 1).getLast();
        h.net.discardQueued();
        h.net.inject(E, EngineHarness.GATEWAY, init.bytes());
        h.deliver();
        h.advance(java.time.Duration.ofSeconds(30));

        assertThat(gw.status(b).state()).isEqualTo(SessionState.AWAITING_CONFIRMATION);
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(E)).contains(a.key());
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
        a.send(gw, "still here");
        h.deliver();
        assertThat(a.handler.texts()).contains("still here");
    }

    @Test
    void keepBothLeavesTheIncumbentAndMovesTheBindingOnConfirmation() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        h.establish(ab[1], gw);

        assertThat(gw.status(ab[0]).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.status(ab[1]).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(E)).contains(ab[1].key());
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
        assertThat(gw.status(ab[0]).lastPolicyDecision()).startsWith("accept-and-keep-both by fixed")
                .contains(ab[1].key().shortForm() + " appeared at " + E);
        assertThat(gw.status(ab[1]).lastPolicyDecision()).contains("took over " + E + " from " + ab[0].key().shortForm());
    }

    @Test
    void rejectDropsTheNewcomerAndLeavesTheIncumbent() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.REJECT));
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        EngineHarness.Node b = ab[1];
        b.send(gw, "let me in");
        h.deliver();

        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
        assertThat(h.net.sentBy(EngineHarness.GATEWAY, 2)).hasSize(1); // only A's handshake was answered
        assertThat(gw.engine.peer(b.key())).isEmpty();
        assertThat(gw.status(ab[0]).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(E)).contains(ab[0].key());
        assertThat(b.status(gw).state()).isEqualTo(SessionState.HANDSHAKE_INITIATED);
    }

    @Test
    void aThrowingPolicyIsAFaultAndTheFallbackDecides() {
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy.Throwing(), OnPolicyFault.RESET_ON_IDENTITY_CHANGE, true);
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        h.establish(ab[1], gw);

        assertThat(gw.engine.counters().policyFaults()).isEqualTo(1);
        assertThat(gw.events(GatewayEvent.PolicyFault.class)).singleElement().satisfies(f -> {
            assertThat(f.policy()).isEqualTo("throwing");
            assertThat(f.fallback()).isEqualTo(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);
            assertThat(f.error()).contains("policy bug");
        });
        assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
        assertThat(gw.engine.peer(ab[0].key())).isEmpty();
    }

    @Test
    void aNullAnsweringPolicyIsAFaultAndTheDefaultFallbackKeepsBoth() {
        EngineHarness.Node gw = h.gateway(EngineHarness.newKeys(), new FixedPolicy(null), OnPolicyFault.DEFAULT, true);
        EngineHarness.Node[] ab = restartWithNewKey(gw);
        h.establish(ab[1], gw);
        assertThat(gw.engine.counters().policyFaults()).isEqualTo(1);
        assertThat(gw.events(GatewayEvent.PolicyFault.class)).singleElement()
                .satisfies(f -> assertThat(f.fallback()).isEqualTo(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
    }

    @Test
    void aConfiguredIncumbentKeepsItsConfigurationWithoutSessionOrEndpoint() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node a = h.client(E, gw);
        gw.engine.addOrUpdatePeer(PeerConfig.of(a.key(), null));
        h.establish(a, gw);
        a.stop();
        EngineHarness.Node b = h.client(E, gw);
        h.establish(b, gw);

        PeerStatus stale = gw.status(a);
        assertThat(stale.configured()).isTrue();
        assertThat(stale.state()).isEqualTo(SessionState.NONE);
        assertThat(stale.endpoint()).isNull();
        assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
        assertThat(gw.engine.peerAt(E)).contains(b.key());
    }

    @Test
    void theSameIdentityReconnectingIsNoIdentityChange() {
        FixedPolicy policy = new FixedPolicy(PolicyDecision.REJECT);
        EngineHarness.Node gw = h.gateway(policy);
        EngineHarness.Node a = h.client(E, gw);
        h.establish(a, gw);
        a.stop();
        h.moveTime(java.time.Duration.ofSeconds(1));
        EngineHarness.Node again = h.client(a.keys, E, gw, java.time.Duration.ZERO);
        h.establish(again, gw);
        assertThat(policy.questions).isEmpty();
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(2);
        assertThat(again.handler.texts()).containsExactly("hello");
    }

}

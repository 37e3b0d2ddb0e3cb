package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import io.postern.spi.IdentityChange;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 3: an admitted key holder sends one authenticated transport packet with the
 * source address of another peer's endpoint E. Its replies may follow it there (WireGuard roaming),
 * but E stays bound to the live session that shook hands there, so the real occupant's restart
 * still evicts the real occupant's stale session.
 */
class RoamingBindingTest {
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static Endpoint at(String ip, int port) {
        try {
            return Endpoint.of(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void roamingCannotTakeTheBindingOfAnotherLiveSession() {
        Endpoint e = at("198.18.2.1", 40000);
        Endpoint f = at("198.18.2.9", 40000);
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);
        EngineHarness.Node attacker = h.client(f, gw);
        h.establish(attacker, gw);

        // the attacker's next packet leaves F, and arrives with E as its source
        h.net.dropIf(d -> d.from().equals(f) && d.type() == MessageType.TRANSPORT_DATA.code());
        attacker.send(gw, "I am at E now");
        h.deliver();
        h.net.dropIf(d -> false);
        LoopbackNetwork.Datagram packet = h.net.captured.getLast();
        assertThat(packet.from()).isEqualTo(f);
        h.net.inject(e, EngineHarness.GATEWAY, packet.bytes());
        h.deliver();

        assertThat(gw.handler.texts()).contains("I am at E now"); // it authenticated
        assertThat(gw.engine.peerAt(e)).as("E stays bound to the session that shook hands there")
                .contains(victim.key());

        // the victim restarts with a new key at E: its own stale session is the one evicted
        victim.stop();
        EngineHarness.Node restarted = h.client(e, gw);
        h.establish(restarted, gw);
        assertThat(gw.engine.peer(victim.key())).isEmpty();
        assertThat(gw.engine.peer(attacker.key())).isPresent();
        assertThat(gw.status(attacker).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(e)).contains(restarted.key());
    }

    /** As session-policy's reject-while-bound: REJECT only for an incumbent that shook hands at the endpoint. */
    private static final class RejectWhileProvenBound extends FixedPolicy {
        RejectWhileProvenBound() {
            super(PolicyDecision.REJECT);
        }

        @Override
        public PolicyDecision onIdentityChange(IdentityChange change) {
            questions.add(change);
            return change.incumbentShookHandsHere() ? PolicyDecision.REJECT : PolicyDecision.ACCEPT_AND_KEEP_BOTH;
        }
    }

    /** {@code from}'s next transport packet arrives at the gateway with {@code spoofed} as its source. */
    private void sendSpoofed(EngineHarness.Node gw, EngineHarness.Node from, Endpoint spoofed, String text) {
        h.net.dropIf(d -> d.from().equals(from.endpoint) && d.type() == MessageType.TRANSPORT_DATA.code());
        from.send(gw, text);
        h.deliver();
        h.net.dropIf(d -> false);
        h.net.inject(spoofed, EngineHarness.GATEWAY, h.net.captured.getLast().bytes());
        h.deliver();
    }

    @Test
    void aRoamedBindingDoesNotLockNewcomersOutAndThePolicyIsToldItWasRoamed() {
        Endpoint e = at("198.18.2.1", 40000);
        Endpoint f = at("198.18.2.9", 40000);
        RejectWhileProvenBound policy = new RejectWhileProvenBound();
        EngineHarness.Node gw = h.gateway(policy);
        EngineHarness.Node roamer = h.client(f, gw);
        h.establish(roamer, gw);
        sendSpoofed(gw, roamer, e, "from E"); // E is free: the roamer takes its binding by roaming
        assertThat(gw.engine.peerAt(e)).contains(roamer.key());

        EngineHarness.Node newcomer = h.client(e, gw);
        h.establish(newcomer, gw);

        assertThat(policy.questions).singleElement().satisfies(q -> {
            assertThat(q.incumbent()).isEqualTo(roamer.key());
            assertThat(q.incumbentBinding()).isEqualTo(IdentityChange.Binding.ROAMING);
        });
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isZero();
        assertThat(gw.status(newcomer).state()).as("not locked out of E").isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(e)).as("the handshake at E proves the binding").contains(newcomer.key());
        assertThat(gw.status(roamer).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    @Test
    void thePolicySeesTheBindingProvenByAHandshakeNotTheRoamedOne() {
        Endpoint e = at("198.18.2.1", 40000);
        Endpoint f = at("198.18.2.9", 40000);
        RejectWhileProvenBound policy = new RejectWhileProvenBound();
        EngineHarness.Node gw = h.gateway(policy);
        EngineHarness.Node occupant = h.client(e, gw);
        h.establish(occupant, gw);
        EngineHarness.Node roamer = h.client(f, gw);
        h.establish(roamer, gw);
        sendSpoofed(gw, roamer, e, "from E"); // refused: E is held by the occupant's live session
        assertThat(gw.engine.counters().get(EngineCounter.ROAMING_BINDINGS_REFUSED)).isEqualTo(1);

        EngineHarness.Node newcomer = h.client(e, gw);
        newcomer.send(gw, "let me in");
        h.deliver();

        assertThat(policy.questions).singleElement().satisfies(q -> {
            assertThat(q.incumbent()).isEqualTo(occupant.key());
            assertThat(q.incumbentBinding()).isEqualTo(IdentityChange.Binding.HANDSHAKE);
            assertThat(q.incumbentShookHandsHere()).isTrue();
        });
        assertThat(gw.engine.counters().drops(DropReason.POLICY_REJECTED)).isEqualTo(1);
        assertThat(gw.engine.peerAt(e)).contains(occupant.key());
    }
}

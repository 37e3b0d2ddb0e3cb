package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.spi.PolicyDecision;
import io.postern.wire.MessageType;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2: an observer that reads the victim's traffic at E and injects packets sends an
 * initiation with a fresh key spoofed from E, reads the response sent to E and confirms. The
 * policy's reset is carried out only for what a restart looks like: the confirmation comes from E
 * and the incumbent authenticated nothing since the newcomer's handshake.
 */
class OnPathEvictionTest {
    private final EngineHarness h = new EngineHarness();
    private final Endpoint e = at("198.18.3.1", 40000);
    private final Endpoint x = at("198.18.3.66", 40000);

    @AfterEach
    void tearDown() {
        h.close();
    }

    private static Endpoint at(String ip, int port) {
        try {
            return Endpoint.of(InetAddress.getByName(ip), port);
        } catch (UnknownHostException ex) {
            throw new AssertionError(ex);
        }
    }

    private static LoopbackNetwork.Datagram last(EngineHarness h, Endpoint from, MessageType type) {
        return h.net.sentBy(from, type.code()).getLast();
    }

    /** Runs the attack; returns the attacker's node. {@code victimTalks}: the victim sends after the initiation. */
    private EngineHarness.Node attack(EngineHarness.Node gw, EngineHarness.Node victim, boolean victimTalks,
                                      boolean confirmFromE) {
        EngineHarness.Node attacker = h.client(x, gw);
        h.net.dropIf(d -> d.from().equals(x)); // everything the attacker sends is re-injected by hand
        attacker.send(gw, "let me in");
        h.deliver();
        h.net.inject(e, EngineHarness.GATEWAY, last(h, x, MessageType.HANDSHAKE_INITIATION).bytes());
        h.deliver(); // the gateway answers to E
        if (victimTalks) {
            h.advance(Duration.ofMillis(5));
            victim.send(gw, "still here");
            h.deliver();
        }
        h.net.inject(EngineHarness.GATEWAY, x, last(h, EngineHarness.GATEWAY, MessageType.HANDSHAKE_RESPONSE).bytes());
        h.deliver(); // the attacker read the response at E; its first transport packet confirms
        h.net.inject(confirmFromE ? e : x, EngineHarness.GATEWAY, last(h, x, MessageType.TRANSPORT_DATA).bytes());
        h.deliver();
        h.net.dropIf(d -> false);
        return attacker;
    }

    @Test
    void aVictimThatKeepsTalkingKeepsItsSession() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);

        EngineHarness.Node attacker = attack(gw, victim, true, true);

        assertThat(gw.engine.counters().sessionsConfirmed()).as("the attacker's session was confirmed").isEqualTo(2);
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
        assertThat(gw.status(victim).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peer(attacker.key())).isPresent();
        victim.send(gw, "after the attack");
        h.deliver();
        assertThat(victim.handler.texts()).contains("still here", "after the attack");
    }

    @Test
    void aConfirmationFromAnotherEndpointEvictsNobody() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);

        attack(gw, victim, false, false); // a silent victim, but the confirmation comes from X

        assertThat(gw.engine.counters().sessionsConfirmed()).isEqualTo(2);
        assertThat(gw.engine.counters().staleSessionsEvicted()).isZero();
        assertThat(gw.status(victim).state()).isEqualTo(SessionState.ESTABLISHED);
    }

    /**
     * The attacker confirms before the victim's next packet: the eviction happens, but the victim's
     * next authenticated packet on its old session restores it (the eviction was contested).
     */
    @Test
    void aVictimEvictedBeforeItsNextPacketGetsItsSessionBackWithThatPacket() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);
        long sessionsBefore = victim.engine.counters().handshakesInitiated();

        EngineHarness.Node attacker = attack(gw, victim, false, true); // confirmed from E before the victim spoke
        assertThat(gw.engine.counters().staleSessionsEvicted()).as("the attack evicted the victim").isEqualTo(1);
        assertThat(gw.engine.peer(victim.key())).isEmpty();

        h.advance(Duration.ofMillis(20));
        for (int i = 0; i < 5; i++) {
            victim.send(gw, "still here " + i);
            h.deliver();
        }

        assertThat(gw.handler.texts()).as("no packet of the victim was lost")
                .contains("still here 0", "still here 1", "still here 2", "still here 3", "still here 4");
        assertThat(gw.engine.counters().get(EngineCounter.EVICTIONS_CONTESTED)).isEqualTo(1);
        assertThat(gw.status(victim).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(e)).as("E is bound to the victim again").contains(victim.key());
        assertThat(gw.engine.peer(attacker.key())).isPresent();
        assertThat(victim.engine.counters().handshakesInitiated()).as("no new handshake was needed")
                .isEqualTo(sessionsBefore);
        gw.send(victim, "the gateway reaches the victim again");
        h.deliver();
        assertThat(victim.handler.texts()).contains("the gateway reaches the victim again");
    }

    /** A genuinely restarted peer's old session is kept for receiving only until its keys would expire. */
    @Test
    void anEvictedSessionNobodyContestsIsZeroedWhenItsKeysWouldExpire() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);
        victim.stop();
        EngineHarness.Node restarted = h.client(e, gw);
        h.establish(restarted, gw);
        assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
        assertThat(gw.engine.keptEvictedSessions()).isEqualTo(1);
        assertThat(gw.engine.dynamicPeerCount()).as("the kept session holds its dynamic-peer slot").isEqualTo(2);

        h.advance(ProtocolConstants.REJECT_AFTER_TIME.plusSeconds(1));

        assertThat(gw.engine.keptEvictedSessions()).isZero();
        assertThat(gw.engine.dynamicPeerCount()).isLessThanOrEqualTo(1);
        assertThat(gw.engine.peer(victim.key())).isEmpty();
    }

    /** A kept session holds a dynamic-peer slot, and is the first to make room when the table is full. */
    @Test
    void aKeptSessionMakesRoomInAFullDynamicTable() {
        EngineHarness.Node gw = h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY,
                new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION), OnPolicyFault.KEEP_BOTH,
                TestAdmission.OPEN, EngineHarness.DETERMINISTIC.withPeerBounds(2, 100));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);
        victim.stop();
        h.establish(h.client(e, gw), gw); // the restart: the old session is kept, the table is full
        assertThat(gw.engine.dynamicPeerCount()).isEqualTo(2);

        EngineHarness.Node other = h.client(at("198.18.3.2", 40000), gw);
        h.establish(other, gw);

        assertThat(gw.engine.peer(other.key())).isPresent();
        assertThat(gw.engine.keptEvictedSessions()).isZero();
        assertThat(gw.engine.dynamicPeerCount()).isEqualTo(2);
    }

    @Test
    void theGenuineRestartStillEvictsAtOnce() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
        EngineHarness.Node victim = h.client(e, gw);
        h.establish(victim, gw);
        victim.stop();
        h.advance(Duration.ofMillis(5));
        EngineHarness.Node restarted = h.client(e, gw);
        h.establish(restarted, gw);
        assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
        assertThat(gw.engine.peer(victim.key())).isEmpty();
    }
}

package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.postern.engine.EngineCounters;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionEngine;
import io.postern.engine.SessionState;
import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.gateway.PosternNode;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reason Postern exists: a peer behind NAT crashes and comes back with a NEW static key from
 * the SAME IP:port. Under {@code reset-on-identity-change} it gets back in at once and the stale
 * session is evicted exactly once; under {@code keep-both} it gets in and the stale session stays;
 * under {@code reject-while-bound} it stays locked out — the original bug, reproduced.
 */
class PeerReconnectAfterRestartIT {
    /** How long the restarted peer may take to handshake and see its first echo. */
    private static final Duration RECONNECT_BOUND = Duration.ofSeconds(2);
    private static final Duration SETUP_BOUND = Duration.ofSeconds(5);
    private static final String STALE_LOG = "stale session detected";

    private Nodes nodes;
    private EventRecorder gatewayEvents;
    private LogCapture engineLog;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
        gatewayEvents = new EventRecorder();
        engineLog = nodes.closeLater(new LogCapture("io.postern.engine"));
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    /** What the scenario leaves behind for the assertions of each policy. */
    private record Restart(PosternNode gateway, PublicKey oldKey, TestPeer newPeer, Endpoint endpoint) {
        SessionEngine engine() {
            return gateway.engine();
        }
    }

    /**
     * Steps 1–4: gateway up; peer A (fresh key) on a port P connects and echoes; A is killed (node
     * closed, all state dropped); peer B (new key) binds the same P and starts its handshake.
     */
    private Restart restartPeerWithNewKey(String policy) {
        PosternNode gateway = nodes.start(Nodes.gatewayConfig(Nodes.freshKey(), policy).listener(gatewayEvents)
                .build());
        Endpoint gatewayEndpoint = Nodes.loopbackEndpointOf(gateway);

        TestPeer a = nodes.peer(gateway.publicKey(), gatewayEndpoint, 0);
        Endpoint p = a.endpoint();
        a.connectAndEcho(TestPeer.uniquePayload("from A"), SETUP_BOUND);
        assertThat(gateway.engine().peerAt(p)).contains(a.key());

        a.node.close();

        TestPeer b = nodes.peer(gateway.publicKey(), gatewayEndpoint, p.port());
        assertThat(b.endpoint()).isEqualTo(p);
        assertThat(b.key()).isNotEqualTo(a.key());
        return new Restart(gateway, a.key(), b, p);
    }

    @Test
    void resetOnIdentityChangeLetsTheNewKeyInAndEvictsTheStaleSessionOnce() {
        Restart r = restartPeerWithNewKey("reset-on-identity-change");

        r.newPeer().connectAndEcho(TestPeer.uniquePayload("from B"), RECONNECT_BOUND);

        await("stale session evicted").atMost(RECONNECT_BOUND)
                .until(() -> r.engine().counters().staleSessionsEvicted() >= 1);
        assertThat(r.engine().peerAt(r.endpoint())).contains(r.newPeer().key());
        assertThat(r.engine().peer(r.oldKey()).map(PeerStatus::state).orElse(SessionState.NONE))
                .as("A's session (no peer entry counts as NONE)").isEqualTo(SessionState.NONE);
        assertThat(r.engine().counters().staleSessionsEvicted()).isEqualTo(1);
        assertThat(gatewayEvents.of(GatewayEvent.SessionEvicted.class)).singleElement().satisfies(e -> {
            assertThat(e.evicted()).isEqualTo(r.oldKey());
            assertThat(e.replacement()).isEqualTo(r.newPeer().key());
            assertThat(e.endpoint()).isEqualTo(r.endpoint());
        });
        assertThat(engineLog.count(STALE_LOG)).as("'%s' log lines", STALE_LOG).isEqualTo(1);
    }

    @Test
    void keepBothLetsTheNewKeyInAndKeepsTheStaleSession() {
        Restart r = restartPeerWithNewKey("keep-both");

        r.newPeer().connectAndEcho(TestPeer.uniquePayload("from B"), RECONNECT_BOUND);

        assertThat(r.engine().peer(r.oldKey())).as("A's stale session")
                .hasValueSatisfying(s -> assertThat(s.state()).isNotEqualTo(SessionState.NONE));
        assertThat(r.engine().counters().staleSessionsEvicted()).isZero();
        assertThat(gatewayEvents.of(GatewayEvent.SessionEvicted.class)).isEmpty();
        assertThat(engineLog.count(STALE_LOG)).isZero();
    }

    @Test
    void rejectWhileBoundLocksTheNewKeyOutAsInTheOriginalBug() {
        Restart r = restartPeerWithNewKey("reject-while-bound");

        r.newPeer().connect();

        await("B's initiation rejected by the policy").atMost(RECONNECT_BOUND)
                .until(() -> r.engine().counters().drops(DropReason.POLICY_REJECTED) > 0);
        await("B stays locked out").during(RECONNECT_BOUND).atMost(RECONNECT_BOUND.plusSeconds(1))
                .until(() -> !r.newPeer().established());
        EngineCounters counters = r.engine().counters();
        assertThat(counters.drops(DropReason.POLICY_REJECTED)).isPositive();
        assertThat(counters.staleSessionsEvicted()).isZero();
        assertThat(r.engine().peerAt(r.endpoint())).contains(r.oldKey());
        assertThat(gatewayEvents.of(GatewayEvent.SessionEvicted.class)).isEmpty();
    }
}

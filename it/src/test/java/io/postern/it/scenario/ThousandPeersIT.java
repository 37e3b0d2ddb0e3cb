package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.gateway.PosternNode;
import io.postern.net.Endpoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One gateway, 1,000 real peer nodes connected at once from distinct ports; then 100 of them
 * restart with new keys on their old ports. All 1,000 end connected (each echoes) and the
 * gateway's peer table holds exactly 1,000 peers: every stale session was evicted, none leaked.
 *
 * <p>Peers connect in waves so two shared cores are not asked for 1,000 handshakes in one instant
 * (that would only exercise the cookie path, which has its own tests); they stay connected together.
 */
class ThousandPeersIT {
    private static final int PEERS = 1_000;
    private static final int RESTARTED = 100;
    private static final int WAVE = 50;
    private static final Duration WAVE_BOUND = Duration.ofSeconds(20);

    private Nodes nodes;

    @BeforeEach
    void setUp() {
        nodes = new Nodes();
    }

    @AfterEach
    void tearDown() {
        nodes.close();
    }

    @Test
    void aThousandPeersStayConnectedWhileAHundredRestartWithNewKeys() {
        PosternNode gateway = nodes.start(Nodes.gatewayConfig(Nodes.freshKey(), "reset-on-identity-change").build());
        Endpoint gatewayEndpoint = Nodes.loopbackEndpointOf(gateway);

        List<TestPeer> peers = new ArrayList<>();
        for (int i = 0; i < PEERS; i++) {
            peers.add(nodes.peer(gateway.publicKey(), gatewayEndpoint, 0));
        }
        Set<Integer> ports = new HashSet<>();
        peers.forEach(p -> ports.add(p.endpoint().port()));
        assertThat(ports).hasSize(PEERS);
        connectInWaves(peers, "first connect");
        assertThat(gateway.engine().peers()).hasSize(PEERS);

        List<TestPeer> restarted = new ArrayList<>();
        for (int i = 0; i < RESTARTED; i++) {
            TestPeer old = peers.get(i * (PEERS / RESTARTED));
            old.node.close();
            TestPeer fresh = nodes.peer(gateway.publicKey(), gatewayEndpoint, old.endpoint().port());
            assertThat(fresh.key()).isNotEqualTo(old.key());
            peers.set(peers.indexOf(old), fresh);
            restarted.add(fresh);
        }
        connectInWaves(restarted, "reconnect with a new key");

        // every peer, old or new, still gets its echo
        for (int from = 0; from < PEERS; from += WAVE) {
            List<TestPeer> wave = peers.subList(from, Math.min(PEERS, from + WAVE));
            TestPeer.echoAll(wave, "final check", WAVE_BOUND);
        }
        assertThat(gateway.engine().counters().staleSessionsEvicted()).isEqualTo(RESTARTED);
        assertThat(gateway.engine().peers()).hasSize(PEERS);
        restarted.forEach(p -> assertThat(gateway.engine().peerAt(p.endpoint())).contains(p.key()));
    }

    private static void connectInWaves(List<TestPeer> peers, String label) {
        for (int from = 0; from < peers.size(); from += WAVE) {
            List<TestPeer> wave = peers.subList(from, Math.min(peers.size(), from + WAVE));
            wave.forEach(TestPeer::connect);
            TestPeer.echoAll(wave, label, WAVE_BOUND);
        }
    }
}

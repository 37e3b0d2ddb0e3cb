package io.postern.it.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.gateway.NodeConfig;
import io.postern.gateway.PosternNode;
import io.postern.key.PrivateKey;
import io.postern.net.Endpoint;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway restarts (same private key, same port) while a peer is connected: the new gateway
 * knows none of the old sessions, so the peer's next packets go unanswered; the peer must notice,
 * re-handshake and resume. As in wireguard-go, a new handshake is due KEEPALIVE_TIMEOUT +
 * REKEY_TIMEOUT (+ up to 333 ms jitter) after the first unanswered data: 15.333 s.
 */
class GatewayRestartIT {
    private static final Duration SETUP_BOUND = Duration.ofSeconds(5);
    /** KEEPALIVE_TIMEOUT + REKEY_TIMEOUT + jitter is 15.333 s; the peer notices only after its first unanswered send. */
    private static final Duration RESUME_BOUND = Duration.ofSeconds(19);

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
    void peerReHandshakesAndResumesAfterTheGatewayRestarts() {
        PrivateKey gatewayKey = Nodes.freshKey();
        PosternNode first = nodes.start(Nodes.gatewayConfig(gatewayKey, NodeConfig.DEFAULT_SESSION_POLICY).build());
        Endpoint gatewayEndpoint = Nodes.loopbackEndpointOf(first);
        TestPeer a = nodes.peer(first.publicKey(), gatewayEndpoint, 0);
        a.connectAndEcho(TestPeer.uniquePayload("before restart"), SETUP_BOUND);

        first.close();
        PosternNode second = nodes.start(Nodes.gatewayConfig(gatewayKey, NodeConfig.DEFAULT_SESSION_POLICY)
                .listenPort(gatewayEndpoint.port()).build());
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        assertThat(second.engine().peer(a.key())).as("the new gateway starts with no sessions").isEmpty();

        a.keepSendingUntilEchoed(TestPeer.uniquePayload("after restart"), RESUME_BOUND);

        assertThat(second.engine().peerAt(a.endpoint())).contains(a.key());
        assertThat(second.engine().counters().handshakesCompleted()).isPositive();
    }
}

package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.net.Endpoint;
import io.postern.spi.PolicyDecision;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4: the dynamic-peer table cannot be held by one source, and when it is full an
 * idle confirmed dynamic peer makes room for a newcomer — never a configured peer, never one in use.
 */
class DynamicPeerQuotaTest {
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

    private EngineHarness.Node gateway(int maxDynamic, int perSource) {
        return h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY,
                new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION), OnPolicyFault.KEEP_BOTH,
                TestAdmission.OPEN, EngineHarness.DETERMINISTIC.withPeerBounds(maxDynamic, 100)
                        .withDynamicPeersPerSource(perSource));
    }

    @Test
    void oneSourceFillsOnlyItsQuotaAndOthersStillGetIn() {
        EngineHarness.Node gw = gateway(10, 3);
        for (int i = 0; i < 3; i++) {
            h.establish(h.client(at("198.18.0.66", 41000 + i), gw), gw);
        }
        EngineHarness.Node fourth = h.client(at("198.18.0.66", 41003), gw);
        fourth.send(gw, "one more key from the same host");
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.CAPACITY)).isEqualTo(1);
        assertThat(gw.engine.peer(fourth.key())).isEmpty();

        EngineHarness.Node other = h.client(at("198.18.0.77", 41000), gw);
        h.establish(other, gw);
        // a source's slot comes back when its peer goes
        h.establish(h.client(at("2001:db8:1:2::1", 41000), gw), gw);
        assertThat(gw.engine.peerCount()).isEqualTo(5);
    }

    @Test
    void aFullTableMakesRoomFromItsIdlestConfirmedDynamicPeerNeverAConfiguredOne() {
        EngineHarness.Node gw = gateway(3, 3);
        EngineHarness.Node configured = h.client(at("198.18.1.1", 41000), gw);
        gw.engine.addOrUpdatePeer(io.postern.engine.PeerConfig.of(configured.key(), null));
        h.establish(configured, gw);
        EngineHarness.Node oldest = h.client(at("198.18.1.2", 41000), gw);
        h.establish(oldest, gw);
        h.advance(Duration.ofSeconds(1));
        EngineHarness.Node younger = h.client(at("198.18.1.3", 41000), gw);
        h.establish(younger, gw);
        h.advance(Duration.ofSeconds(1));
        EngineHarness.Node youngest = h.client(at("198.18.1.4", 41000), gw);
        h.establish(youngest, gw);

        // full of confirmed dynamic peers in use: a newcomer is refused, nobody is displaced
        EngineHarness.Node early = h.client(at("198.18.1.5", 41000), gw);
        early.send(gw, "too early");
        h.deliver();
        assertThat(gw.engine.peer(early.key())).isEmpty();
        assertThat(gw.engine.peerCount()).isEqualTo(4);
        early.stop(); // no retries from it later


        // all idle now (their last passive keepalives were ~10 s after the echo); the restarted peer
        // gets in and the least recently authenticated dynamic peer goes
        h.advance(ProtocolConstants.DYNAMIC_PEER_IDLE.plusSeconds(15));
        EngineHarness.Node restarted = h.client(at("198.18.1.6", 41000), gw);
        h.establish(restarted, gw);
        assertThat(gw.engine.peer(oldest.key())).isEmpty();
        assertThat(gw.engine.peer(younger.key())).isPresent();
        assertThat(gw.engine.peer(configured.key())).as("configured peers are never displaced").isPresent();
    }
}

package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.PolicyDecision;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11, item 9: payloads staged for peers without a session are bounded engine-wide, not 128 × 64 KiB per peer. */
class StagingBoundTest {
    private static final int PAYLOAD = 60_000;
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    @Test
    void manyOfflinePeersCannotStageMoreThanTheEngineWideBound() throws UnknownHostException {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        byte[] payload = new byte[PAYLOAD];
        long accepted = 0;
        long refused = 0;
        for (int p = 0; p < 6; p++) { // 6 × 128 × 60 kB = 46 MB asked for
            // a configured peer at an address where nobody answers: everything sent to it is staged
            PublicKey offline = EngineHarness.newKeys().publicKey();
            gw.engine.addOrUpdatePeer(PeerConfig.of(offline, Endpoint.of(InetAddress.getByName("198.18.4." + (p + 1)), 40000)));
            for (int i = 0; i < ProtocolConstants.DEFAULT_MAX_STAGED_PACKETS; i++) {
                if (gw.engine.send(offline, payload, 0, payload.length)) {
                    accepted++;
                } else {
                    refused++;
                }
            }
        }
        assertThat(accepted * PAYLOAD).isLessThanOrEqualTo(ProtocolConstants.MAX_STAGED_BYTES);
        assertThat(refused).isPositive();
    }
}

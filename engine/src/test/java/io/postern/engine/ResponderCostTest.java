package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.spi.PolicyDecision;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.Tai64n;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11, item 8: what an initiation costs the responder, in X25519 operations, by who sends it. */
class ResponderCostTest {
    private final EngineHarness h = new EngineHarness();

    @AfterEach
    void tearDown() {
        h.close();
    }

    private byte[] initiationFrom(StaticKeyPair sender, EngineHarness.Node gw) {
        HandshakeResult<InitiatorHandshake> r = RealCrypto.handshakes().create(RealCrypto.provider(), sender)
                .initiate(gw.key(), PresharedKey.NONE, 7, Tai64n.of(h.clock.instant()), null);
        return ((HandshakeResult.Success<InitiatorHandshake>) r).value().message();
    }

    @Test
    void aForgedInitiationFromAnUnknownKeyCostsOneDiffieHellman() {
        EngineHarness.Node gw = h.node(EngineHarness.newKeys(), EngineHarness.GATEWAY,
                new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH), OnPolicyFault.KEEP_BOTH, TestAdmission.ALLOWLIST,
                EngineHarness.DETERMINISTIC);
        byte[] forged = initiationFrom(EngineHarness.newKeys(), gw);
        long before = gw.crypto.scalarMultiplications.get();
        gw.engine.onDatagram(EngineHarness.endpoint(43000), forged, 0, HandshakeInitiation.SIZE);
        assertThat(gw.engine.counters().drops(DropReason.NOT_ADMITTED)).isEqualTo(1);
        assertThat(gw.crypto.scalarMultiplications.get() - before)
                .as("DH(S_gateway, E_initiator) to decrypt the static key, nothing after it").isEqualTo(1);
    }

    @Test
    void anAdmittedInitiationCostsTheHandshakeAndItsStaticStaticIsCachedOnce() {
        EngineHarness.Node gw = h.gateway(new FixedPolicy(PolicyDecision.ACCEPT_AND_KEEP_BOTH));
        StaticKeyPair peer = EngineHarness.newKeys();
        long before = gw.crypto.scalarMultiplications.get();
        gw.engine.onDatagram(EngineHarness.endpoint(43000), initiationFrom(peer, gw), 0, HandshakeInitiation.SIZE);
        // es, ss (computed, then cached), the ephemeral key made for the response, ee, se
        assertThat(gw.crypto.scalarMultiplications.get() - before).isEqualTo(5);
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(1);

        h.advance(java.time.Duration.ofSeconds(1)); // past the per-peer initiation rate
        before = gw.crypto.scalarMultiplications.get();
        gw.engine.onDatagram(EngineHarness.endpoint(43000), initiationFrom(peer, gw), 0, HandshakeInitiation.SIZE);
        assertThat(gw.crypto.scalarMultiplications.get() - before).as("ss from the cache").isEqualTo(4);
    }
}

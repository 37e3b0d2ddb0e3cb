package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.spi.PolicyDecision;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.MessageType;
import io.postern.wire.Tai64n;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Key material ends with the session: transport keys of retired keypairs and every handshake state
 * (chaining key, hash, ephemeral private key) are zeroed on every path — completion, refusal,
 * replacement, giving up, half-open eviction, expiry, close — and no private or transport key ever
 * appears in a log line or a {@code toString()}.
 */
class SecretsTest {
    private final EngineHarness h = new EngineHarness();
    private final FixedPolicy reset = new FixedPolicy(PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION);

    @AfterEach
    void close() {
        h.close();
    }

    private static long liveTransportKeys(EngineHarness.Node n) {
        return n.crypto.keys.stream().filter(k -> !k.destroyed).count();
    }

    private byte[] freshInitiation(EngineHarness.Node gw) {
        StaticKeyPair k = EngineHarness.newKeys();
        return ((HandshakeResult.Success<InitiatorHandshake>) RealCrypto.handshakes().create(RealCrypto.provider(), k)
                .initiate(gw.key(), PresharedKey.NONE, 9, Tai64n.of(h.clock.instant()), null)).value().message();
    }

    @Test
    void everyHandshakeStateIsDestroyedOnEveryPath() {
        EngineHarness.Node gw = h.gateway(reset);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw); // completed in both roles
        byte[] initiation = h.net.sentBy(EngineHarness.CLIENT_A, MessageType.HANDSHAKE_INITIATION.code())
                .getFirst().bytes();
        h.net.inject(EngineHarness.CLIENT_A, EngineHarness.GATEWAY, initiation); // refused: replayed
        h.deliver();

        h.net.dropIf(d -> true); // from here nothing arrives
        a.engine.initiateHandshake(gw.key());
        h.moveTime(ProtocolConstants.REKEY_TIMEOUT.plusSeconds(1)); // past the gate between initiations
        a.engine.initiateHandshake(gw.key()); // replaces the one in flight
        assertThat(a.handshakes.states).filteredOn(s -> !s.destroyed).hasSize(1);
        // 18 retries, then gives up: 19 × (REKEY_TIMEOUT + up to 333 ms) ≤ 101.4 s
        h.advance(ProtocolConstants.REKEY_ATTEMPT_TIME.plusSeconds(15));
        assertThat(a.handshakes.states).hasSizeGreaterThan(4).allMatch(s -> s.destroyed);
        assertThat(gw.handshakes.states).filteredOn(s -> s.role.equals("responder")).hasSize(2)
                .allMatch(s -> s.destroyed);
        assertThat(gw.handshakes.states).as("at most the gateway's own initiation in flight")
                .filteredOn(s -> !s.destroyed).hasSizeLessThanOrEqualTo(1);

        h.net.dropIf(d -> false);
        a.engine.initiateHandshake(gw.key()); // in flight at close
        a.engine.close();
        gw.engine.close();
        assertThat(a.handshakes.states).allMatch(s -> s.destroyed);
        assertThat(gw.handshakes.states).allMatch(s -> s.destroyed);
    }

    @Test
    void closingTheEngineDestroysItsHandshakeProtocol() {
        EngineHarness.Node gw = h.gateway(reset);
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        assertThat(gw.handshakes.protocolDestroyed).isFalse();
        gw.engine.close();
        assertThat(gw.handshakes.protocolDestroyed).as("static key copy and static-static cache zeroed").isTrue();
    }

    @Test
    void retiredKeypairsAreZeroedOnRekeyEvictionOfHalfOpenAndExpiry() {
        EngineHarness.Node gw = h.gateway(EngineHarness.DETERMINISTIC.withPeerBounds(100, 1));
        EngineHarness.Node a = h.client(EngineHarness.CLIENT_A, gw);
        h.establish(a, gw);
        assertThat(liveTransportKeys(gw)).isEqualTo(2);

        // half-open: each newcomer evicts the previous one and its keys are zeroed
        for (int i = 0; i < 3; i++) {
            h.net.inject(EngineHarness.endpoint(43000), EngineHarness.GATEWAY, freshInitiation(gw));
            h.deliver();
        }
        assertThat(gw.engine.counters().halfOpenEvicted()).isEqualTo(2);
        assertThat(liveTransportKeys(gw)).as("A's keypair + one half-open").isEqualTo(4);

        // rekeys: current, previous and the one before; the oldest is zeroed each time
        for (int i = 0; i < 3; i++) {
            h.advance(ProtocolConstants.REKEY_TIMEOUT.plusSeconds(1));
            a.engine.initiateHandshake(gw.key());
            h.deliver();
            a.send(gw, "rekeyed " + i);
            h.deliver();
        }
        assertThat(liveTransportKeys(a)).as("current + previous").isEqualTo(4);
        List<SpyingCryptoProvider.SpyKey> retired = a.crypto.keys.subList(0, 4);
        assertThat(retired).allMatch(k -> k.destroyed);

        // expiry: no new handshake for REJECT_AFTER_TIME × 3 zeroes everything
        h.net.dropIf(d -> true);
        h.advance(ProtocolConstants.ZERO_KEYS_AFTER.plusSeconds(1));
        assertThat(liveTransportKeys(gw)).isZero();
        assertThat(liveTransportKeys(a)).isZero();
    }

    @Test
    void noPrivateOrTransportKeyInAnyLogLineOrToString() {
        List<String> seen = new ArrayList<>();
        EngineHarness.Node gw;
        EngineHarness.Node a;
        EngineHarness.Node a2;
        try (LogCapture log = new LogCapture("io.postern", Level.TRACE)) {
            gw = h.gateway(reset);
            a = h.client(EngineHarness.CLIENT_A, gw);
            h.establish(a, gw);
            a.send(gw, "data");
            h.deliver();
            h.net.inject(EngineHarness.CLIENT_A, EngineHarness.GATEWAY, new byte[] {4, 0, 0, 0, 1, 2, 3});
            h.deliver();
            a.stop();
            a2 = h.client(EngineHarness.CLIENT_A, gw); // restarted with a new key at the same endpoint
            h.establish(a2, gw); // confirms, evicts the stale session
            assertThat(gw.engine.counters().staleSessionsEvicted()).isEqualTo(1);
            h.advance(Duration.ofSeconds(30)); // keepalives and timers
            seen.addAll(log.everything());
        }
        assertThat(seen).as("something was logged at debug").isNotEmpty();
        for (EngineHarness.Node n : List.of(gw, a, a2)) {
            seen.add(n.engine.peers().toString());
            seen.add(n.engine.counters().toString());
            seen.add(n.events.toString());
            seen.add(n.keys.toString());
            seen.add(n.keys.privateKey().toString());
        }
        List<byte[]> secrets = new ArrayList<>();
        for (EngineHarness.Node n : List.of(gw, a, a2)) {
            secrets.add(n.keys.privateKey().toBytes());
            secrets.addAll(n.crypto.rawKeys);
        }
        assertThat(secrets).hasSizeGreaterThan(3 + 6);
        String all = String.join("\n", seen);
        for (byte[] secret : secrets) {
            for (String form : forms(secret)) {
                assertThat(all).doesNotContainIgnoringCase(form);
            }
        }
    }

    /** Base64 (with and without padding, and its first 12 characters) and hex of a key. */
    private static List<String> forms(byte[] key) {
        String b64 = Base64.getEncoder().encodeToString(key);
        String hex = HexFormat.of().formatHex(key);
        return List.of(b64, b64.replace("=", ""), b64.substring(0, 12), Base64.getUrlEncoder().encodeToString(key),
                hex, hex.substring(0, 24), java.util.Arrays.toString(key));
    }
}

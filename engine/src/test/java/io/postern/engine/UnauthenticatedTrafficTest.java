package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.event.DropReason;
import io.postern.spi.GatewayEvent;
import io.postern.net.Endpoint;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.LittleEndian;
import io.postern.wire.MessageType;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spoofed, garbage, truncated and replayed datagrams — sent from A's own endpoint — are dropped and
 * counted under the right reason and change nothing: A's session keeps working.
 */
class UnauthenticatedTrafficTest {
    private static final Endpoint E = EngineHarness.CLIENT_A;
    private final EngineHarness h = new EngineHarness();
    private final EngineHarness.Node gw = h.gateway(new FixedPolicy(io.postern.spi.PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION));
    private final EngineHarness.Node a = h.client(E, gw);
    private byte[] initiation;
    private byte[] transport;

    @BeforeEach
    void establish() {
        h.establish(a, gw);
        initiation = h.net.sentBy(E, MessageType.HANDSHAKE_INITIATION.code()).getFirst().bytes();
        transport = h.net.sentBy(E, MessageType.TRANSPORT_DATA.code()).getFirst().bytes();
    }

    @AfterEach
    void close() {
        h.close();
    }

    private void inject(byte[] bytes) {
        h.net.inject(E, EngineHarness.GATEWAY, bytes);
        h.deliver();
    }

    private void assertSessionIntactAndOnlyDropped(DropReason reason) {
        assertThat(gw.engine.counters().drops(reason)).as(reason.name()).isEqualTo(1);
        assertThat(gw.engine.counters().drops().entrySet()).filteredOn(e -> e.getKey() != reason)
                .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey().name()).isZero());
        assertThat(gw.status(a).state()).isEqualTo(SessionState.ESTABLISHED);
        assertThat(gw.engine.peerAt(E)).contains(a.key());
        assertThat(gw.engine.peerCount()).isEqualTo(1);
        assertThat(gw.events).noneMatch(e -> e instanceof GatewayEvent.SessionEvicted
                || e instanceof GatewayEvent.IdentityChangedAtEndpoint || e instanceof GatewayEvent.SessionExpired);
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(1);
        a.send(gw, "still works");
        h.deliver();
        assertThat(a.handler.texts()).endsWith("still works");
    }

    @Test
    void tooShort() {
        inject(new byte[] {4, 0});
        assertSessionIntactAndOnlyDropped(DropReason.WIRE_TOO_SHORT);
    }

    @Test
    void unknownType() {
        inject(new byte[64]);
        assertSessionIntactAndOnlyDropped(DropReason.WIRE_UNKNOWN_TYPE);
    }

    @Test
    void nonZeroReserved() {
        byte[] b = transport.clone();
        b[2] = 1;
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.WIRE_NONZERO_RESERVED);
    }

    @Test
    void truncatedInitiation() {
        inject(java.util.Arrays.copyOf(initiation, 100));
        assertSessionIntactAndOnlyDropped(DropReason.WIRE_WRONG_LENGTH);
    }

    @Test
    void truncatedTransport() {
        inject(java.util.Arrays.copyOf(transport, 20));
        assertSessionIntactAndOnlyDropped(DropReason.WIRE_TRANSPORT_TOO_SHORT);
    }

    @Test
    void forgedTransportUnderTheLiveIndex() {
        byte[] b = transport.clone();
        b[b.length - 1] ^= 1;
        LittleEndian.putLong(b, 8, 77); // a fresh counter: only the tag can tell
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.DECRYPT_FAILED);
    }

    @Test
    void replayedTransport() {
        inject(transport);
        assertSessionIntactAndOnlyDropped(DropReason.REPLAYED);
    }

    @Test
    void unknownReceiverIndex() {
        byte[] b = transport.clone();
        LittleEndian.putInt(b, 4, LittleEndian.getInt(b, 4) ^ 0x5a5a5a5a);
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.UNKNOWN_RECEIVER_INDEX);
    }

    @Test
    void counterAtRejectAfterMessages() {
        byte[] b = transport.clone();
        LittleEndian.putLong(b, 8, ProtocolConstants.REJECT_AFTER_MESSAGES);
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.KEYS_EXPIRED);
    }

    @Test
    void replayedInitiation() {
        inject(initiation);
        assertSessionIntactAndOnlyDropped(DropReason.INITIATION_REPLAYED);
        assertThat(h.net.sentBy(EngineHarness.GATEWAY, MessageType.HANDSHAKE_RESPONSE.code())).hasSize(1);
    }

    @Test
    void badMac1() {
        byte[] b = initiation.clone();
        b[HandshakeInitiation.MAC1_OFFSET] ^= 1;
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.MAC1_INVALID);
    }

    @Test
    void initiationThatDoesNotDecryptDespiteAValidMac1() {
        // mac1 is keyed by the gateway's public key: anyone can compute it
        byte[] b = initiation.clone();
        b[HandshakeInitiation.STATIC_OFFSET] ^= 1;
        byte[] mac1Key = gw.crypto.blake2s().hash("mac1----".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                gw.key().toBytes());
        var digest = gw.crypto.blake2s().newDigest(16, mac1Key);
        digest.update(b, 0, HandshakeInitiation.MAC1_OFFSET);
        digest.doFinal(b, HandshakeInitiation.MAC1_OFFSET);
        inject(b);
        assertSessionIntactAndOnlyDropped(DropReason.INITIATION_DECRYPT_FAILED);
    }

    @Test
    void responseOrCookieReplyNamingNoHandshakeOfOurs() {
        byte[] response = h.net.sentBy(EngineHarness.GATEWAY, MessageType.HANDSHAKE_RESPONSE.code()).getFirst().bytes();
        // the gateway's own response sent back to it: mac1 is for A's key, not the gateway's
        inject(response);
        assertSessionIntactAndOnlyDropped(DropReason.MAC1_INVALID);
        byte[] cookie = new byte[64];
        cookie[0] = 3;
        inject(cookie);
        assertThat(gw.engine.counters().drops(DropReason.UNKNOWN_HANDSHAKE_INDEX)).isEqualTo(1);
    }

    @Test
    void aFloodOfValidInitiationsFromOnePeerIsLimited() {
        h.moveTime(java.time.Duration.ofSeconds(6)); // past A's REKEY_TIMEOUT gate since its first handshake
        a.engine.initiateHandshake(gw.key());
        h.moveTime(java.time.Duration.ofMillis(17)); // a newer timestamp (2^24 ns granularity) within 20 ms
        // made by hand with A's key: A's own engine gates initiations REKEY_TIMEOUT apart
        byte[] second = ((io.postern.spi.crypto.HandshakeResult.Success<io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake>)
                RealCrypto.handshakes().create(RealCrypto.provider(), a.keys).initiate(gw.key(),
                        io.postern.key.PresharedKey.NONE, 9, io.postern.wire.Tai64n.of(h.clock.instant()), null))
                .value().message();
        h.net.inject(E, EngineHarness.GATEWAY, second);
        h.deliver();
        assertThat(gw.engine.counters().drops(DropReason.INITIATION_FLOOD)).isEqualTo(1);
        assertThat(gw.engine.counters().handshakesCompleted()).isEqualTo(2);
    }

    @Test
    void droppedDatagramsFromAnotherEndpointDoNotRoamTheSession() {
        Endpoint elsewhere = EngineHarness.endpoint(40123);
        for (byte[] b : List.of(transport, initiation, new byte[] {1, 2, 3, 4, 5})) {
            h.net.inject(elsewhere, EngineHarness.GATEWAY, b);
        }
        h.deliver();
        assertThat(gw.status(a).endpoint()).isEqualTo(E);
        assertThat(gw.engine.peerAt(elsewhere)).isEmpty();
    }
}

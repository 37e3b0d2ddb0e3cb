package io.postern.crypto.noise;

import static io.postern.crypto.primitive.VectorFiles.hex;
import static io.postern.crypto.primitive.VectorFiles.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.postern.crypto.primitive.CounterNonceAeadKey;
import io.postern.crypto.primitive.VectorFiles;
import io.postern.key.StaticKeyPair;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocol;
import io.postern.spi.crypto.HandshakeProtocol.InitiatorHandshake;
import io.postern.spi.crypto.HandshakeProtocol.ResponderHandshake;
import io.postern.spi.crypto.HandshakeProtocol.Response;
import io.postern.spi.crypto.HandshakeProtocol.SessionKeys;
import io.postern.spi.crypto.HandshakeRejection;
import io.postern.spi.crypto.HandshakeResult;
import io.postern.wire.CookieReply;
import io.postern.wire.HandshakeInitiation;
import io.postern.wire.HandshakeResponse;
import io.postern.wire.LittleEndian;
import io.postern.wire.Tai64n;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract of the {@code noise-ikpsk2} handshake on one crypto provider: the Noise vectors
 * (cacophony), WireGuard's KDF and initial constants, the mac1/mac2/cookie layer, rejection of
 * tampered messages, and key erasure. Subclassed in one line per provider.
 */
public abstract class NoiseHandshakeContract {
    /** The cacophony entries this suite implements; the AESGCM/SHA256 and XX/NN entries are other suites/patterns. */
    private static final Set<String> APPLICABLE = Set.of(
            "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", "Noise_IK_25519_ChaChaPoly_BLAKE2s");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = now::get;

    /** @return the provider under test */
    protected abstract CryptoProvider provider();

    // ---- vectors -------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> cacophony() {
        JsonNode file = VectorFiles.read("noise/cacophony-subset.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode v : file.get("vectors")) {
            String protocol = v.get("protocol_name").asText();
            if (APPLICABLE.contains(protocol)) {
                tests.add(dynamicTest(protocol, () -> runCacophony(v)));
            }
        }
        assertThat(tests).hasSize(APPLICABLE.size());
        return tests.stream();
    }

    private void runCacophony(JsonNode v) {
        CryptoProvider crypto = provider();
        String protocol = v.get("protocol_name").asText();
        boolean psk2 = protocol.contains("psk2");
        byte[] psk = psk2 ? hex(v.get("init_psks").get(0).asText()) : null;
        if (psk2) {
            assertThat(toHex(psk)).isEqualTo(v.get("resp_psks").get(0).asText());
        }
        byte[] initStatic = hex(v, "init_static");
        byte[] respStatic = hex(v, "resp_static");
        PublicKey initStaticPub = crypto.x25519().publicKey(PrivateKey.of(initStatic));
        PublicKey respStaticPub = crypto.x25519().publicKey(PrivateKey.of(respStatic));
        assertThat(toHex(respStaticPub.toBytes())).isEqualTo(v.get("init_remote_static").asText());

        IkHandshake initiator = IkHandshake.initiator(crypto, protocol, hex(v, "init_prologue"), psk2, initStatic,
                initStaticPub, respStaticPub, keyPair(hex(v, "init_ephemeral")),
                (rs, out) -> crypto.x25519().sharedSecret(initStatic, rs, out));
        IkHandshake responder = IkHandshake.responder(crypto, protocol, hex(v, "resp_prologue"), psk2, respStatic,
                respStaticPub, keyPair(hex(v, "resp_ephemeral")),
                (rs, out) -> crypto.x25519().sharedSecret(respStatic, rs, out));

        JsonNode messages = v.get("messages");
        // Message A: initiator -> responder.
        byte[] payload = hex(messages.get(0), "payload");
        byte[] a = new byte[IkHandshake.MESSAGE_A_OVERHEAD + payload.length];
        assertThat(initiator.writeMessageA(payload, 0, payload.length, a, 0)).isNull();
        assertThat(toHex(a)).isEqualTo(messages.get(0).get("ciphertext").asText());
        byte[] readPayload = new byte[payload.length];
        assertThat(responder.readMessageA(a, 0, a.length, readPayload)).isNull();
        assertThat(readPayload).isEqualTo(payload);
        assertThat(responder.remoteStatic()).isEqualTo(initStaticPub.toBytes());

        // Message B: responder -> initiator.
        payload = hex(messages.get(1), "payload");
        byte[] b = new byte[IkHandshake.MESSAGE_B_OVERHEAD + payload.length];
        assertThat(responder.writeMessageB(psk, payload, 0, payload.length, b, 0)).isNull();
        assertThat(toHex(b)).isEqualTo(messages.get(1).get("ciphertext").asText());
        readPayload = new byte[payload.length];
        assertThat(initiator.readMessageB(psk, b, 0, b.length, readPayload)).isNull();
        assertThat(readPayload).isEqualTo(payload);

        assertThat(toHex(initiator.handshakeHash())).isEqualTo(v.get("handshake_hash").asText());
        assertThat(toHex(responder.handshakeHash())).isEqualTo(v.get("handshake_hash").asText());

        // Transport messages alternate, starting with the initiator, each direction counting from 0.
        AeadKey[] send = {crypto.chaCha20Poly1305().key(initiator.sendingKey()),
            crypto.chaCha20Poly1305().key(responder.sendingKey())};
        AeadKey[] receive = {crypto.chaCha20Poly1305().key(responder.receivingKey()),
            crypto.chaCha20Poly1305().key(initiator.receivingKey())};
        long[] counters = new long[2];
        for (int i = 2; i < messages.size(); i++) {
            int direction = i % 2;
            byte[] pt = hex(messages.get(i), "payload");
            byte[] ct = new byte[pt.length + 16];
            long counter = counters[direction]++;
            assertThat(send[direction].seal(counter, new byte[0], pt, 0, pt.length, ct, 0)).isEqualTo(ct.length);
            assertThat(toHex(ct)).as("transport message %d", i).isEqualTo(messages.get(i).get("ciphertext").asText());
            byte[] back = new byte[pt.length];
            assertThat(receive[direction].open(counter, new byte[0], ct, 0, ct.length, back, 0)).isEqualTo(pt.length);
            assertThat(back).isEqualTo(pt);
        }
    }

    private StaticKeyPair keyPair(byte[] privateKey) {
        PrivateKey priv = PrivateKey.of(privateKey);
        return new StaticKeyPair(priv, provider().x25519().publicKey(priv));
    }

    @TestFactory
    Stream<DynamicTest> wireguardGoKdf() {
        JsonNode file = VectorFiles.read("wireguard/wireguard-go-kdf.json");
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode tc : file.get("tests")) {
            tests.add(dynamicTest("kdf test " + index++, () -> {
                byte[][] out = HkdfBlake2s.derive(provider().blake2s(), hex(tc, "key"), hex(tc, "input"), 3);
                assertThat(toHex(out[0])).isEqualTo(tc.get("t0").asText());
                assertThat(toHex(out[1])).isEqualTo(tc.get("t1").asText());
                assertThat(toHex(out[2])).isEqualTo(tc.get("t2").asText());
                // KDF1 and KDF2 are prefixes of KDF3.
                assertThat(toHex(HkdfBlake2s.derive(provider().blake2s(), hex(tc, "key"), hex(tc, "input"), 1)[0]))
                        .isEqualTo(tc.get("t0").asText());
            }));
        }
        assertThat(tests).hasSize(3);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> boringtunConstants() {
        JsonNode file = VectorFiles.read("wireguard/boringtun-handshake-constants.json");
        List<DynamicTest> tests = new ArrayList<>();
        SymmetricState initial = SymmetricState.initialize(provider(), WireGuardConstruction.CONSTRUCTION);
        for (JsonNode c : file.get("constants")) {
            String name = c.get("name").asText();
            tests.add(dynamicTest(name, () -> {
                assertThat(toHex(provider().blake2s().hash(hex(c, "input")))).isEqualTo(c.get("value").asText());
                if (name.equals("INITIAL_CHAIN_KEY")) {
                    assertThat(toHex(WireGuardConstruction.CONSTRUCTION.getBytes())).isEqualTo(c.get("input").asText());
                    assertThat(toHex(initial.chainingKey())).isEqualTo(c.get("value").asText());
                } else {
                    SymmetricState s = initial.copy();
                    s.mixHash(WireGuardConstruction.IDENTIFIER_BYTES);
                    assertThat(toHex(s.handshakeHash())).isEqualTo(c.get("value").asText());
                }
            }));
        }
        for (JsonNode t : file.get("aead_tests")) {
            tests.add(dynamicTest(t.get("name").asText(), () -> {
                byte[] pt = hex(t, "plaintext");
                byte[] out = new byte[pt.length + 16];
                var raw = ((CounterNonceAeadKey) provider().chaCha20Poly1305().key(hex(t, "key"))).raw();
                assertThat(raw.seal(hex(t, "nonce"), hex(t, "aad"), pt, 0, pt.length, out, 0)).isEqualTo(out.length);
                assertThat(toHex(out)).isEqualTo(t.get("ciphertext").asText() + t.get("tag").asText());
            }));
        }
        assertThat(tests).hasSize(3);
        return tests.stream();
    }

    // ---- a full exchange ------------------------------------------------------------------------

    private final class Pair {
        final StaticKeyPair initiatorStatic = provider().x25519().generateKeyPair();
        final StaticKeyPair responderStatic = provider().x25519().generateKeyPair();
        final NoiseHandshakeProtocol initiator =
                new NoiseHandshakeProtocol(provider(), initiatorStatic, clock, new SecureRandom());
        final NoiseHandshakeProtocol responder =
                new NoiseHandshakeProtocol(provider(), responderStatic, clock, new SecureRandom());

        InitiatorHandshake initiate(byte[] cookie) {
            return success(initiator.initiate(responderStatic.publicKey(), PresharedKey.NONE, 0x01020304,
                    Tai64n.of(now.get()), cookie));
        }
    }

    @Test
    void handshakeCompletesAndKeysMatch() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        ResponderHandshake resp = success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE));
        Response response = success(resp.respond(PresharedKey.NONE, 0x0a0b0c0d, null));
        assertThat(LittleEndian.getInt(response.message(), HandshakeResponse.RECEIVER_OFFSET)).isEqualTo(0x01020304);
        SessionKeys keys = success(init.consumeResponse(response.message(), 0, HandshakeResponse.SIZE));
        byte[] ct = new byte[16 + 16];
        assertThat(keys.sending().seal(0, null, new byte[16], 0, 16, ct, 0)).isEqualTo(32);
        assertThat(response.keys().receiving().open(0, null, ct, 0, 32, new byte[16], 0)).isEqualTo(16);
        // A second response, or a second respond(), is refused.
        assertThat(failure(init.consumeResponse(response.message(), 0, HandshakeResponse.SIZE)))
                .isEqualTo(HandshakeRejection.MALFORMED);
        assertThat(failure(resp.respond(PresharedKey.NONE, 1, null))).isEqualTo(HandshakeRejection.MALFORMED);
        // DH(S_i, S_r) was cached once on each side.
        assertThat(p.initiator.cachedStaticSecrets()).isEqualTo(1);
        assertThat(p.responder.cachedStaticSecrets()).isEqualTo(1);
    }

    @Test
    void aKeyAdmissionRefusesIsNeitherDiffieHellmanedNorCached() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        assertThat(failure(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE, k -> false)))
                .isEqualTo(HandshakeRejection.NOT_ADMITTED);
        assertThat(p.responder.cachedStaticSecrets()).isZero();
        success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE, k -> true));
        assertThat(p.responder.cachedStaticSecrets()).isEqualTo(1);
    }

    @Test
    void destroyZeroesThePrivateKeyCopyAndTheStaticStaticCache() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE));
        assertThat(p.responder.cachedStaticSecrets()).isEqualTo(1);
        assertThat(p.responder.privateKeyZeroed()).isFalse();
        p.responder.destroy();
        assertThat(p.responder.cachedStaticSecrets()).isZero();
        assertThat(p.responder.privateKeyZeroed()).isTrue();
    }

    @Test
    void wrongPresharedKeyFailsTheResponse() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        ResponderHandshake resp = success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE));
        byte[] other = new byte[32];
        other[0] = 1;
        Response response = success(resp.respond(PresharedKey.of(other), 5, null));
        assertThat(failure(init.consumeResponse(response.message(), 0, HandshakeResponse.SIZE)))
                .isEqualTo(HandshakeRejection.RESPONSE_DECRYPT_FAILED);
    }

    @Test
    void lowOrderRemoteStaticIsRejected() {
        Pair p = new Pair();
        assertThat(failure(p.initiator.initiate(PublicKey.of(new byte[32]), PresharedKey.NONE, 1,
                Tai64n.of(now.get()), null))).isEqualTo(HandshakeRejection.LOW_ORDER_POINT);
    }

    // ---- mac1 ----------------------------------------------------------------------------------

    @Test
    void mac1IsKeyedByTheReceiversPublicKey() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        byte[] msg = init.message();
        assertThat(p.responder.verifyMac1(msg, 0, msg.length)).isTrue();
        assertThat(init.mac1()).isEqualTo(Arrays.copyOfRange(msg, HandshakeInitiation.MAC1_OFFSET,
                HandshakeInitiation.MAC1_OFFSET + 16));
        // Addressed to someone else: the initiator's own identity does not accept it.
        assertThat(p.initiator.verifyMac1(msg, 0, msg.length)).isFalse();
        // Any flipped bit before or in mac1 breaks it; mac2 is not covered.
        for (int i = 4; i < HandshakeInitiation.MAC2_OFFSET; i++) {
            byte[] bad = msg.clone();
            bad[i] ^= 0x40;
            assertThat(p.responder.verifyMac1(bad, 0, bad.length)).as("byte %d", i).isFalse();
        }
        byte[] mac2Changed = msg.clone();
        mac2Changed[HandshakeInitiation.MAC2_OFFSET] ^= 1;
        assertThat(p.responder.verifyMac1(mac2Changed, 0, mac2Changed.length)).isTrue();
        // Wrong lengths and types are simply false, never an exception.
        assertThat(p.responder.verifyMac1(msg, 0, 147)).isFalse();
        assertThat(p.responder.verifyMac1(msg, 1, 148)).isFalse();
        assertThat(p.responder.verifyMac1(new byte[3], 0, 3)).isFalse();
        assertThat(p.responder.verifyMac1(null, 0, 148)).isFalse();
    }

    // ---- tampering -----------------------------------------------------------------------------

    @Test
    void tamperedInitiationFieldsAreRejectedWithTheRightReason() {
        Pair p = new Pair();
        remacTarget = p.responder;
        byte[] msg = p.initiate(null).message();
        assertThat(reject(p, tamper(msg, 0, false))).isEqualTo(HandshakeRejection.MALFORMED);      // type
        assertThat(reject(p, tamper(msg, 2, false))).isEqualTo(HandshakeRejection.MALFORMED);      // reserved
        assertThat(reject(p, tamper(msg, HandshakeInitiation.SENDER_OFFSET, false)))
                .isEqualTo(HandshakeRejection.MAC1_INVALID);
        assertThat(reject(p, tamper(msg, HandshakeInitiation.MAC1_OFFSET + 3, false)))
                .isEqualTo(HandshakeRejection.MAC1_INVALID);
        // With mac1 recomputed (an attacker can: it only needs the public key), the Noise layer rejects.
        assertThat(reject(p, tamper(msg, HandshakeInitiation.EPHEMERAL_OFFSET + 5, true)))
                .isEqualTo(HandshakeRejection.STATIC_DECRYPT_FAILED);
        assertThat(reject(p, tamper(msg, HandshakeInitiation.STATIC_OFFSET + 7, true)))
                .isEqualTo(HandshakeRejection.STATIC_DECRYPT_FAILED);
        assertThat(reject(p, tamper(msg, HandshakeInitiation.STATIC_OFFSET + 40, true)))   // its tag
                .isEqualTo(HandshakeRejection.STATIC_DECRYPT_FAILED);
        assertThat(reject(p, tamper(msg, HandshakeInitiation.TIMESTAMP_OFFSET + 1, true)))
                .isEqualTo(HandshakeRejection.TIMESTAMP_DECRYPT_FAILED);
        assertThat(reject(p, tamper(msg, HandshakeInitiation.TIMESTAMP_OFFSET + 20, true)))
                .isEqualTo(HandshakeRejection.TIMESTAMP_DECRYPT_FAILED);
        // A low-order ephemeral key (u = 0) is refused before any decryption.
        byte[] lowOrder = msg.clone();
        Arrays.fill(lowOrder, HandshakeInitiation.EPHEMERAL_OFFSET, HandshakeInitiation.EPHEMERAL_OFFSET + 32, (byte) 0);
        remac(p, lowOrder, HandshakeInitiation.MAC1_OFFSET);
        assertThat(reject(p, lowOrder)).isEqualTo(HandshakeRejection.LOW_ORDER_POINT);
        // Wrong length.
        assertThat(failure(p.responder.consumeInitiation(msg, 0, 100))).isEqualTo(HandshakeRejection.MALFORMED);
        // mac2 is not part of the Noise message: the initiation is still consumed.
        byte[] mac2 = tamper(msg, HandshakeInitiation.MAC2_OFFSET, false);
        assertThat(p.responder.consumeInitiation(mac2, 0, mac2.length)).isInstanceOf(HandshakeResult.Success.class);
        // And the untouched message still works after all those failures.
        assertThat(p.responder.consumeInitiation(msg, 0, msg.length)).isInstanceOf(HandshakeResult.Success.class);
    }

    @Test
    void tamperedResponseIsRejectedAndTheGenuineOneStillCompletes() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        Response response = success(success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE))
                .respond(PresharedKey.NONE, 77, null));
        byte[] msg = response.message();
        assertThat(consume(init, tamper(msg, 0, false))).isEqualTo(HandshakeRejection.MALFORMED);
        assertThat(consume(init, tamper(msg, HandshakeResponse.RECEIVER_OFFSET, false)))
                .isEqualTo(HandshakeRejection.MALFORMED);
        assertThat(consume(init, tamper(msg, HandshakeResponse.SENDER_OFFSET, false)))
                .isEqualTo(HandshakeRejection.MAC1_INVALID);
        assertThat(consume(init, tamper(msg, HandshakeResponse.MAC1_OFFSET, false)))
                .isEqualTo(HandshakeRejection.MAC1_INVALID);
        byte[] ephemeral = tamperFor(p.initiator, msg, HandshakeResponse.EPHEMERAL_OFFSET + 9, HandshakeResponse.MAC1_OFFSET);
        assertThat(consume(init, ephemeral)).isEqualTo(HandshakeRejection.RESPONSE_DECRYPT_FAILED);
        byte[] empty = tamperFor(p.initiator, msg, HandshakeResponse.EMPTY_OFFSET + 2, HandshakeResponse.MAC1_OFFSET);
        assertThat(consume(init, empty)).isEqualTo(HandshakeRejection.RESPONSE_DECRYPT_FAILED);
        byte[] lowOrder = msg.clone();
        Arrays.fill(lowOrder, HandshakeResponse.EPHEMERAL_OFFSET, HandshakeResponse.EPHEMERAL_OFFSET + 32, (byte) 0);
        remac(p.initiator, lowOrder, HandshakeResponse.MAC1_OFFSET);
        assertThat(consume(init, lowOrder)).isEqualTo(HandshakeRejection.LOW_ORDER_POINT);
        // None of the forgeries changed the handshake: the genuine response completes it.
        SessionKeys keys = success(init.consumeResponse(msg, 0, msg.length));
        byte[] ct = new byte[16];
        assertThat(keys.sending().seal(0, null, new byte[0], 0, 0, ct, 0)).isEqualTo(16);
        assertThat(response.keys().receiving().open(0, null, ct, 0, 16, new byte[0], 0)).isZero();
    }

    private static HandshakeRejection reject(Pair p, byte[] msg) {
        return failure(p.responder.consumeInitiation(msg, 0, msg.length));
    }

    private static HandshakeRejection consume(InitiatorHandshake init, byte[] msg) {
        return failure(init.consumeResponse(msg, 0, msg.length));
    }

    /** Flips one bit; with {@code fixMac1}, recomputes an initiation's mac1 for {@link #remacTarget}. */
    private byte[] tamper(byte[] msg, int index, boolean fixMac1) {
        byte[] bad = msg.clone();
        bad[index] ^= 0x01;
        if (fixMac1) {
            remac(remacTarget, bad, HandshakeInitiation.MAC1_OFFSET);
        }
        return bad;
    }

    private NoiseHandshakeProtocol remacTarget;

    private byte[] tamperFor(NoiseHandshakeProtocol receiver, byte[] msg, int index, int mac1Offset) {
        byte[] bad = msg.clone();
        bad[index] ^= 0x01;
        remac(receiver, bad, mac1Offset);
        return bad;
    }

    private void remac(Pair p, byte[] msg, int mac1Offset) {
        remac(p.responder, msg, mac1Offset);
    }

    private void remac(NoiseHandshakeProtocol receiver, byte[] msg, int mac1Offset) {
        byte[] key = MessageMacs.labelKey(provider().blake2s(), WireGuardConstruction.LABEL_MAC1_BYTES,
                receiver.localPublicKey());
        MessageMacs.mac(provider().blake2s(), key, msg, 0, mac1Offset, msg, mac1Offset);
    }

    // ---- cookies -------------------------------------------------------------------------------

    private static Endpoint endpoint(String ip, int port) throws Exception {
        return Endpoint.of(InetAddress.getByName(ip), port);
    }

    @Test
    void cookieReplyOpensOnlyWithTheMac1ItAnswers() throws Exception {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        Endpoint source = endpoint("127.0.0.1", 51820);
        byte[] reply = p.responder.createCookieReply(init.message(), 0, HandshakeInitiation.SIZE, init.senderIndex(),
                source);
        assertThat(reply).hasSize(CookieReply.SIZE);
        assertThat(reply[0]).isEqualTo((byte) 3);
        assertThat(LittleEndian.getInt(reply, CookieReply.RECEIVER_OFFSET)).isEqualTo(init.senderIndex());

        byte[] cookie = success(p.initiator.consumeCookieReply(reply, 0, reply.length, init.mac1(),
                p.responderStatic.publicKey()));
        assertThat(cookie).hasSize(16);

        byte[] otherMac1 = p.initiate(null).mac1();
        assertThat(failure(p.initiator.consumeCookieReply(reply, 0, reply.length, otherMac1,
                p.responderStatic.publicKey()))).isEqualTo(HandshakeRejection.COOKIE_DECRYPT_FAILED);
        assertThat(failure(p.initiator.consumeCookieReply(reply, 0, reply.length, init.mac1(),
                p.initiatorStatic.publicKey()))).isEqualTo(HandshakeRejection.COOKIE_DECRYPT_FAILED);
        byte[] forged = reply.clone();
        forged[CookieReply.COOKIE_OFFSET] ^= 1;
        assertThat(failure(p.initiator.consumeCookieReply(forged, 0, forged.length, init.mac1(),
                p.responderStatic.publicKey()))).isEqualTo(HandshakeRejection.COOKIE_DECRYPT_FAILED);
        assertThat(failure(p.initiator.consumeCookieReply(reply, 0, 63, init.mac1(),
                p.responderStatic.publicKey()))).isEqualTo(HandshakeRejection.MALFORMED);

        // The cookie, used as mac2 key, makes the next initiation pass mac2 for that endpoint only.
        byte[] next = p.initiate(cookie).message();
        assertThat(p.responder.verifyMac1(next, 0, next.length)).isTrue();
        assertThat(p.responder.verifyMac2(next, 0, next.length, source)).isTrue();
        assertThat(p.responder.verifyMac2(next, 0, next.length, endpoint("127.0.0.1", 51821))).isFalse();
        assertThat(p.responder.verifyMac2(next, 0, next.length, endpoint("127.0.0.2", 51820))).isFalse();
        assertThat(p.responder.verifyMac2(next, 0, next.length, endpoint("::1", 51820))).isFalse();
        // Without a cookie mac2 is zeros and does not verify.
        assertThat(p.responder.verifyMac2(init.message(), 0, HandshakeInitiation.SIZE, source)).isFalse();
        assertThat(Arrays.copyOfRange(init.message(), HandshakeInitiation.MAC2_OFFSET, HandshakeInitiation.SIZE))
                .containsOnly(0);
        // Malformed input is refused without an exception.
        assertThat(p.responder.verifyMac2(next, 0, 100, source)).isFalse();
        assertThat(p.responder.createCookieReply(next, 0, 100, 1, source)).isNull();
    }

    @Test
    void mac2OfAResponseVerifiesToo() throws Exception {
        Pair p = new Pair();
        Endpoint responderEndpoint = endpoint("::1", 4000);
        InitiatorHandshake init = p.initiate(null);
        ResponderHandshake resp = success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE));
        // The initiator under load hands the responder a cookie for the responder's endpoint.
        byte[] reply = p.initiator.createCookieReply(init.message(), 0, HandshakeInitiation.SIZE, 9, responderEndpoint);
        byte[] cookie = success(p.responder.consumeCookieReply(reply, 0, reply.length, init.mac1(),
                p.initiatorStatic.publicKey()));
        byte[] response = success(resp.respond(PresharedKey.NONE, 9, cookie)).message();
        assertThat(p.initiator.verifyMac2(response, 0, response.length, responderEndpoint)).isTrue();
        assertThat(p.initiator.verifyMac2(response, 0, response.length, endpoint("::1", 4001))).isFalse();
    }

    @Test
    void previousCookieSecretStillVerifiesAfterOneRotationButNotTwo() throws Exception {
        Pair p = new Pair();
        Endpoint source = endpoint("127.0.0.1", 9000);
        byte[] msg = initiationWithCookie(p, source);
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isTrue();
        p.responder.rotateCookieSecretNow();
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isTrue();
        p.responder.rotateCookieSecretNow();
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isFalse();
    }

    @Test
    void cookieSecretRotatesWithTheClock() throws Exception {
        Pair p = new Pair();
        Endpoint source = endpoint("127.0.0.1", 9000);
        byte[] msg = initiationWithCookie(p, source);
        now.set(now.get().plus(Duration.ofSeconds(119)));
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isTrue();
        now.set(now.get().plus(Duration.ofSeconds(2)));   // 121 s: renewed, the old secret is the previous one
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isTrue();
        byte[] fresh = initiationWithCookie(p, source);
        now.set(now.get().plus(Duration.ofSeconds(120))); // renewed again: the first cookie has expired
        assertThat(p.responder.verifyMac2(msg, 0, msg.length, source)).isFalse();
        assertThat(p.responder.verifyMac2(fresh, 0, fresh.length, source)).isTrue();
        now.set(now.get().plus(Duration.ofSeconds(600))); // idle for long: nothing old is honoured
        assertThat(p.responder.verifyMac2(fresh, 0, fresh.length, source)).isFalse();
    }

    private byte[] initiationWithCookie(Pair p, Endpoint source) {
        InitiatorHandshake first = p.initiate(null);
        byte[] reply = p.responder.createCookieReply(first.message(), 0, HandshakeInitiation.SIZE, 1, source);
        byte[] cookie = success(p.initiator.consumeCookieReply(reply, 0, reply.length, first.mac1(),
                p.responderStatic.publicKey()));
        return p.initiate(cookie).message();
    }

    // ---- erasure -------------------------------------------------------------------------------

    @Test
    void destroyZeroesHandshakeState() {
        Pair p = new Pair();
        InitiatorHandshake init = p.initiate(null);
        ResponderHandshake resp = success(p.responder.consumeInitiation(init.message(), 0, HandshakeInitiation.SIZE));
        assertThat(((NoiseInitiatorHandshake) init).isZeroed()).isFalse();
        assertThat(((NoiseResponderHandshake) resp).isZeroed()).isFalse();
        init.destroy();
        resp.destroy();
        assertThat(((NoiseInitiatorHandshake) init).isZeroed()).isTrue();
        assertThat(((NoiseResponderHandshake) resp).isZeroed()).isTrue();
        assertThat(failure(resp.respond(PresharedKey.NONE, 1, null))).isEqualTo(HandshakeRejection.MALFORMED);

        // Completing a handshake erases its state as well, and destroyed transport keys stop working.
        InitiatorHandshake init2 = p.initiate(null);
        Response response = success(success(p.responder.consumeInitiation(init2.message(), 0,
                HandshakeInitiation.SIZE)).respond(PresharedKey.NONE, 2, null));
        SessionKeys keys = success(init2.consumeResponse(response.message(), 0, HandshakeResponse.SIZE));
        assertThat(((NoiseInitiatorHandshake) init2).isZeroed()).isTrue();
        byte[] ct = new byte[16];
        response.keys().sending().seal(0, null, new byte[0], 0, 0, ct, 0);
        keys.destroy();
        assertThat(keys.receiving().open(0, null, ct, 0, 16, new byte[0], 0)).isEqualTo(-1);
    }

    // ---- helpers -------------------------------------------------------------------------------

    static <T> T success(HandshakeResult<T> result) {
        assertThat(result).isInstanceOf(HandshakeResult.Success.class);
        return ((HandshakeResult.Success<T>) result).value();
    }

    static HandshakeRejection failure(HandshakeResult<?> result) {
        assertThat(result).isInstanceOf(HandshakeResult.Failure.class);
        return ((HandshakeResult.Failure<?>) result).reason();
    }
}

package io.postern.crypto.primitive;

import static io.postern.crypto.primitive.VectorFiles.hex;
import static io.postern.crypto.primitive.VectorFiles.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.postern.key.StaticKeyPair;
import io.postern.key.PrivateKey;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.XAead;
import io.postern.wire.LittleEndian;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The contract every {@link CryptoProvider} must meet: every known-answer vector that applies to
 * WireGuard's primitives, plus the behaviour the SPI javadoc promises (no exceptions for bad
 * input, nonce reuse allowed for tests). Each implementation subclasses this in one line.
 *
 * <p>Files deliberately not used here: {@code wycheproof/hkdf_sha256_test.json} is HKDF-SHA256,
 * and WireGuard's KDF is HKDF over HMAC-BLAKE2s (checked with {@code wireguard-go-kdf.json} in the
 * noise contract); {@code wycheproof/aes_gcm_test.json} is another cipher suite.
 */
public abstract class CryptoProviderContract {
    private static final byte[] EMPTY = new byte[0];

    /** @return the provider under test */
    protected abstract CryptoProvider provider();

    // ---- X25519 --------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> wycheproofX25519() {
        JsonNode file = VectorFiles.read("wycheproof/x25519_test.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : file.get("testGroups")) {
            assertThat(group.get("curve").asText()).isEqualTo("curve25519");
            for (JsonNode tc : group.get("tests")) {
                String name = "tcId " + tc.get("tcId").asInt() + " " + tc.get("result").asText() + ": "
                        + tc.get("comment").asText();
                tests.add(dynamicTest(name, () -> checkX25519(hex(tc, "private"), hex(tc, "public"),
                        hex(tc, "shared"), !"invalid".equals(tc.get("result").asText()))));
            }
        }
        assertThat(tests).hasSize(file.get("numberOfTests").asInt());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> zincCurve25519() {
        JsonNode file = VectorFiles.read("wireguard/zinc-curve25519-selftest.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode tc : file.get("tests")) {
            boolean valid = tc.get("valid").asBoolean();
            tests.add(dynamicTest("id " + tc.get("id").asText() + (valid ? " valid" : " invalid (all-zero)"), () -> {
                byte[] out = new byte[32];
                boolean ok = provider().x25519().sharedSecret(hex(tc, "private"), hex(tc, "public"), out);
                assertThat(ok).isEqualTo(valid);
                assertThat(toHex(out)).isEqualTo(tc.get("shared").asText());
            }));
        }
        assertThat(tests).hasSize(80);
        return tests.stream();
    }

    /** A shared secret of zeros (low-order public key) must be refused; every other result must match. */
    private void checkX25519(byte[] priv, byte[] pub, byte[] shared, boolean computable) {
        byte[] out = new byte[32];
        boolean ok = provider().x25519().sharedSecret(priv, pub, out);
        if (!computable || shared.length != 32 || pub.length != 32) {
            assertThat(ok).isFalse();
        } else if (Arrays.equals(shared, new byte[32])) {
            assertThat(ok).as("all-zero shared secret must be rejected").isFalse();
            assertThat(out).containsOnly(0);
        } else {
            assertThat(ok).isTrue();
            assertThat(toHex(out)).isEqualTo(toHex(shared));
        }
    }

    @Test
    void keyPairsAgree() {
        StaticKeyPair a = provider().x25519().generateKeyPair();
        StaticKeyPair b = provider().x25519().generateKeyPair();
        assertThat(provider().x25519().publicKey(a.privateKey())).isEqualTo(a.publicKey());
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];
        assertThat(provider().x25519().sharedSecret(a.privateKey().toBytes(), b.publicKey().toBytes(), ab)).isTrue();
        assertThat(provider().x25519().sharedSecret(b.privateKey().toBytes(), a.publicKey().toBytes(), ba)).isTrue();
        assertThat(ab).isEqualTo(ba);
        // RFC 7748 §6.1 key pair: the public key of Alice's private key.
        PrivateKey alice = PrivateKey.of(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        assertThat(toHex(provider().x25519().publicKey(alice).toBytes()))
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    }

    @Test
    void x25519RefusesWrongLengthsWithoutThrowing() {
        byte[] out = new byte[32];
        assertThat(provider().x25519().sharedSecret(new byte[31], new byte[32], out)).isFalse();
        assertThat(provider().x25519().sharedSecret(new byte[32], new byte[33], out)).isFalse();
        assertThat(provider().x25519().sharedSecret(null, new byte[32], out)).isFalse();
    }

    // ---- ChaCha20-Poly1305 -----------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> wycheproofChaCha20Poly1305() {
        JsonNode file = VectorFiles.read("wycheproof/chacha20_poly1305_test.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : file.get("testGroups")) {
            for (JsonNode tc : group.get("tests")) {
                tests.add(dynamicTest(wycheproofName(tc), () -> checkWycheproofAead(tc, false)));
            }
        }
        assertThat(tests).hasSize(file.get("numberOfTests").asInt());
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> wycheproofXChaCha20Poly1305() {
        JsonNode file = VectorFiles.read("wycheproof/xchacha20_poly1305_test.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode group : file.get("testGroups")) {
            for (JsonNode tc : group.get("tests")) {
                tests.add(dynamicTest(wycheproofName(tc), () -> checkWycheproofAead(tc, true)));
            }
        }
        assertThat(tests).hasSize(file.get("numberOfTests").asInt());
        return tests.stream();
    }

    private static String wycheproofName(JsonNode tc) {
        return "tcId " + tc.get("tcId").asInt() + " " + tc.get("result").asText() + ": " + tc.get("comment").asText();
    }

    private void checkWycheproofAead(JsonNode tc, boolean extended) {
        byte[] key = hex(tc, "key");
        byte[] nonce = hex(tc, "iv");
        byte[] aad = hex(tc, "aad");
        byte[] msg = hex(tc, "msg");
        byte[] sealed = concat(hex(tc, "ct"), hex(tc, "tag"));
        String result = tc.get("result").asText();
        byte[] out = new byte[Math.max(msg.length, sealed.length) + Aead.TAG_LENGTH];
        int expectedNonce = extended ? XAead.NONCE_LENGTH : CounterNonceAeadKey.NONCE_LENGTH;
        if (nonce.length != expectedNonce) {
            // Other nonce sizes are "invalid" for this API: refused with -1, never an exception.
            assertThat(result).isEqualTo("invalid");
            assertThat(seal(extended, key, nonce, aad, msg, out)).isEqualTo(-1);
            assertThat(open(extended, key, nonce, aad, sealed, out)).isEqualTo(-1);
            return;
        }
        int opened = open(extended, key, nonce, aad, sealed, out);
        if ("valid".equals(result)) {
            assertThat(opened).isEqualTo(msg.length);
            assertThat(toHex(Arrays.copyOf(out, opened))).isEqualTo(toHex(msg));
            int n = seal(extended, key, nonce, aad, msg, out);
            assertThat(toHex(Arrays.copyOf(out, n))).isEqualTo(toHex(sealed));
        } else {
            assertThat(result).isEqualTo("invalid");
            assertThat(opened).isEqualTo(-1);
        }
    }

    private int seal(boolean extended, byte[] key, byte[] nonce, byte[] aad, byte[] msg, byte[] out) {
        if (extended) {
            return provider().xChaCha20Poly1305().seal(key, nonce, aad, msg, 0, msg.length, out, 0);
        }
        return raw(key).seal(nonce, aad, msg, 0, msg.length, out, 0);
    }

    private int open(boolean extended, byte[] key, byte[] nonce, byte[] aad, byte[] sealed, byte[] out) {
        if (extended) {
            return provider().xChaCha20Poly1305().open(key, nonce, aad, sealed, 0, sealed.length, out, 0);
        }
        return raw(key).open(nonce, aad, sealed, 0, sealed.length, out, 0);
    }

    /** The test hook: the explicit-nonce AEAD under the WireGuard counter-nonce key. */
    private NonceAead raw(byte[] key) {
        AeadKey k = provider().chaCha20Poly1305().key(key);
        assertThat(k).isInstanceOf(CounterNonceAeadKey.class);
        return ((CounterNonceAeadKey) k).raw();
    }

    @TestFactory
    Stream<DynamicTest> zincChaCha20Poly1305() {
        JsonNode file = VectorFiles.read("wireguard/zinc-chacha20poly1305-selftest.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode tc : file.get("chacha20poly1305_encrypt")) {
            tests.add(dynamicTest("encrypt " + tc.get("name").asText(), () -> {
                byte[] pt = hex(tc, "plaintext");
                byte[] out = new byte[pt.length + Aead.TAG_LENGTH];
                int n = zincKey(tc, (key, counter) -> key.seal(counter, hex(tc, "aad"), pt, 0, pt.length, out, 0),
                        raw -> raw.seal(hex(tc, "nonce"), hex(tc, "aad"), pt, 0, pt.length, out, 0));
                assertThat(n).isEqualTo(out.length);
                assertThat(toHex(out)).isEqualTo(tc.get("ciphertext_and_tag").asText());
            }));
        }
        for (JsonNode tc : file.get("chacha20poly1305_decrypt")) {
            boolean fail = tc.get("expect_failure").asBoolean();
            tests.add(dynamicTest("decrypt " + tc.get("name").asText() + (fail ? " (must fail)" : ""), () -> {
                byte[] ct = hex(tc, "ciphertext_and_tag");
                byte[] out = new byte[ct.length];
                int n = zincKey(tc, (key, counter) -> key.open(counter, hex(tc, "aad"), ct, 0, ct.length, out, 0),
                        raw -> raw.open(hex(tc, "nonce"), hex(tc, "aad"), ct, 0, ct.length, out, 0));
                if (fail) {
                    assertThat(n).isEqualTo(-1);
                } else {
                    assertThat(toHex(Arrays.copyOf(out, n))).isEqualTo(tc.get("plaintext").asText());
                }
            }));
        }
        for (String set : List.of("xchacha20poly1305_encrypt", "xchacha20poly1305_decrypt")) {
            for (JsonNode tc : file.get(set)) {
                tests.add(dynamicTest(set + " " + tc.get("name").asText(), () -> {
                    byte[] key = hex(tc, "key");
                    byte[] nonce = hex(tc, "nonce");
                    byte[] aad = hex(tc, "aad");
                    byte[] pt = hex(tc, "plaintext");
                    byte[] ct = hex(tc, "ciphertext_and_tag");
                    byte[] out = new byte[ct.length];
                    XAead x = provider().xChaCha20Poly1305();
                    if (set.endsWith("encrypt")) {
                        assertThat(x.seal(key, nonce, aad, pt, 0, pt.length, out, 0)).isEqualTo(ct.length);
                        assertThat(toHex(out)).isEqualTo(toHex(ct));
                    } else {
                        int n = x.open(key, nonce, aad, ct, 0, ct.length, out, 0);
                        assertThat(toHex(Arrays.copyOf(out, n))).isEqualTo(toHex(pt));
                    }
                }));
            }
        }
        assertThat(tests).hasSize(110 + 13 + 1 + 1);
        return tests.stream();
    }

    private interface CounterCall {
        int apply(AeadKey key, long counter);
    }

    private interface RawCall {
        int apply(NonceAead raw);
    }

    /** An 8-byte zinc nonce is WireGuard's 64-bit little-endian counter; a 12-byte one is raw. */
    private int zincKey(JsonNode tc, CounterCall counterCall, RawCall rawCall) {
        byte[] nonce = hex(tc, "nonce");
        AeadKey key = provider().chaCha20Poly1305().key(hex(tc, "key"));
        if (nonce.length == 8) {
            assertThat(hex(tc, "nonce96")).startsWith(0, 0, 0, 0);
            return counterCall.apply(key, LittleEndian.getLong(nonce, 0));
        }
        return rawCall.apply(((CounterNonceAeadKey) key).raw());
    }

    @Test
    void aeadSealsInPlaceAndRefusesBadInputWithoutThrowing() {
        AeadKey key = provider().chaCha20Poly1305().key(new byte[32]);
        byte[] buf = new byte[64 + Aead.TAG_LENGTH];
        Arrays.fill(buf, 0, 64, (byte) 0x5a);
        assertThat(key.seal(7, EMPTY, buf, 0, 64, buf, 0)).isEqualTo(80);
        assertThat(key.open(7, EMPTY, buf, 0, 80, buf, 0)).isEqualTo(64);
        assertThat(Arrays.copyOf(buf, 64)).containsOnly(0x5a);
        assertThat(key.open(7, EMPTY, buf, 0, 15, buf, 0)).isEqualTo(-1);
        assertThat(key.open(8, EMPTY, new byte[80], 0, 80, new byte[80], 0)).isEqualTo(-1);
        assertThat(key.open(7, null, new byte[16], 0, 16, new byte[16], 0)).isEqualTo(-1);
        key.destroy();
        assertThat(key.open(7, EMPTY, buf, 0, 80, buf, 0)).isEqualTo(-1);
        assertThat(provider().xChaCha20Poly1305().open(new byte[32], new byte[24], null, new byte[10], 0, 10,
                new byte[10], 0)).isEqualTo(-1);
    }

    @Test
    void sealingTheSameCounterTwiceGivesTheSameCiphertext() {
        // The JDK (and Bouncy Castle) refuse to re-init encryption with the previous key and nonce;
        // the provider must cope, e.g. for a test or a retransmitted handshake message.
        AeadKey key = provider().chaCha20Poly1305().key(hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
        byte[] msg = "same counter twice".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] first = new byte[msg.length + 16];
        byte[] second = new byte[msg.length + 16];
        assertThat(key.seal(3, null, msg, 0, msg.length, first, 0)).isEqualTo(first.length);
        assertThat(key.seal(3, null, msg, 0, msg.length, second, 0)).isEqualTo(second.length);
        assertThat(second).isEqualTo(first);
        byte[] plain = new byte[msg.length];
        assertThat(key.open(3, null, first, 0, first.length, plain, 0)).isEqualTo(msg.length);
        assertThat(key.seal(3, null, msg, 0, msg.length, second, 0)).isEqualTo(second.length);
        assertThat(second).isEqualTo(first);
    }

    // ---- BLAKE2s ---------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> blake2sReferenceKat() {
        JsonNode file = VectorFiles.read("blake2s/blake2s-kat.json");
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode tc : file) {
            byte[] key = hex(tc, "key");
            byte[] in = hex(tc, "in");
            tests.add(dynamicTest("#" + index++ + (key.length > 0 ? " keyed" : " unkeyed") + " inlen " + in.length,
                    () -> assertThat(toHex(digest(32, key, in))).isEqualTo(tc.get("out").asText())));
        }
        assertThat(tests).hasSize(439);
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> blake2sRfc7693() {
        JsonNode file = VectorFiles.read("blake2s/rfc7693-blake2s.json");
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode tc : file.get("vectors")) {
            tests.add(dynamicTest("#" + index++ + " " + tc.get("comment").asText(), () -> assertThat(
                    toHex(digest(tc.get("outlen").asInt(), hex(tc, "key"), hex(tc, "in"))))
                    .isEqualTo(tc.get("out").asText())));
        }
        JsonNode selftest = file.get("selftest");
        tests.add(dynamicTest("Appendix E self-test grand_hash", () -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (JsonNode md : selftest.get("md_len")) {
                for (JsonNode inLen : selftest.get("in_len")) {
                    int outlen = md.asInt();
                    byte[] in = rfc7693Sequence(inLen.asInt(), inLen.asInt());
                    all.writeBytes(digest(outlen, EMPTY, in));
                    all.writeBytes(digest(outlen, rfc7693Sequence(outlen, outlen), in));
                }
            }
            assertThat(toHex(provider().blake2s().hash(all.toByteArray())))
                    .isEqualTo(selftest.get("grand_hash").asText());
        }));
        assertThat(tests).hasSize(42 + 1);
        return tests.stream();
    }

    /** RFC 7693 Appendix E selftest_seq: a Fibonacci-like byte sequence from {@code seed}. */
    private static byte[] rfc7693Sequence(int length, int seed) {
        byte[] out = new byte[length];
        int a = 0xDEAD4BAD * seed;
        int b = 1;
        for (int i = 0; i < length; i++) {
            int t = a + b;
            a = b;
            b = t;
            out[i] = (byte) (t >>> 24);
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> linuxBlake2sSelftest() {
        JsonNode file = VectorFiles.read("wireguard/linux-blake2s-selftest.json");
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode tc : file.get("tests")) {
            tests.add(dynamicTest("self-test " + tc.get("index").asInt() + " outlen " + tc.get("outlen").asInt(),
                    () -> {
                        byte[] in = hex(tc, "in");
                        byte[] key = hex(tc, "key");
                        assertThat(toHex(digest(tc.get("outlen").asInt(), key, in))).isEqualTo(tc.get("out").asText());
                        // Incremental use must give the same digest as one update.
                        Blake2sDigest d = provider().blake2s().newDigest(tc.get("outlen").asInt(), key);
                        int half = in.length / 2;
                        d.update(in, 0, half);
                        d.update(in, half, in.length - half);
                        byte[] out = new byte[tc.get("outlen").asInt()];
                        d.doFinal(out, 0);
                        assertThat(toHex(out)).isEqualTo(tc.get("out").asText());
                    }));
        }
        for (JsonNode tc : file.get("hmac_tests")) {
            tests.add(dynamicTest("hmac " + tc.get("index").asInt(), () -> assertThat(
                    toHex(provider().blake2s().hmac(hex(tc, "key"), hex(tc, "message"))))
                    .isEqualTo(tc.get("mac").asText())));
        }
        assertThat(tests).hasSize(256 + 2);
        return tests.stream();
    }

    @Test
    void blake2sRefusesOutOfRangeLengths() {
        Blake2s b = provider().blake2s();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> b.newDigest(0, null));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> b.newDigest(33, null));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> b.newDigest(32, new byte[33]));
    }

    @Test
    void describesItself() {
        assertThat(provider().name()).isNotBlank();
        assertThat(provider().description()).isNotBlank();
    }

    private byte[] digest(int outLength, byte[] key, byte[] in) {
        Blake2sDigest d = provider().blake2s().newDigest(outLength, key);
        d.update(in, 0, in.length);
        byte[] out = new byte[outLength];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

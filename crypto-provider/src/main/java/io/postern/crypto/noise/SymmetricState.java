package io.postern.crypto.noise;

import io.postern.spi.crypto.AeadKey;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.CryptoProvider;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The Noise SymmetricState (Noise spec rev. 34 §5.2) with its CipherState folded in, for the
 * {@code 25519_ChaChaPoly_BLAKE2s} suite: chaining key {@code ck}, handshake hash {@code h}, and
 * the cipher key {@code k} with nonce {@code n}. Not thread-safe.
 */
final class SymmetricState {
    static final int HASH_LENGTH = Blake2s.HASH_LENGTH;

    private final CryptoProvider crypto;
    private final byte[] ck;
    private final byte[] h;
    private byte[] k;
    private long n;

    private SymmetricState(CryptoProvider crypto, byte[] ck, byte[] h, byte[] k, long n) {
        this.crypto = crypto;
        this.ck = ck;
        this.h = h;
        this.k = k;
        this.n = n;
    }

    /** InitializeSymmetric(protocol_name): h = name padded to 32 bytes, or HASH(name) if longer; ck = h. */
    static SymmetricState initialize(CryptoProvider crypto, String protocolName) {
        byte[] name = protocolName.getBytes(StandardCharsets.US_ASCII);
        byte[] h = name.length <= HASH_LENGTH ? Arrays.copyOf(name, HASH_LENGTH) : crypto.blake2s().hash(name);
        return new SymmetricState(crypto, h.clone(), h, null, 0);
    }

    /** @return an independent copy, so a message can be tried without committing to it */
    SymmetricState copy() {
        return new SymmetricState(crypto, ck.clone(), h.clone(), k == null ? null : k.clone(), n);
    }

    /** MixHash(data): h = HASH(h ‖ data). */
    void mixHash(byte[] data, int offset, int length) {
        var d = crypto.blake2s().newDigest(HASH_LENGTH, null);
        d.update(h, 0, HASH_LENGTH);
        d.update(data, offset, length);
        d.doFinal(h, 0);
    }

    void mixHash(byte[] data) {
        mixHash(data, 0, data.length);
    }

    /** MixKey(ikm): (ck, k) = HKDF(ck, ikm, 2); n = 0. */
    void mixKey(byte[] ikm) {
        byte[][] out = HkdfBlake2s.derive(crypto.blake2s(), ck, ikm, 2);
        System.arraycopy(out[0], 0, ck, 0, HASH_LENGTH);
        setKey(out[1]);
        Arrays.fill(out[0], (byte) 0);
    }

    /** MixKeyAndHash(ikm): (ck, temp_h, k) = HKDF(ck, ikm, 3); MixHash(temp_h); n = 0 (used for psk). */
    void mixKeyAndHash(byte[] ikm) {
        byte[][] out = HkdfBlake2s.derive(crypto.blake2s(), ck, ikm, 3);
        System.arraycopy(out[0], 0, ck, 0, HASH_LENGTH);
        mixHash(out[1]);
        setKey(out[2]);
        Arrays.fill(out[0], (byte) 0);
        Arrays.fill(out[1], (byte) 0);
    }

    private void setKey(byte[] newKey) {
        if (k != null) {
            Arrays.fill(k, (byte) 0);
        }
        k = newKey;
        n = 0;
    }

    /**
     * EncryptAndHash(plaintext): ciphertext = ENCRYPT(k, n++, h, plaintext) (or the plaintext
     * when there is no key yet), then MixHash(ciphertext).
     *
     * @return bytes written to {@code out}
     */
    int encryptAndHash(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        int written;
        if (k == null) {
            System.arraycopy(in, inOffset, out, outOffset, length);
            written = length;
        } else {
            AeadKey key = crypto.chaCha20Poly1305().key(k);
            written = key.seal(n, h, in, inOffset, length, out, outOffset);
            key.destroy();
            n++;
        }
        mixHash(out, outOffset, written);
        return written;
    }

    /**
     * DecryptAndHash(ciphertext): the plaintext, then MixHash(ciphertext). On failure the state
     * is unusable; callers work on a {@link #copy()}.
     *
     * @return the plaintext length, or -1 when the ciphertext does not authenticate
     */
    int decryptAndHash(byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        int written;
        if (k == null) {
            System.arraycopy(in, inOffset, out, outOffset, length);
            written = length;
        } else {
            AeadKey key = crypto.chaCha20Poly1305().key(k);
            written = key.open(n, h, in, inOffset, length, out, outOffset);
            key.destroy();
            if (written < 0) {
                return -1;
            }
            n++;
        }
        mixHash(in, inOffset, length);
        return written;
    }

    /** Split(): (k1, k2) = HKDF(ck, empty, 2); k1 protects initiator→responder, k2 the reverse. */
    byte[][] split() {
        return HkdfBlake2s.derive(crypto.blake2s(), ck, new byte[0], 2);
    }

    /** @return a copy of ck (for known-answer tests of C0) */
    byte[] chainingKey() {
        return ck.clone();
    }

    /** @return a copy of h (the handshake hash once the handshake is over) */
    byte[] handshakeHash() {
        return h.clone();
    }

    /** @return whether every secret this state held is zero (after {@link #destroy()}) */
    boolean isZeroed() {
        byte acc = 0;
        for (int i = 0; i < HASH_LENGTH; i++) {
            acc |= ck[i];
            acc |= h[i];
        }
        return acc == 0 && k == null;
    }

    /** Zeroes ck, h and k (best effort). */
    void destroy() {
        Arrays.fill(ck, (byte) 0);
        Arrays.fill(h, (byte) 0);
        setKey(null);
    }
}

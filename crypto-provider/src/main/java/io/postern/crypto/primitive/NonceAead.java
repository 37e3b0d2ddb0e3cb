package io.postern.crypto.primitive;

/**
 * An AEAD under one key whose nonce the caller gives in full. {@link CounterNonceAeadKey} builds
 * WireGuard's counter nonce on top of it; tests drive it directly with the arbitrary nonces of the
 * Wycheproof vectors. Not thread-safe.
 *
 * <p>Neither method throws for bad input: a nonce of the wrong length, a short input or a failed
 * authentication all give {@code -1}.
 */
public interface NonceAead {
    /** @return the nonce length this AEAD takes, e.g. 12 for ChaCha20-Poly1305 (RFC 8439) */
    int nonceLength();

    /**
     * Encrypts {@code in[inOffset, inOffset+length)} and writes ciphertext ‖ 16-byte tag.
     *
     * @param aad additional data, or {@code null}
     * @return {@code length + 16}, or {@code -1} when the nonce has the wrong length
     */
    int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * Authenticates and decrypts ciphertext ‖ tag.
     *
     * @param aad additional data, or {@code null}
     * @return the plaintext length, or {@code -1} for a wrong nonce length, a short input or a
     *         failed authentication
     */
    int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /** Zeroes the key this instance holds (best effort: the JVM may keep copies). */
    void destroy();
}

package io.postern.spi.crypto;

/**
 * ChaCha20-Poly1305 under one key. The nonce is 4 zero bytes followed by {@code counter} as 64-bit
 * little-endian (docs/protocol.md). An instance is <b>not</b> thread-safe: confine it to one thread or
 * synchronize on it. {@code in} and {@code out} ranges may be the same array at the same offset
 * (in-place) but must not otherwise overlap.
 */
public interface AeadKey {
    /**
     * Encrypts {@code in[inOffset, inOffset+length)} and writes ciphertext followed by the 16-byte tag
     * to {@code out} at {@code outOffset}.
     *
     * @param aad additional data, or {@code null} for none
     * @return bytes written: {@code length + 16}
     */
    int seal(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * Authenticates and decrypts {@code in[inOffset, inOffset+length)} (ciphertext followed by the
     * tag) into {@code out} at {@code outOffset}. Never throws for bad input.
     *
     * @param aad additional data, or {@code null} for none
     * @return the plaintext length ({@code length - 16}), or {@code -1} when the input is shorter
     *         than a tag or does not authenticate; on {@code -1} nothing meaningful is in {@code out}
     */
    int open(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /** Zeroes the key material this instance holds (best effort); later use is an error. */
    void destroy();
}

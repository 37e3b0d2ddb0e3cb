package io.postern.spi.crypto;

/** XChaCha20-Poly1305 (24-byte nonce), used only for WireGuard cookie replies. Thread-safe. */
public interface XAead {
    /** Nonce length in bytes. */
    int NONCE_LENGTH = 24;

    /**
     * @return bytes written to {@code out}: {@code length + 16}
     */
    int seal(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);

    /**
     * @return the plaintext length, or {@code -1} when the input does not authenticate (never throws for bad input)
     */
    int open(byte[] key, byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset);
}

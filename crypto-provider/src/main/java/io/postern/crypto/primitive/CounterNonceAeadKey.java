package io.postern.crypto.primitive;

import io.postern.spi.crypto.AeadKey;
import io.postern.wire.LittleEndian;

/**
 * WireGuard's ChaCha20-Poly1305 nonce over a {@link NonceAead}: 4 zero bytes followed by the
 * 64-bit little-endian counter (docs/protocol.md "Primitives"; the Noise spec's ChaChaPoly nonce).
 * Not thread-safe, like every {@link AeadKey}.
 */
public final class CounterNonceAeadKey implements AeadKey {
    /** ChaCha20-Poly1305 nonce length (RFC 8439 §2.8). */
    public static final int NONCE_LENGTH = 12;
    private static final int COUNTER_OFFSET = 4;

    /** The nonce is built per packet in a per-thread array (4 zero bytes stay zero): nothing per key. */
    private static final ThreadLocal<byte[]> NONCE = ThreadLocal.withInitial(() -> new byte[NONCE_LENGTH]);

    private final NonceAead aead;

    /** @param aead a 12-byte-nonce AEAD this key now owns */
    public CounterNonceAeadKey(NonceAead aead) {
        if (aead.nonceLength() != NONCE_LENGTH) {
            throw new IllegalArgumentException("WireGuard's counter nonce needs a 12-byte-nonce AEAD");
        }
        this.aead = aead;
    }

    /** @return the underlying explicit-nonce AEAD (for known-answer tests with arbitrary nonces) */
    public NonceAead raw() {
        return aead;
    }

    @Override
    public int seal(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        byte[] nonce = NONCE.get();
        LittleEndian.putLong(nonce, COUNTER_OFFSET, counter);
        return aead.seal(nonce, aad, in, inOffset, length, out, outOffset);
    }

    @Override
    public int open(long counter, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
        byte[] nonce = NONCE.get();
        LittleEndian.putLong(nonce, COUNTER_OFFSET, counter);
        return aead.open(nonce, aad, in, inOffset, length, out, outOffset);
    }

    @Override
    public void destroy() {
        aead.destroy();
    }
}

package io.postern.crypto.jca;

import io.postern.crypto.primitive.CounterNonceAeadKey;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.AeadKey;

/**
 * ChaCha20-Poly1305 (RFC 8439) split in two: the keystream from the JDK's
 * {@code Cipher("ChaCha20")} (an AVX2/AVX-512/NEON intrinsic), the tag from our own
 * {@link io.postern.crypto.primitive.Poly1305}. The {@code fastest} provider uses it where the
 * JDK's Poly1305 is not an intrinsic (docs/fast-path.md, "Poly1305").
 */
public final class SplitChaCha20Poly1305 implements Aead {
    /** Creates the AEAD; it holds nothing, each key holds its own 32 bytes. */
    public SplitChaCha20Poly1305() {}

    @Override
    public AeadKey key(byte[] key) {
        return new CounterNonceAeadKey(new SplitChaChaNonceAead(key));
    }
}

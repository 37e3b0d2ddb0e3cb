package io.postern.crypto.bc;

import io.postern.crypto.primitive.CounterNonceAeadKey;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.AeadKey;

/** ChaCha20-Poly1305 (RFC 8439) keys backed by Bouncy Castle's {@code ChaCha20Poly1305} mode. */
final class BouncyCastleChaCha20Poly1305 implements Aead {
    @Override
    public AeadKey key(byte[] key) {
        return new CounterNonceAeadKey(new BouncyCastleChaChaNonceAead(key));
    }
}

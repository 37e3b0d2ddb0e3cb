package io.postern.crypto.jca;

import io.postern.crypto.primitive.CounterNonceAeadKey;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.AeadKey;

/** ChaCha20-Poly1305 (RFC 8439) keys backed by the JDK's {@code Cipher("ChaCha20-Poly1305")}. */
final class JcaChaCha20Poly1305 implements Aead {
    @Override
    public AeadKey key(byte[] key) {
        return new CounterNonceAeadKey(new JcaChaChaNonceAead(key));
    }
}

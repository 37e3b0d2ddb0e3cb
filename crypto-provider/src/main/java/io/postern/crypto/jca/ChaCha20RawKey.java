package io.postern.crypto.jca;

import io.postern.wire.LittleEndian;
import java.io.Serial;
import javax.crypto.SecretKey;

/**
 * A 32-byte ChaCha20 key for the JDK's Cipher, held as four longs (48 bytes of heap) instead of a
 * {@code SecretKeySpec} plus our own copy for wiping (about 150 bytes). {@link #getEncoded()} gives
 * a fresh array each time, as the Cipher expects (it keeps and later wipes what it gets);
 * {@link #destroy()} zeroes the key. {@link JcaChaChaNonceAead} extends it, to be its own key.
 */
class ChaCha20RawKey implements SecretKey {
    @Serial
    private static final long serialVersionUID = 1L;

    private long k0;
    private long k1;
    private long k2;
    private long k3;
    private boolean destroyed;

    /** @param key 32 bytes, copied; anything else is refused with IllegalArgumentException */
    ChaCha20RawKey(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("ChaCha20-Poly1305 key must be 32 bytes");
        }
        k0 = LittleEndian.getLong(key, 0);
        k1 = LittleEndian.getLong(key, 8);
        k2 = LittleEndian.getLong(key, 16);
        k3 = LittleEndian.getLong(key, 24);
    }

    @Override
    public String getAlgorithm() {
        return "ChaCha20";
    }

    @Override
    public String getFormat() {
        return "RAW";
    }

    @Override
    public byte[] getEncoded() {
        byte[] key = new byte[32];
        LittleEndian.putLong(key, 0, k0);
        LittleEndian.putLong(key, 8, k1);
        LittleEndian.putLong(key, 16, k2);
        LittleEndian.putLong(key, 24, k3);
        return key;
    }

    @Override
    public void destroy() {
        k0 = 0;
        k1 = 0;
        k2 = 0;
        k3 = 0;
        destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Whether a seal or open may run: the key is not destroyed and the nonce is ChaCha20's 12 bytes. */
    final boolean usableWith(byte[] nonce) {
        return !destroyed && nonce != null && nonce.length == 12;
    }
}

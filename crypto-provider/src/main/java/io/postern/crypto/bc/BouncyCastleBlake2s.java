package io.postern.crypto.bc;

import io.postern.crypto.primitive.HmacBlake2s;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;

/**
 * BLAKE2s (RFC 7693), keyed or not, any output length 1–32, on Bouncy Castle's
 * {@code org.bouncycastle.crypto.digests.Blake2sDigest}; HMAC-BLAKE2s is {@link HmacBlake2s} over
 * it. Used by both providers, since the JDK has no BLAKE2. Thread-safe (stateless factory).
 */
public final class BouncyCastleBlake2s implements Blake2s {
    private static final int MAX_KEY_LENGTH = 32;

    /** Creates the stateless BLAKE2s factory. */
    public BouncyCastleBlake2s() {}

    @Override
    public Blake2sDigest newDigest(int outLength, byte[] key) {
        if (outLength < 1 || outLength > HASH_LENGTH) {
            throw new IllegalArgumentException("BLAKE2s output length must be 1-32 bytes, got " + outLength);
        }
        if (key != null && key.length > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("BLAKE2s key must be at most 32 bytes, got " + key.length);
        }
        byte[] k = key == null || key.length == 0 ? null : key;
        org.bouncycastle.crypto.digests.Blake2sDigest d =
                new org.bouncycastle.crypto.digests.Blake2sDigest(k, outLength, null, null);
        return new Blake2sDigest() {
            @Override
            public void update(byte[] in, int offset, int length) {
                d.update(in, offset, length);
            }

            @Override
            public void doFinal(byte[] out, int offset) {
                d.doFinal(out, offset);
            }
        };
    }

    @Override
    public byte[] hmac(byte[] key, byte[] data) {
        return HmacBlake2s.mac(this, key, data);
    }
}

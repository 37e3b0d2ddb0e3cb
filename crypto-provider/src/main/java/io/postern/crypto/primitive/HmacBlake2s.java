package io.postern.crypto.primitive;

import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;
import java.util.Arrays;

/**
 * HMAC (RFC 2104) over BLAKE2s-256 with block length B = 64, as WireGuard's HMAC and KDF use it
 * (docs/protocol.md "Primitives"). Written over the {@link Blake2s} SPI so every provider shares it.
 */
public final class HmacBlake2s {
    private static final byte IPAD = 0x36;
    private static final byte OPAD = 0x5c;

    private HmacBlake2s() {}

    /** @return HMAC-BLAKE2s(key, data), 32 bytes */
    public static byte[] mac(Blake2s blake2s, byte[] key, byte[] data) {
        byte[] block = new byte[Blake2s.BLOCK_LENGTH];
        if (key.length > Blake2s.BLOCK_LENGTH) {
            byte[] hashed = blake2s.hash(key);
            System.arraycopy(hashed, 0, block, 0, hashed.length);
            Arrays.fill(hashed, (byte) 0);
        } else {
            System.arraycopy(key, 0, block, 0, key.length);
        }
        byte[] pad = new byte[Blake2s.BLOCK_LENGTH];
        for (int i = 0; i < pad.length; i++) {
            pad[i] = (byte) (block[i] ^ IPAD);
        }
        Blake2sDigest inner = blake2s.newDigest(Blake2s.HASH_LENGTH, null);
        inner.update(pad, 0, pad.length);
        inner.update(data, 0, data.length);
        byte[] innerHash = new byte[Blake2s.HASH_LENGTH];
        inner.doFinal(innerHash, 0);

        for (int i = 0; i < pad.length; i++) {
            pad[i] = (byte) (block[i] ^ OPAD);
        }
        Blake2sDigest outer = blake2s.newDigest(Blake2s.HASH_LENGTH, null);
        outer.update(pad, 0, pad.length);
        outer.update(innerHash, 0, innerHash.length);
        byte[] out = new byte[Blake2s.HASH_LENGTH];
        outer.doFinal(out, 0);

        Arrays.fill(block, (byte) 0);
        Arrays.fill(pad, (byte) 0);
        Arrays.fill(innerHash, (byte) 0);
        return out;
    }
}

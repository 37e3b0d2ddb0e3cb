package io.postern.spi.crypto;

/** BLAKE2s (RFC 7693) and HMAC-BLAKE2s. Thread-safe factory; digests it returns are not. */
public interface Blake2s {
    /** Output length of HASH and HMAC in bytes. */
    int HASH_LENGTH = 32;
    /** Block length in bytes (HMAC's B). */
    int BLOCK_LENGTH = 64;

    /**
     * @param outLength digest length, 1–32 bytes
     * @param key       0–32 bytes of key for keyed BLAKE2s (WireGuard's MAC), or {@code null}/empty for unkeyed
     * @return a fresh incremental digest
     * @throws IllegalArgumentException for lengths out of range
     */
    Blake2sDigest newDigest(int outLength, byte[] key);

    /** @return BLAKE2s-256 of the concatenation of {@code parts} */
    default byte[] hash(byte[]... parts) {
        Blake2sDigest d = newDigest(HASH_LENGTH, null);
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[HASH_LENGTH];
        d.doFinal(out, 0);
        return out;
    }

    /**
     * HMAC-BLAKE2s (RFC 2104 with BLAKE2s-256, block 64 bytes) of {@code data}.
     *
     * @return the 32-byte MAC
     */
    byte[] hmac(byte[] key, byte[] data);
}

package io.postern.spi.crypto;

/** An incremental BLAKE2s computation. Not thread-safe; single use: {@link #doFinal} ends it. */
public interface Blake2sDigest {
    /** Absorbs {@code in[offset, offset+length)}. */
    void update(byte[] in, int offset, int length);

    /** Writes the digest (its configured length) to {@code out} at {@code offset}. */
    void doFinal(byte[] out, int offset);
}

package io.postern.crypto.noise;

/**
 * Supplies DH(S_local, S_remote), the {@code ss} token of IK, which is the same for every
 * handshake between two static keys (docs/protocol.md: it may be precomputed).
 */
@FunctionalInterface
interface StaticSecret {
    /**
     * Writes DH(local static private, {@code remoteStatic}) into {@code out[0..32)}.
     *
     * @return {@code false} when the result is all zeros (a low-order remote key)
     */
    boolean compute(byte[] remoteStatic, byte[] out);
}

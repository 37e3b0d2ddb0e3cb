package io.postern.wire;

import java.time.Instant;
import java.util.Arrays;

/**
 * TAI64N timestamps as WireGuard sends them in initiations: 8 bytes big-endian
 * 2^62 + 10 + unix seconds, then 4 bytes big-endian nanoseconds (docs/protocol.md; wireguard-go
 * tai64n/tai64n.go). The responder rejects an initiation whose timestamp is not newer than the
 * greatest it has seen from that peer (replay of an initiation).
 */
public final class Tai64n {
    /** Timestamp length in bytes. */
    public static final int LENGTH = 12;
    private static final long BASE = (1L << 62) + 10;
    /**
     * wireguard-go rounds nanoseconds down to a multiple of 2^24 ns (~16.8 ms) so a timestamp does
     * not reveal the sender's clock precisely; we do the same.
     */
    private static final int WHITENER_MASK = ~((1 << 24) - 1);

    private Tai64n() {}

    /** @return the 12-byte timestamp of {@code instant}, nanoseconds whitened */
    public static byte[] of(Instant instant) {
        byte[] out = new byte[LENGTH];
        long secs = BASE + instant.getEpochSecond();
        int nanos = instant.getNano() & WHITENER_MASK;
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (secs >>> (56 - 8 * i));
        }
        for (int i = 0; i < 4; i++) {
            out[8 + i] = (byte) (nanos >>> (24 - 8 * i));
        }
        return out;
    }

    /** @return whether {@code candidate} is strictly later than {@code reference} (unsigned big-endian compare) */
    public static boolean isAfter(byte[] candidate, byte[] reference) {
        return Arrays.compareUnsigned(candidate, 0, LENGTH, reference, 0, LENGTH) > 0;
    }
}

package io.postern.engine;

/**
 * Sliding-window anti-replay filter for transport counters, RFC 6479 style: a ring of 128 blocks of
 * 64 bits (8192 bits) of which one block is always being recycled, so 8128 counters behind the
 * greatest are tracked — the same arithmetic as wireguard-go {@code replay/replay.go}, which the
 * test vectors come from. Counters are unsigned 64-bit.
 *
 * <p>Call {@link #accept} only after the packet authenticated: an unauthenticated counter must
 * never move the window. Thread-safe (synchronized: receive threads may share a keypair).
 */
final class ReplayWindow {
    private static final int BLOCK_BIT_LOG = 6;
    private static final int BLOCK_BITS = 1 << BLOCK_BIT_LOG;
    private static final int RING_BLOCKS = 1 << 7;
    /** Usable window: (128 − 1) × 64 = 8128 counters behind the greatest. */
    static final long WINDOW_SIZE = (RING_BLOCKS - 1) * BLOCK_BITS;
    private static final int BLOCK_MASK = RING_BLOCKS - 1;
    private static final int BIT_MASK = BLOCK_BITS - 1;

    private final long[] ring = new long[RING_BLOCKS];
    private long last;

    /**
     * Checks {@code counter} and marks it seen.
     *
     * @return whether it is new: not at or above REJECT_AFTER_MESSAGES, not behind the window, not
     *         seen before
     */
    synchronized boolean accept(long counter) {
        if (Long.compareUnsigned(counter, ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0) {
            return false;
        }
        long indexBlock = counter >>> BLOCK_BIT_LOG;
        if (Long.compareUnsigned(counter, last) > 0) {
            long current = last >>> BLOCK_BIT_LOG;
            long diff = Math.min(indexBlock - current, RING_BLOCKS); // clear at most the whole ring
            for (long i = current + 1; i <= current + diff; i++) {
                ring[(int) (i & BLOCK_MASK)] = 0;
            }
            last = counter;
        } else if (Long.compareUnsigned(last - counter, WINDOW_SIZE) > 0) {
            return false;
        }
        int block = (int) (indexBlock & BLOCK_MASK);
        long bit = 1L << (counter & BIT_MASK);
        long old = ring[block];
        ring[block] = old | bit;
        return (old & bit) == 0;
    }
}

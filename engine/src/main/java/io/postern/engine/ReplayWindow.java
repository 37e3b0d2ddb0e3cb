package io.postern.engine;

import java.util.Arrays;

/**
 * Sliding-window anti-replay filter for transport counters, RFC 6479 style: a ring of 128 blocks of
 * 64 bits (8192 bits) of which one block is always being recycled, so 8128 counters behind the
 * greatest are tracked — the same arithmetic as wireguard-go {@code replay/replay.go}, which the
 * test vectors come from. Counters are unsigned 64-bit.
 *
 * <p>The ring (1 KiB) is allocated only when needed. Until then the window is kept as the greatest
 * counter and one 64-bit word for the 64 counters up to it, under the invariant that every counter
 * further behind, inside the window, has been seen. In-order and slightly reordered traffic never
 * breaks that invariant; the ring is built (with the same content the full ring would have) the
 * first time a counter that was never seen would slide out of the word while still inside the
 * window, or the greatest counter jumps by 64 or more. The answers are the same either way.
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

    /** The full RFC 6479 ring, or {@code null} while {@link #recent} describes the window. */
    private long[] ring;
    private long last;
    /**
     * Without the ring: bit k set when counter {@code last − k} was seen (or does not exist, below 0).
     * Counter 0 is not seen yet at the start.
     */
    private long recent = ~1L;

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
        if (ring == null) {
            if (Long.compareUnsigned(counter, last) > 0) {
                long ahead = counter - last;
                // The top `ahead` bits slide out of the word: all must be seen to keep the invariant.
                if (Long.compareUnsigned(ahead, BLOCK_BITS) < 0 && (~recent >>> (BLOCK_BITS - ahead)) == 0) {
                    recent = (recent << ahead) | 1L;
                    last = counter;
                    return true;
                }
                buildRing();
            } else {
                long behind = last - counter;
                if (Long.compareUnsigned(behind, BLOCK_BITS) >= 0) {
                    return false; // seen (the invariant) or behind the window
                }
                long bit = 1L << behind;
                long old = recent;
                recent = old | bit;
                return (old & bit) == 0;
            }
        }
        return acceptInRing(counter);
    }

    /** Builds the ring the RFC 6479 algorithm would hold now from {@link #last} and {@link #recent}. */
    private void buildRing() {
        long[] r = new long[RING_BLOCKS];
        Arrays.fill(r, -1L); // everything behind the word is seen; ring slots of unborn blocks are harmless
        int current = (int) ((last >>> BLOCK_BIT_LOG) & BLOCK_MASK);
        r[current] = -1L >>> (BIT_MASK - (int) (last & BIT_MASK)); // nothing above last
        for (int k = 0; k < BLOCK_BITS && Long.compareUnsigned(k, last) <= 0; k++) {
            long c = last - k;
            int block = (int) ((c >>> BLOCK_BIT_LOG) & BLOCK_MASK);
            long bit = 1L << (c & BIT_MASK);
            if ((recent & (1L << k)) == 0) {
                r[block] &= ~bit;
            }
        }
        ring = r;
    }

    private boolean acceptInRing(long counter) {
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

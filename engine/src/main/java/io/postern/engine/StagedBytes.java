package io.postern.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine-wide bound on payload bytes staged for peers without a session. Each peer stages at
 * most {@link EngineSettings#maxStagedPackets()} packets, but with many offline peers that is
 * 128 × 64 KiB each: whoever makes the gateway send to many unreachable peers (an {@code ip}
 * handler forwarding, for instance) would grow the heap without end. Past this bound a packet is
 * not staged ({@code send} returns false) and counted. Thread-safe, lock-free.
 */
final class StagedBytes {
    private final long max;
    private final AtomicLong held = new AtomicLong();

    StagedBytes(long max) {
        this.max = max;
    }

    /** @return whether {@code n} more bytes fit (then they are held) */
    boolean tryReserve(int n) {
        while (true) {
            long h = held.get();
            if (h + n > max) {
                return false;
            }
            if (held.compareAndSet(h, h + n)) {
                return true;
            }
        }
    }

    /** Gives back {@code n} bytes (a staged packet was sent or dropped). */
    void release(int n) {
        held.addAndGet(-n);
    }

    /** @return bytes staged now */
    long held() {
        return held.get();
    }
}

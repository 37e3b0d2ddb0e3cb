package io.postern.testkit;

import java.lang.management.ManagementFactory;

/**
 * Bytes a thread allocates on the heap, from {@code com.sun.management.ThreadMXBean}: exact counts
 * (TLAB-accurate), independent of time and load, so a test can bound the allocation of a hot path
 * per call. Use {@link #bytesPerCall} for the usual measure: a warm-up, then the least of several rounds
 * (a JIT recompilation or a one-off lazy initialisation can allocate in one round; an allocation per
 * call shows in every one).
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {}

    /** @return bytes the current thread has allocated so far */
    public static long currentThread() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** @return bytes the thread with id {@code threadId} has allocated so far, or -1 when it is gone */
    public static long ofThread(long threadId) {
        return THREADS.getThreadAllocatedBytes(threadId);
    }

    /**
     * Runs {@code call} {@code warmUp} times, then {@code rounds} rounds of {@code calls} calls each on
     * the current thread.
     *
     * @return the least bytes allocated per call in one round
     */
    public static double bytesPerCall(Runnable call, int warmUp, int rounds, int calls) {
        if (warmUp < 0 || rounds < 1 || calls < 1) {
            throw new IllegalArgumentException("warmUp " + warmUp + ", rounds " + rounds + ", calls " + calls);
        }
        for (int i = 0; i < warmUp; i++) {
            call.run();
        }
        long least = Long.MAX_VALUE;
        for (int r = 0; r < rounds; r++) {
            long before = currentThread();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            least = Math.min(least, currentThread() - before);
        }
        return (double) least / calls;
    }
}

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

    /** Most extra rounds {@link #bytesPerCall} and {@link #leastPerRound} add while a round still allocates. */
    public static final int MOST_EXTRA_ROUNDS = 60;

    /**
     * Runs {@code call} {@code warmUp} times, then at least {@code rounds} rounds of {@code calls} calls
     * each on the current thread, and more rounds (at most {@link #MOST_EXTRA_ROUNDS}) while every round
     * so far allocated: until the JIT has compiled the path (escape analysis removes allocations the
     * interpreter and C1 make), which on a loaded machine can come late. An allocation per call shows in
     * every round, so it still fails a bound; only the wait for the compiler is longer.
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
        return (double) leastPerRound(() -> {
            long before = currentThread();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            return currentThread() - before;
        }, rounds) / calls;
    }

    /** One measured round: @return the bytes it allocated */
    @FunctionalInterface
    public interface Round {
        long allocated() throws Exception;
    }

    /**
     * Runs {@code round} at least {@code rounds} times, then again (at most {@link #MOST_EXTRA_ROUNDS}
     * more, pausing 10 ms before each so the compiler threads get a core) while no round has been free
     * of allocation.
     *
     * @return the least bytes one round allocated
     */
    public static long leastPerRound(Round round, int rounds) {
        long least = Long.MAX_VALUE;
        try {
            for (int r = 0; r < rounds + MOST_EXTRA_ROUNDS; r++) {
                if (r >= rounds) {
                    if (least == 0) {
                        break;
                    }
                    Thread.sleep(10);
                }
                least = Math.min(least, round.allocated());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        } catch (Exception e) {
            throw new IllegalStateException("a measured round failed", e);
        }
        return least;
    }
}

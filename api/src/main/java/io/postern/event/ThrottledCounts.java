package io.postern.event;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * "Count every occurrence, write at most one log line per interval": counters for a fixed set of
 * keys (usually an enum's ordinals) that also say when a line about a key may be written. Traffic
 * decides how often something happens; this keeps the log from following it. The first occurrence
 * of a key may be logged at once. Thread-safe and allocation-free.
 *
 * <pre>{@code
 * counts.count(reason.ordinal());
 * if (LOG.isDebugEnabled() && counts.mayLog(reason.ordinal())) {
 *     LOG.debug("dropped: {} (total {})", reason, counts.total(reason.ordinal()));
 * }
 * }</pre>
 */
public final class ThrottledCounts {
    private final LongAdder[] counts;
    private final AtomicLongArray lastLineNanos;
    private final AtomicLongArray countAtLastLine;
    private final long intervalNanos;
    private final LongSupplier nanoTime;

    /**
     * @param keys     how many keys (0 … keys − 1)
     * @param interval at most one line per key per this interval
     */
    public ThrottledCounts(int keys, Duration interval) {
        this(keys, interval, System::nanoTime);
    }

    /**
     * @param keys     how many keys (0 … keys − 1)
     * @param interval at most one line per key per this interval
     * @param nanoTime the ticker ({@link System#nanoTime()}; tests pass a fake one)
     */
    public ThrottledCounts(int keys, Duration interval, LongSupplier nanoTime) {
        if (keys < 1) {
            throw new IllegalArgumentException("keys must be at least 1, was " + keys);
        }
        this.intervalNanos = Objects.requireNonNull(interval, "interval").toNanos();
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive, was " + interval);
        }
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.counts = new LongAdder[keys];
        this.lastLineNanos = new AtomicLongArray(keys);
        this.countAtLastLine = new AtomicLongArray(keys);
        long longAgo = nanoTime.getAsLong() - intervalNanos;
        for (int i = 0; i < keys; i++) {
            counts[i] = new LongAdder();
            lastLineNanos.set(i, longAgo);
        }
    }

    /** Counts one occurrence of {@code key}. */
    public void count(int key) {
        counts[key].increment();
    }

    /**
     * @return whether a line about {@code key} may be written now: true at most once per interval
     *         per key (the caller that gets true writes it)
     */
    public boolean mayLog(int key) {
        long now = nanoTime.getAsLong();
        long last = lastLineNanos.get(key);
        return now - last >= intervalNanos && lastLineNanos.compareAndSet(key, last, now);
    }

    /** @return occurrences of {@code key} so far */
    public long total(int key) {
        return counts[key].sum();
    }

    /**
     * @return occurrences of {@code key} since the previous call (for "n since the last line"),
     *         and starts counting anew
     */
    public long takeSinceLastLine(int key) {
        long total = counts[key].sum();
        return total - countAtLastLine.getAndSet(key, total);
    }
}

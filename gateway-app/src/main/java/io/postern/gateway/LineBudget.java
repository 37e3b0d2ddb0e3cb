package io.postern.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How many log lines of one kind may be written per interval: anyone who can make the gateway log
 * (an admitted key changing identity 1,500 times a second) must not be able to fill the disk. Past
 * the budget lines are counted instead, and the next line of that kind that is written says how
 * many were not ({@code suppressed=N}). Kinds are a fixed set of names chosen by the caller, so the
 * table stays small. Thread-safe.
 */
final class LineBudget {
    /** Lines per kind per interval by default. */
    static final int DEFAULT_LINES = 20;
    /** The default interval. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    /** One kind's window; guarded by its own monitor. */
    private static final class Window {
        long startNanos;
        int written;
        long suppressed;
    }

    private final int lines;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /**
     * @param lines     lines per kind per interval
     * @param interval  the interval
     * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    LineBudget(int lines, Duration interval, LongSupplier nanoClock) {
        this.lines = lines;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /** The default budget on the system's monotonic clock. */
    LineBudget() {
        this(DEFAULT_LINES, DEFAULT_INTERVAL, System::nanoTime);
    }

    /**
     * @return -1 when a line of {@code kind} must not be written now (it is counted); otherwise how
     *         many lines of that kind were suppressed since the last one written
     */
    long admit(String kind) {
        Window w = windows.computeIfAbsent(kind, k -> new Window());
        long now = nanoClock.getAsLong();
        synchronized (w) {
            if (w.written == 0 || now - w.startNanos >= intervalNanos) {
                w.startNanos = now;
                w.written = 0;
            }
            if (w.written >= lines) {
                w.suppressed++;
                return -1;
            }
            w.written++;
            long s = w.suppressed;
            w.suppressed = 0;
            return s;
        }
    }

    /** @return {@code " suppressed=N"} for a positive count, else nothing (the line reads as before) */
    static String suffix(long suppressed) {
        return suppressed > 0 ? " suppressed=" + suppressed : "";
    }
}

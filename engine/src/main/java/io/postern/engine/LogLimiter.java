package io.postern.engine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * At most one log line per interval for one call site that outside traffic can reach (a catch-all
 * around a bug a sender can trigger on every packet): the lines in between are counted, and the
 * next line written says how many were not. Thread-safe, allocation-free.
 */
final class LogLimiter {
    private final long intervalMillis;
    private final LongSupplier clockMillis;
    private final AtomicLong nextMillis = new AtomicLong(Long.MIN_VALUE);
    private final LongAdder suppressed = new LongAdder();

    /**
     * @param interval    at most one line per interval
     * @param clockMillis the engine clock
     */
    LogLimiter(Duration interval, LongSupplier clockMillis) {
        this.intervalMillis = interval.toMillis();
        this.clockMillis = clockMillis;
    }

    /**
     * @return -1 when this line must not be written (it is counted), else how many were not
     *         written since the last one
     */
    long admit() {
        long now = clockMillis.getAsLong();
        long next = nextMillis.get();
        if (now >= next && nextMillis.compareAndSet(next, now + intervalMillis)) {
            return suppressed.sumThenReset();
        }
        suppressed.increment();
        return -1;
    }
}

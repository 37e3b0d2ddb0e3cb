package io.postern.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Records how long handshakes take: as initiator, from sending an initiation (the latest one,
 * retransmissions included) to accepting its response; as responder, from creating the keypair
 * (just before the response is sent) to its confirmation by the first transport packet. Fixed buckets from 1 ms to 10 s, lock-free.
 * Measured with {@link System#nanoTime()}, not the engine clock: a round trip is real time.
 */
final class HandshakeLatency {
    /** Bucket upper bounds: loopback round trips are around a millisecond, REKEY_TIMEOUT is 5 s. */
    static final List<Duration> BOUNDS = List.of(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10));
    private static final long[] BOUND_NANOS = BOUNDS.stream().mapToLong(Duration::toNanos).toArray();

    private final LongAdder[] buckets = new LongAdder[BOUNDS.size() + 1]; // last: above every bound
    private final LongAdder sumNanos = new LongAdder();

    HandshakeLatency() {
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /** Records one handshake that took {@code nanos}. */
    void record(long nanos) {
        long n = Math.max(0, nanos);
        int i = 0;
        while (i < BOUND_NANOS.length && n > BOUND_NANOS[i]) {
            i++;
        }
        buckets[i].increment();
        sumNanos.add(n);
    }

    LatencyHistogram snapshot() {
        List<Long> cumulative = new ArrayList<>(BOUNDS.size());
        long running = 0;
        for (int i = 0; i < BOUNDS.size(); i++) {
            running += buckets[i].sum();
            cumulative.add(running);
        }
        long count = running + buckets[BOUNDS.size()].sum();
        return new LatencyHistogram(BOUNDS, cumulative, count, Duration.ofNanos(sumNanos.sum()));
    }
}

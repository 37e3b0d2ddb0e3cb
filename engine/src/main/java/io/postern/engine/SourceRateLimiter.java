package io.postern.engine;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per source IP for handshake work while under load (wireguard-go
 * {@code ratelimiter/ratelimiter.go}: 20 per second, burst 5). The port is ignored: one host gets
 * one bucket however many ports it sends from.
 *
 * <p>Bounded: entries idle for {@link ProtocolConstants#RATE_LIMITER_ENTRY_TTL} are swept (the
 * bucket would be full again anyway), and when the table holds {@code maxEntries} active sources a
 * new source is refused rather than the table growing. Only sources that returned a valid mac2
 * reach it, so spoofed addresses cannot fill it. Thread-safe.
 */
final class SourceRateLimiter {
    /** Milliseconds of "credit" one handshake costs. */
    private static final long COST = 1000L / ProtocolConstants.HANDSHAKES_PER_SECOND_PER_SOURCE;
    private static final long CAPACITY = COST * ProtocolConstants.HANDSHAKE_BURST_PER_SOURCE;
    private static final long TTL = ProtocolConstants.RATE_LIMITER_ENTRY_TTL.toMillis();

    /** One source's bucket; guarded by its own monitor. */
    private static final class Bucket {
        long credit = CAPACITY;
        long lastMillis;

        Bucket(long now) {
            lastMillis = now;
        }
    }

    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
    private final int maxEntries;
    private volatile long lastSweep = Long.MIN_VALUE;

    SourceRateLimiter(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @return whether {@code source} may have one more handshake processed at {@code nowMillis} */
    boolean allow(InetAddress source, long nowMillis) {
        Bucket b = buckets.get(source);
        if (b == null) {
            if (buckets.size() >= maxEntries) {
                sweep(nowMillis);
                if (buckets.size() >= maxEntries) {
                    return false;
                }
            }
            b = buckets.computeIfAbsent(source, k -> new Bucket(nowMillis));
        }
        synchronized (b) {
            b.credit = Math.min(CAPACITY, b.credit + Math.max(0, nowMillis - b.lastMillis));
            b.lastMillis = Math.max(b.lastMillis, nowMillis);
            if (b.credit < COST) {
                return false;
            }
            b.credit -= COST;
            return true;
        }
    }

    /** Forgets idle sources, at most once per TTL (the timer calls it). */
    void sweepIfDue(long nowMillis) {
        if (lastSweep == Long.MIN_VALUE || nowMillis - lastSweep >= TTL) {
            sweep(nowMillis);
        }
    }

    private void sweep(long nowMillis) {
        lastSweep = nowMillis;
        buckets.values().removeIf(b -> {
            synchronized (b) {
                return nowMillis - b.lastMillis >= TTL;
            }
        });
    }

    /** @return sources tracked */
    int size() {
        return buckets.size();
    }
}

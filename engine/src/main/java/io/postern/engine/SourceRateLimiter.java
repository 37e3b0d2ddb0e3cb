package io.postern.engine;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source for handshake work while under load (wireguard-go
 * {@code ratelimiter/ratelimiter.go}: 20 per second, burst 5). The port is ignored, an IPv4 source
 * is keyed by its address (/32) and an IPv6 source by its /64 prefix, as wireguard-go does: one
 * host gets one bucket however many ports, and one IPv6 subscriber (who is normally given a whole
 * /64) however many addresses it sends from.
 *
 * <p>Bounded: entries idle for {@link ProtocolConstants#RATE_LIMITER_ENTRY_TTL} are swept (the
 * bucket would be full again anyway), and when the table holds {@code maxEntries} sources a new
 * source evicts the least recently seen one instead of being refused: filling the table must not
 * lock out a source nobody has seen yet. The evicted source starts again with a full bucket, so an
 * attacker cycling through more prefixes than the table holds gains at most one burst per prefix
 * per cycle. Only sources that returned a valid mac2 reach it, so spoofed addresses cannot fill it.
 * Thread-safe (one lock; it is only consulted for handshakes while under load).
 */
final class SourceRateLimiter {
    /** Milliseconds of "credit" one handshake costs. */
    private static final long COST = 1000L / ProtocolConstants.HANDSHAKES_PER_SECOND_PER_SOURCE;
    private static final long CAPACITY = COST * ProtocolConstants.HANDSHAKE_BURST_PER_SOURCE;
    private static final long TTL = ProtocolConstants.RATE_LIMITER_ENTRY_TTL.toMillis();

    /** One source's bucket; guarded by the limiter's lock. */
    private static final class Bucket {
        long credit = CAPACITY;
        long lastMillis;

        Bucket(long now) {
            lastMillis = now;
        }
    }

    /** In access order: the first entry is the least recently seen source. */
    private final LinkedHashMap<SourcePrefix, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxEntries;
    private long lastSweep = Long.MIN_VALUE;
    private long evicted;

    SourceRateLimiter(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** @return whether {@code source} may have one more handshake processed at {@code nowMillis} */
    synchronized boolean allow(InetAddress source, long nowMillis) {
        SourcePrefix key = SourcePrefix.of(source);
        Bucket b = buckets.get(key);
        if (b == null) {
            if (buckets.size() >= maxEntries) {
                sweep(nowMillis);
                if (buckets.size() >= maxEntries) {
                    Iterator<Map.Entry<SourcePrefix, Bucket>> eldest = buckets.entrySet().iterator();
                    eldest.next();
                    eldest.remove();
                    evicted++;
                }
            }
            b = new Bucket(nowMillis);
            buckets.put(key, b);
        }
        b.credit = Math.min(CAPACITY, b.credit + Math.max(0, nowMillis - b.lastMillis));
        b.lastMillis = Math.max(b.lastMillis, nowMillis);
        if (b.credit < COST) {
            return false;
        }
        b.credit -= COST;
        return true;
    }

    /** Forgets idle sources, at most once per TTL (the timer calls it). */
    synchronized void sweepIfDue(long nowMillis) {
        if (lastSweep == Long.MIN_VALUE || nowMillis - lastSweep >= TTL) {
            sweep(nowMillis);
        }
    }

    private void sweep(long nowMillis) {
        lastSweep = nowMillis;
        buckets.values().removeIf(b -> nowMillis - b.lastMillis >= TTL);
    }

    /** @return sources tracked */
    synchronized int size() {
        return buckets.size();
    }

    /** @return sources evicted to make room for a new one */
    synchronized long evicted() {
        return evicted;
    }
}

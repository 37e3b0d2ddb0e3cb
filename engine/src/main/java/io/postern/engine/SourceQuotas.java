package io.postern.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * How many dynamic peers (admitted by open admission, not configured) each source holds: at most
 * {@code perSource} per IPv4 address or IPv6 /64 ({@link SourcePrefix}). Without it one host
 * completing ~121 handshakes a second with fresh keys holds all 65,536 dynamic-peer slots within
 * minutes, and every new key, a restarted peer's included, is refused. A peer's slot is taken when
 * the peer is created and given back when it is forgotten or becomes a configured peer. Bounded by
 * the dynamic-peer table itself (one entry per source holding at least one). Thread-safe.
 */
final class SourceQuotas {
    private final int perSource;
    private final Map<SourcePrefix, Integer> held = new HashMap<>();

    SourceQuotas(int perSource) {
        this.perSource = perSource;
    }

    /** @return whether {@code source} may hold one more dynamic peer (then it holds it) */
    synchronized boolean tryAcquire(SourcePrefix source) {
        int n = held.getOrDefault(source, 0);
        if (n >= perSource) {
            return false;
        }
        held.put(source, n + 1);
        return true;
    }

    /** Gives back one slot of {@code source} (null is ignored). */
    synchronized void release(SourcePrefix source) {
        if (source == null) {
            return;
        }
        held.computeIfPresent(source, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** @return dynamic peers {@code source} holds */
    synchronized int held(SourcePrefix source) {
        return held.getOrDefault(source, 0);
    }
}

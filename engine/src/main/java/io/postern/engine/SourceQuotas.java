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
 *
 * <p>The peers of one source share one {@link SourcePrefix} (the one {@link #tryAcquire} returns):
 * a peer holds a reference to its source, not a copy of it.
 */
final class SourceQuotas {
    /** One source's count, with the prefix its peers share. Guarded by the quotas' monitor. */
    private static final class Held {
        final SourcePrefix source;
        int count;

        Held(SourcePrefix source) {
            this.source = source;
        }
    }

    private final int perSource;
    private final Map<SourcePrefix, Held> held = new HashMap<>();

    SourceQuotas(int perSource) {
        this.perSource = perSource;
    }

    /**
     * Takes one slot of {@code source} if it may hold one more dynamic peer.
     *
     * @return the prefix to record as the peer's origin (equal to {@code source}, shared by every peer
     *         of that source), or null when the source holds its quota already
     */
    synchronized SourcePrefix tryAcquire(SourcePrefix source) {
        Held h = held.get(source);
        if (h == null) {
            if (perSource <= 0) {
                return null;
            }
            h = new Held(source);
            held.put(source, h);
        } else if (h.count >= perSource) {
            return null;
        }
        h.count++;
        return h.source;
    }

    /** Gives back one slot of {@code source} (null is ignored). */
    synchronized void release(SourcePrefix source) {
        if (source == null) {
            return;
        }
        Held h = held.get(source);
        if (h != null && --h.count <= 0) {
            held.remove(source);
        }
    }

    /** @return dynamic peers {@code source} holds */
    synchronized int held(SourcePrefix source) {
        Held h = held.get(source);
        return h == null ? 0 : h.count;
    }
}

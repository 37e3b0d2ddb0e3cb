package io.postern.engine;

import io.postern.key.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The greatest TAI64N timestamp of peers the engine has forgotten (wireguard-go keeps a peer, and
 * so its greatest timestamp, as long as it is configured; Postern forgets peers that open admission
 * created). Without it, an initiation captured from a forgotten peer could be replayed to create the
 * peer again with a fresh, empty replay state. Bounded: the least recently stored entries go first,
 * and only timestamps of initiations that decrypted under a static key are ever stored, so an entry
 * costs its sender a real key pair and handshake.
 *
 * <p>Thread-safe (one lock; used only when peers are created or forgotten, never per packet).
 */
final class ReplayMemory {
    private final Map<PublicKey, byte[]> greatest;

    /** @param capacity how many forgotten peers' timestamps to keep (at least 1) */
    ReplayMemory(int capacity) {
        int max = Math.max(1, capacity);
        this.greatest = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<PublicKey, byte[]> eldest) {
                return size() > max;
            }
        };
    }

    /** Remembers {@code timestamp} (may be null: nothing to remember) as the greatest seen from {@code key}. */
    synchronized void remember(PublicKey key, byte[] timestamp) {
        if (timestamp != null) {
            greatest.remove(key); // re-inserted as the newest
            greatest.put(key, timestamp.clone());
        }
    }

    /** @return whether {@code timestamp} is not newer than the one remembered for {@code key} (kept in memory) */
    synchronized boolean isReplayed(PublicKey key, byte[] timestamp) {
        byte[] g = greatest.get(key);
        return g != null && !io.postern.wire.Tai64n.isAfter(timestamp, g);
    }

    /** @return the greatest timestamp remembered for {@code key}, removed from memory, or null */
    synchronized byte[] take(PublicKey key) {
        return greatest.remove(key);
    }

    /** @return how many peers are remembered (tests) */
    synchronized int size() {
        return greatest.size();
    }
}

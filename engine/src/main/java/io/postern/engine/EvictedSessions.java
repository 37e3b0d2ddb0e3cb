package io.postern.engine;

import io.postern.net.Endpoint;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Evicted sessions kept for receiving only (issue 11, item 2: eviction is revocable). When a
 * newcomer's confirmation evicts an incumbent, the incumbent's current and previous keypairs are
 * not zeroed at once: they stay in the index table, unbound and never used for sending, until they
 * would expire (REJECT_AFTER_TIME after they were made). An authenticated packet on one of them
 * proves the incumbent was alive after all: its session is restored ({@code DataReceiver}). A
 * genuinely restarted peer never sends on its old keys, so its kept session just runs out.
 *
 * <p>Bound: an entry holds only keypairs its peer already had (nothing new is allocated per attack
 * besides the entry), at most one entry per peer, and a kept dynamic peer keeps its slot in the
 * dynamic-peer table and its source's quota ({@link EngineState#setAside}) — so kept sessions never
 * exceed the peer table's own bounds. What removes one: an authenticated packet (restored), its keys'
 * age ({@link #takeExpired}), a full dynamic-peer table ({@link #takeOldestDynamic}: the oldest kept
 * session makes room before any idle peer), the peer's removal, and the engine's close.
 *
 * <p>Thread-safe (its own monitor, never held while taking a peer's).
 */
final class EvictedSessions {
    private static final long REJECT_AFTER_TIME = ProtocolConstants.REJECT_AFTER_TIME.toMillis();

    /**
     * One evicted session.
     *
     * @param peer     its peer (removed from the peer table if dynamic: {@code setAside})
     * @param current  its current keypair at the eviction, or null
     * @param previous its previous keypair at the eviction, or null
     * @param endpoint the endpoint it was evicted from
     * @param setAside whether the peer was set aside from the peer table (a dynamic peer; it keeps its slot)
     */
    record Kept(Peer peer, SessionKeyPair current, SessionKeyPair previous, Endpoint endpoint, boolean setAside) {
        /** @return when the youngest kept keypair stops being accepted (REJECT_AFTER_TIME after it was made) */
        long expiresAt() {
            long c = current == null ? Long.MIN_VALUE : current.createdMillis;
            long p = previous == null ? Long.MIN_VALUE : previous.createdMillis;
            return Math.max(c, p) + REJECT_AFTER_TIME;
        }
    }

    private final LinkedHashMap<Peer, Kept> byAge = new LinkedHashMap<>();

    /** Keeps {@code k} (the youngest entry). */
    synchronized void keep(Kept k) {
        byAge.remove(k.peer());
        byAge.put(k.peer(), k);
    }

    /** @return the session kept for {@code peer}, removed, or null */
    synchronized Kept take(Peer peer) {
        return byAge.remove(peer);
    }

    /** @return the kept sessions whose keys are no longer accepted at {@code now}, removed */
    synchronized List<Kept> takeExpired(long now) {
        if (byAge.isEmpty()) {
            return List.of();
        }
        List<Kept> out = new ArrayList<>();
        for (Iterator<Kept> it = byAge.values().iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (now >= k.expiresAt()) {
                it.remove();
                out.add(k);
            }
        }
        return out;
    }

    /** @return the oldest kept session of a dynamic peer (it holds a dynamic-peer slot), removed, or null */
    synchronized Kept takeOldestDynamic() {
        for (Iterator<Kept> it = byAge.values().iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.setAside()) {
                it.remove();
                return k;
            }
        }
        return null;
    }

    /** @return every kept session, removed (the engine closes) */
    synchronized List<Kept> takeAll() {
        List<Kept> out = new ArrayList<>(byAge.values());
        byAge.clear();
        return out;
    }

    /** @return how many sessions are kept */
    synchronized int size() {
        return byAge.size();
    }
}

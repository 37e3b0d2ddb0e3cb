package io.postern.engine;

import java.util.LinkedHashMap;

/**
 * The peers whose responder handshake is answered but not yet confirmed (a "next" keypair), oldest
 * answer first: the bounded set an open-admission flood of fresh keys could otherwise grow without
 * limit. When it is full the least recently answered one makes room — preferably a dynamic peer
 * that never confirmed a session, which then disappears entirely. A confirmed session is never a
 * candidate: only its pending "next" keypair could be dropped, and only when no unconfirmed
 * newcomer is left. Thread-safe (its own monitor, never held while taking a peer's).
 *
 * <p>Only {@link Peer}'s keypair transitions call {@link #answered} and {@link #settled}: an entry
 * exists exactly while its peer holds a "next" keypair.
 */
final class HalfOpenHandshakes {
    private final LinkedHashMap<Peer, Boolean> byAge = new LinkedHashMap<>();
    private final int max;

    HalfOpenHandshakes(int max) {
        this.max = max;
    }

    /** Records that {@code peer} was just answered (moves it to the young end). */
    synchronized void answered(Peer peer) {
        byAge.remove(peer);
        byAge.put(peer, Boolean.TRUE);
    }

    /** Forgets {@code peer}: confirmed, replaced, or its keys were zeroed. */
    synchronized void settled(Peer peer) {
        byAge.remove(peer);
    }

    /**
     * @return a peer whose half-open handshake should be dropped so that {@code newcomer} fits, or
     *         null when there is room (or nothing else to drop)
     */
    synchronized Peer victimFor(Peer newcomer) {
        if (byAge.size() < max || byAge.containsKey(newcomer)) {
            return null;
        }
        Peer unconfirmed = oldestUnconfirmedDynamic(newcomer);
        if (unconfirmed != null) {
            return unconfirmed;
        }
        for (Peer p : byAge.keySet()) {
            if (p != newcomer) {
                return p;
            }
        }
        return null;
    }

    /** @return the least recently answered dynamic peer that never confirmed a session, or null */
    synchronized Peer oldestUnconfirmedDynamic(Peer except) {
        for (Peer p : byAge.keySet()) {
            if (p != except && !p.configured() && p.neverConfirmed()) {
                return p;
            }
        }
        return null;
    }

    /** @return half-open handshakes held */
    synchronized int size() {
        return byAge.size();
    }
}

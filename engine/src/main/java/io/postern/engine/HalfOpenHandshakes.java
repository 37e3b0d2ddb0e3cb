package io.postern.engine;

import java.util.Iterator;
import java.util.LinkedHashMap;

/**
 * The peers whose responder handshake is answered but not yet confirmed (a "next" keypair), oldest
 * answer first: the bounded set an open-admission flood of fresh keys could otherwise grow without
 * limit. When it is full the least recently answered one makes room — preferably a dynamic peer
 * that never confirmed a session, which then disappears entirely. A confirmed session is never a
 * candidate: only its pending "next" keypair could be dropped, and only when no unconfirmed
 * newcomer is left. Thread-safe (its own monitor, never held while taking a peer's).
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
        if (byAge.size() >= max) {
            purgeSettled();
        }
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
            if (p != except && !p.configured() && p.current == null && p.previous == null) {
                return p;
            }
        }
        return null;
    }

    /** @return half-open handshakes held */
    synchronized int size() {
        purgeSettled();
        return byAge.size();
    }

    /** Drops entries whose "next" keypair went away by a path that did not call {@link #settled}. */
    private void purgeSettled() {
        for (Iterator<Peer> it = byAge.keySet().iterator(); it.hasNext(); ) {
            Peer p = it.next();
            if (p.next == null || p.removed) {
                it.remove();
            }
        }
    }
}

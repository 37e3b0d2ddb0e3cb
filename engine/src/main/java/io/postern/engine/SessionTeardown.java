package io.postern.engine;

import io.postern.spi.GatewayEvent;
import io.postern.net.Endpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions: removal of a peer, expiry of its keys (REJECT_AFTER_TIME × 3 without a new
 * handshake), and eviction of a stale session when a new identity confirmed at its endpoint.
 * Every path zeroes the keys ({@link io.postern.spi.crypto.AeadKey#destroy()}) and frees the indices.
 */
final class SessionTeardown {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTeardown.class);
    static final String EVICTION_REASON = "stale session: new identity confirmed at endpoint";

    private final EngineState s;

    SessionTeardown(EngineState state) {
        this.s = state;
    }

    /** Removes {@code peer} from the engine and zeroes its keys (kept ones of an evicted session too). */
    void remove(Peer peer) {
        EvictedSessions.Kept kept = s.evicted.take(peer);
        if (kept != null) {
            dropKept(kept);
        }
        synchronized (peer) {
            peer.clear();
            s.bindings.unbind(peer.endpoint(), peer);
            s.forget(peer);
        }
    }

    /** Zeroes the keys of a peer that had no new handshake for REJECT_AFTER_TIME × 3. */
    void expire(Peer peer) {
        synchronized (peer) {
            if (peer.hasNoKeys()) {
                return;
            }
            peer.clear();
            peer.markExpired();
            s.bindings.unbind(peer.endpoint(), peer);
            if (!peer.configured()) {
                s.forget(peer);
            }
        }
        LOG.debug("keys of {} expired and were zeroed", peer);
        s.emit(new GatewayEvent.SessionExpired(peer.key(), s.clock.instant()));
    }

    /** Zeroes every kept session whose keys are no longer accepted at {@code now}. */
    void dropExpiredKept(long now) {
        for (EvictedSessions.Kept k : s.evicted.takeExpired(now)) {
            dropKept(k);
        }
    }

    /**
     * Zeroes the kept keys of an evicted session (already taken from {@link EvictedSessions}) and
     * gives back the dynamic-peer slot its set-aside peer held.
     */
    void dropKept(EvictedSessions.Kept k) {
        synchronized (k.peer()) {
            k.peer().discardKept(k.current(), k.previous());
        }
        if (k.setAside()) {
            s.releaseSetAside(k.peer());
        }
        LOG.debug("kept keys of {}'s evicted session zeroed", k.peer());
    }

    /**
     * Drops the unconfirmed "next" keypair of {@code victim} to keep the half-open or dynamic-peer
     * bound; a dynamic peer left without any keypair is forgotten. A confirmed current keypair is
     * never touched.
     *
     * @return whether something was dropped
     */
    boolean evictHalfOpen(Peer victim) {
        synchronized (victim) {
            if (!victim.retireNext()) {
                return false;
            }
            if (!victim.configured() && victim.neverConfirmed() && victim.inFlight() == null) {
                s.bindings.unbind(victim.endpoint(), victim);
                s.forget(victim);
            }
        }
        s.count(EngineCounter.HALF_OPEN_EVICTED);
        LOG.debug("half-open handshake evicted to make room peer={} endpoint={}", victim.key().shortForm(),
                victim.endpoint());
        return true;
    }

    /**
     * Evicts {@code incumbent}'s session at {@code endpoint} because {@code replacement} just
     * confirmed a session from there — only if the incumbent is still bound to it (once). The
     * eviction is revocable: the session's keys are kept for receiving only ({@link EvictedSessions})
     * until they would expire, and an authenticated packet on them restores it. A dynamic incumbent
     * leaves the peer table but keeps its slot meanwhile.
     */
    void evictStale(Peer incumbent, Peer replacement, Endpoint endpoint) {
        synchronized (incumbent) {
            if (incumbent.removed() || !s.bindings.unbind(endpoint, incumbent)) {
                return; // no longer bound there: it roamed, was removed, or was evicted already
            }
            SessionKeyPair[] kept = incumbent.evictKeepingReceiveKeys();
            incumbent.forgetEndpoint();
            boolean setAside = !incumbent.configured() && s.setAside(incumbent);
            if (kept[0] != null || kept[1] != null) {
                s.evicted.keep(new EvictedSessions.Kept(incumbent, kept[0], kept[1], endpoint, setAside));
            } else if (setAside) {
                s.releaseSetAside(incumbent); // nothing to keep (only an unconfirmed keypair was live)
            }
        }
        s.count(EngineCounter.STALE_SESSIONS_EVICTED);
        LOG.info("stale session detected, resetting connection old={} new={} endpoint={}",
                incumbent.key().shortForm(), replacement.key().shortForm(), endpoint);
        s.emit(new GatewayEvent.SessionEvicted(incumbent.key(), replacement.key(), endpoint, EVICTION_REASON,
                s.clock.instant()));
    }
}

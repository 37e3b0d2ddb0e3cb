package io.postern.engine;

import io.postern.net.Endpoint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint → the peer whose session is bound there (the last endpoint an authenticated packet of
 * that peer came from), and whether that binding came from a handshake at the endpoint or from
 * roaming. Used ONLY to ask the session policy whether a newcomer at an endpoint displaces someone
 * (and to evict that one); packets are never demultiplexed by it (that is {@link IndexTable}'s job).
 *
 * <p>Every confirmed session holds a binding, so its cost is per session: a binding from a handshake
 * (the usual one) is the {@link Peer} itself as the map's value; only a binding from roaming is
 * wrapped ({@link Roamed}). The value is read and replaced atomically, so the peer and how it came
 * to be bound always go together.
 */
final class EndpointBindings {
    /** A peer bound to an endpoint; {@code handshake}: its session's handshake happened there. */
    record Binding(Peer peer, boolean handshake) {}

    /** The map's value for a peer that roamed to the endpoint (a {@link Peer} value: bound by a handshake there). */
    private record Roamed(Peer peer) {}

    private final ConcurrentHashMap<Endpoint, Object> bound = new ConcurrentHashMap<>(); // Peer or Roamed

    /**
     * Binds {@code endpoint} to {@code peer}, releasing {@code previous} if it was bound to it. A
     * binding the peer already holds from a handshake stays one.
     *
     * @param handshake whether {@code peer}'s handshake happened at {@code endpoint} (else it roamed there)
     */
    void bind(Endpoint endpoint, Peer peer, Endpoint previous, boolean handshake) {
        if (previous != null && !previous.equals(endpoint)) {
            unbind(previous, peer);
        }
        bound.merge(endpoint, handshake ? peer : new Roamed(peer), (old, now) -> old == peer ? old : now);
    }

    /** Removes the binding only if it is still {@code peer}'s. */
    boolean unbind(Endpoint endpoint, Peer peer) {
        if (endpoint == null) {
            return false;
        }
        Object b = bound.get(endpoint);
        return b != null && peerOf(b) == peer && bound.remove(endpoint, b);
    }

    /** @return the peer bound at {@code endpoint}, or null (whether its session is live is not checked) */
    Peer peerAt(Endpoint endpoint) {
        Object b = bound.get(endpoint);
        return b == null ? null : peerOf(b);
    }

    /** @return the binding at {@code endpoint}, or null */
    Binding at(Endpoint endpoint) {
        Object b = bound.get(endpoint);
        return b == null ? null : new Binding(peerOf(b), b instanceof Peer);
    }

    private static Peer peerOf(Object value) {
        return value instanceof Roamed(Peer p) ? p : (Peer) value;
    }

    void clear() {
        bound.clear();
    }
}

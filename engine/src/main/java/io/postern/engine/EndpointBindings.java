package io.postern.engine;

import io.postern.net.Endpoint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint → the peer whose session is bound there (the last endpoint an authenticated packet of
 * that peer came from), and whether that binding came from a handshake at the endpoint or from
 * roaming. Used ONLY to ask the session policy whether a newcomer at an endpoint displaces someone
 * (and to evict that one); packets are never demultiplexed by it (that is {@link IndexTable}'s job).
 */
final class EndpointBindings {
    /** A peer bound to an endpoint; {@code handshake}: its session's handshake happened there. */
    record Binding(Peer peer, boolean handshake) {}

    private final ConcurrentHashMap<Endpoint, Binding> bound = new ConcurrentHashMap<>();

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
        bound.merge(endpoint, new Binding(peer, handshake),
                (old, now) -> old.peer() == peer && old.handshake() ? old : now);
    }

    /** Removes the binding only if it is still {@code peer}'s. */
    boolean unbind(Endpoint endpoint, Peer peer) {
        if (endpoint == null) {
            return false;
        }
        Binding b = bound.get(endpoint);
        return b != null && b.peer() == peer && bound.remove(endpoint, b);
    }

    /** @return the peer bound at {@code endpoint}, or null (whether its session is live is not checked) */
    Peer peerAt(Endpoint endpoint) {
        Binding b = bound.get(endpoint);
        return b == null ? null : b.peer();
    }

    /** @return the binding at {@code endpoint}, or null */
    Binding at(Endpoint endpoint) {
        return bound.get(endpoint);
    }

    void clear() {
        bound.clear();
    }
}

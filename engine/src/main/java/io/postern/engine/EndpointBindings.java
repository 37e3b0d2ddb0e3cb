package io.postern.engine;

import io.postern.net.Endpoint;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Endpoint → the peer whose session is bound there (the last endpoint an authenticated packet of
 * that peer came from). Used ONLY to ask the session policy whether a newcomer at an endpoint
 * displaces someone; packets are never demultiplexed by it (that is {@link IndexTable}'s job).
 */
final class EndpointBindings {
    private final ConcurrentHashMap<Endpoint, Peer> bound = new ConcurrentHashMap<>();

    /** Binds {@code endpoint} to {@code peer}, releasing {@code previous} if it was bound to it. */
    void bind(Endpoint endpoint, Peer peer, Endpoint previous) {
        if (previous != null && !previous.equals(endpoint)) {
            bound.remove(previous, peer);
        }
        bound.put(endpoint, peer);
    }

    /** Removes the binding only if it is still {@code peer}'s. */
    boolean unbind(Endpoint endpoint, Peer peer) {
        return endpoint != null && bound.remove(endpoint, peer);
    }

    /** @return the peer bound at {@code endpoint}, or null (whether its session is live is not checked) */
    Peer peerAt(Endpoint endpoint) {
        return bound.get(endpoint);
    }

    void clear() {
        bound.clear();
    }
}

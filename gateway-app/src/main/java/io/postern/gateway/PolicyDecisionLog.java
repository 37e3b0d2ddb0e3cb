package io.postern.gateway;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import io.postern.key.PublicKey;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers, per peer, the last policy decision that concerned it and when — what {@code postern
 * show} prints as "policy decision: evicted: stale session, replaced by …, 3 minutes ago". Fed by
 * the engine's events; the texts name peers by their short keys.
 *
 * <p>Bounded: a peer that changes identity at one endpoint over and over (each fresh key a new
 * entry) must not grow the heap without end. At most {@link #MAX_PEERS} peers are remembered, the
 * least recently used forgotten first; {@code show} then falls back to the engine's own
 * last decision for that peer.
 */
final class PolicyDecisionLog implements GatewayEventListener {

    /** A decision about one peer. */
    record Decision(String text, Instant at) {}

    /** Peers remembered; {@code show} lists live peers only, and newcomers come and go. */
    static final int MAX_PEERS = 4_096;

    private final Map<PublicKey, Decision> last = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PublicKey, Decision> eldest) {
            return size() > MAX_PEERS;
        }
    });

    @Override
    public void onEvent(GatewayEvent event) {
        switch (event) {
            case GatewayEvent.IdentityChangedAtEndpoint c -> {
                last.put(c.incumbent(), new Decision(c.describeFor(c.incumbent()), c.at()));
                last.put(c.newcomer(), new Decision(c.describeFor(c.newcomer()), c.at()));
            }
            case GatewayEvent.SessionEvicted e -> {
                last.put(e.evicted(), new Decision("evicted: stale session, replaced by " + e.replacement().shortForm(),
                        e.at()));
                last.put(e.replacement(), new Decision("replaced the stale session of " + e.evicted().shortForm()
                        + " at " + e.endpoint(), e.at()));
            }
            default -> { }
        }
    }

    /** @return the last decision about {@code peer} */
    Optional<Decision> about(PublicKey peer) {
        return Optional.ofNullable(last.get(peer));
    }

    /** @return peers remembered */
    int size() {
        return last.size();
    }

    /** Forgets a removed peer. */
    void forget(PublicKey peer) {
        last.remove(peer);
    }
}

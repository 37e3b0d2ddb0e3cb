package io.postern.gateway;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import io.postern.key.PublicKey;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers, per peer, the last policy decision that concerned it and when — what {@code postern
 * show} prints as "policy decision: evicted: stale session, replaced by …, 3 minutes ago". Fed by
 * the engine's events; the texts name peers by their short keys.
 */
final class PolicyDecisionLog implements GatewayEventListener {

    /** A decision about one peer. */
    record Decision(String text, Instant at) {}

    private final Map<PublicKey, Decision> last = new ConcurrentHashMap<>();

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

    /** Forgets a removed peer. */
    void forget(PublicKey peer) {
        last.remove(peer);
    }
}

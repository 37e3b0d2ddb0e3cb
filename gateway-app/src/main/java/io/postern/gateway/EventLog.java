package io.postern.gateway;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import io.postern.key.PublicKey;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the session events an operator cares about, one line each with key=value fields and short
 * peer keys: a session established (INFO the first time, DEBUG for each later rekey), expired,
 * a policy decision and a policy fault. Evictions are logged by the engine itself
 * ({@code stale session detected, resetting connection old=… new=…}); this only notes them.
 */
final class EventLog implements GatewayEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    /** Peers with a session, so a rekey is not announced as a new session. */
    private final Set<PublicKey> established = ConcurrentHashMap.newKeySet();

    @Override
    public void onEvent(GatewayEvent event) {
        switch (event) {
            case GatewayEvent.HandshakeCompleted h when h.role() == GatewayEvent.Role.INITIATOR ->
                    established(h.peer(), h.endpoint().toString(), "initiator");
            case GatewayEvent.HandshakeCompleted h ->
                    LOG.debug("handshake answered peer={} endpoint={}", h.peer().shortForm(), h.endpoint());
            case GatewayEvent.SessionConfirmed c -> established(c.peer(), c.endpoint().toString(), "responder");
            case GatewayEvent.SessionExpired x -> {
                established.remove(x.peer());
                LOG.info("session expired peer={} reason=no-handshake-for-reject-after-time", x.peer().shortForm());
            }
            case GatewayEvent.SessionEvicted e -> established.remove(e.evicted());
            case GatewayEvent.IdentityChangedAtEndpoint c -> LOG.info(
                    "policy decision policy={} decision={} endpoint={} incumbent={} newcomer={}", c.policy(),
                    c.decision(), c.endpoint(), c.incumbent().shortForm(), c.newcomer().shortForm());
            case GatewayEvent.PolicyFault f -> LOG.warn("policy fault policy={} error=\"{}\" applied={}", f.policy(),
                    f.error(), f.fallback());
            case GatewayEvent.HandshakeRefused r -> { } // RefusedKeys logs it, rate-limited
        }
    }

    private void established(PublicKey peer, String endpoint, String role) {
        if (established.add(peer)) {
            LOG.info("session established peer={} endpoint={} role={}", peer.shortForm(), endpoint, role);
        } else {
            LOG.debug("session rekeyed peer={} endpoint={} role={}", peer.shortForm(), endpoint, role);
        }
    }

    /** Forgets a removed peer (its next session is a new one). */
    void forget(PublicKey peer) {
        established.remove(peer);
    }
}

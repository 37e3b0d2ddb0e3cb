package io.postern.gateway;

import io.postern.key.PublicKey;
import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the session events an operator cares about, one line each with key=value fields and short
 * peer keys: a session established (INFO the first time, DEBUG for each later rekey), expired,
 * a policy decision and a policy fault. Evictions are logged by the engine itself
 * ({@code stale session detected, resetting connection old=… new=…}); this only notes them.
 *
 * <p>Bounded against a peer that makes events cheaply (fresh keys at one endpoint): each kind of
 * line has a {@link LineBudget} ({@code suppressed=N} on the next line written), and the set of
 * peers already announced holds at most {@link #MAX_ANNOUNCED} keys, least recently announced
 * forgotten first (a forgotten peer's next rekey is announced again, nothing worse).
 */
final class EventLog implements GatewayEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

    /** Peers remembered as having a session. */
    static final int MAX_ANNOUNCED = 65_536;

    /** Peers with a session, so a rekey is not announced as a new session. */
    private final Set<PublicKey> established = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PublicKey, Boolean> eldest) {
                    return size() > MAX_ANNOUNCED;
                }
            }));
    private final LineBudget budget;

    EventLog() {
        this(new LineBudget());
    }

    EventLog(LineBudget budget) {
        this.budget = budget;
    }

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
                long s = budget.admit("expired");
                if (s >= 0) {
                    LOG.info("session expired peer={} reason=no-handshake-for-reject-after-time"
                            + LineBudget.suffix(s), x.peer().shortForm());
                }
            }
            case GatewayEvent.SessionEvicted e -> established.remove(e.evicted());
            case GatewayEvent.IdentityChangedAtEndpoint c -> {
                long s = budget.admit("policy decision");
                if (s >= 0) {
                    LOG.info("policy decision policy={} decision={} endpoint={} incumbent={} newcomer={}"
                                    + LineBudget.suffix(s), c.policy(), c.decision(), c.endpoint(),
                            c.incumbent().shortForm(), c.newcomer().shortForm());
                }
            }
            case GatewayEvent.PolicyFault f -> {
                long s = budget.admit("policy fault");
                if (s >= 0) {
                    LOG.warn("policy fault policy={} error=\"{}\" applied={}" + LineBudget.suffix(s), f.policy(),
                            f.error(), f.fallback());
                }
            }
            case GatewayEvent.HandshakeRefused r -> { } // RefusedKeys logs it, rate-limited
        }
    }

    private void established(PublicKey peer, String endpoint, String role) {
        if (established.add(peer)) {
            long s = budget.admit("established");
            if (s >= 0) {
                LOG.info("session established peer={} endpoint={} role={}" + LineBudget.suffix(s), peer.shortForm(),
                        endpoint, role);
            }
        } else {
            LOG.debug("session rekeyed peer={} endpoint={} role={}", peer.shortForm(), endpoint, role);
        }
    }

    /** Forgets a removed peer (its next session is a new one). */
    void forget(PublicKey peer) {
        established.remove(peer);
    }
}

package io.postern.gateway;

import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionEngine;
import io.postern.gateway.admin.AdminHandler;
import io.postern.gateway.admin.AdminMessage;
import io.postern.gateway.admin.GatewayStatus;
import io.postern.gateway.admin.PeerUpdate;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of the admin protocol ({@link io.postern.gateway.admin}): {@code get} reads the
 * engine's peers, {@code set} and {@code syncconf} change them in place through
 * {@link SessionEngine#addOrUpdatePeer} (a changed peer keeps its session) and
 * {@link SessionEngine#removePeer} (its session ends). It keeps the configured peers' full
 * configuration, which the engine does not report (preshared key, keepalive, configured endpoint),
 * so {@code syncconf} can tell a changed peer from an unchanged one. Changes are serialized.
 */
final class GatewayAdmin implements AdminHandler {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayAdmin.class);

    private final SessionEngine engine;
    private final Endpoint local;
    private final String policy;
    private final Clock clock;
    private final PolicyDecisionLog decisions;
    private final EventLog events;
    /** Guarded by this. */
    private final Map<PublicKey, PeerConfig> configured = new HashMap<>();

    GatewayAdmin(PosternNode node, NodeConfig config, PolicyDecisionLog decisions, EventLog events) {
        this.engine = node.engine();
        this.local = node.localEndpoint();
        this.policy = node.sessionPolicy();
        this.clock = config.clock();
        this.decisions = decisions;
        this.events = events;
        for (PeerConfig p : config.peers()) {
            configured.put(p.publicKey(), p);
        }
    }

    @Override
    public AdminMessage handle(AdminMessage request) {
        try {
            return switch (request.operation()) {
                case "get" -> status().toMessage();
                case "set" -> set(PeerUpdate.readAll(request));
                case "syncconf" -> syncconf(PeerUpdate.readAll(request), "syncconf");
                default -> AdminMessage.error("unknown operation '" + request.operation() + "' (get, set, syncconf)");
            };
        } catch (IllegalArgumentException e) {
            return AdminMessage.error(e.getMessage());
        }
    }

    private synchronized GatewayStatus status() {
        List<GatewayStatus.PeerView> peers = engine.peers().stream()
                .sorted(Comparator.comparing(s -> s.publicKey().toBase64()))
                .map(this::view)
                .toList();
        return new GatewayStatus(engine.publicKey().toBase64(), local.port(), UpCommand.display(local), policy,
                clock.instant(), peers);
    }

    private GatewayStatus.PeerView view(PeerStatus s) {
        PeerConfig c = configured.get(s.publicKey());
        PolicyDecisionLog.Decision d = decisions.about(s.publicKey())
                .orElse(s.lastPolicyDecision() == null ? null : new PolicyDecisionLog.Decision(s.lastPolicyDecision(), null));
        return new GatewayStatus.PeerView(s.publicKey().toBase64(), s.endpoint() == null ? null : AddressText.of(s.endpoint()),
                s.allowedIps().stream().map(AddressText::of).toList(), s.configured(), s.state().name(),
                s.lastHandshake(), s.rxBytes(), s.txBytes(), c == null ? Duration.ZERO : c.persistentKeepalive(),
                d == null ? null : d.text(), d == null ? null : d.at());
    }

    private synchronized AdminMessage set(List<PeerUpdate> updates) {
        for (PeerUpdate u : updates) { // check every removal first: a request applies whole or not at all
            if (u.remove() && engine.peer(u.publicKey()).isEmpty()) {
                return AdminMessage.error("no peer " + u.publicKey().toBase64() + " on this gateway");
            }
            if (u.publicKey().equals(engine.publicKey())) {
                return AdminMessage.error("peer " + u.publicKey().toBase64() + " is this gateway's own key");
            }
        }
        for (PeerUpdate u : updates) {
            if (u.remove()) {
                remove(u.publicKey(), "set");
            } else {
                PeerConfig merged = u.applyTo(configured.get(u.publicKey()));
                boolean added = engine.peer(u.publicKey()).isEmpty();
                apply(merged, added ? "added" : "updated", "set");
            }
        }
        return AdminMessage.create().add("errno", 0);
    }

    /**
     * Makes the peers those of a configuration file read by {@code postern up --watch-config}, as
     * {@code syncconf} does.
     *
     * @return the reply {@code syncconf} would give (counts, or an error)
     */
    AdminMessage syncconfPeers(List<PeerConfig> peers, String source) {
        return syncconf(peers.stream().map(PeerUpdate::of).toList(), source);
    }

    private synchronized AdminMessage syncconf(List<PeerUpdate> peers, String source) {
        Set<PublicKey> wanted = new HashSet<>();
        for (PeerUpdate u : peers) {
            if (u.remove()) {
                return AdminMessage.error("syncconf takes complete peers, not removals");
            }
            if (u.publicKey().equals(engine.publicKey())) {
                return AdminMessage.error("peer " + u.publicKey().toBase64() + " is this gateway's own key");
            }
            if (!wanted.add(u.publicKey())) {
                return AdminMessage.error("peer " + u.publicKey().toBase64() + " is listed twice");
            }
        }
        int removed = 0;
        for (PublicKey gone : Set.copyOf(configured.keySet())) {
            if (!wanted.contains(gone)) {
                remove(gone, source);
                removed++;
            }
        }
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        for (PeerUpdate u : peers) {
            PeerConfig next = u.toConfig();
            PeerConfig old = configured.get(u.publicKey());
            if (next.equals(old)) {
                unchanged++; // not touched at all: its session and timers go on
            } else if (old == null) {
                apply(next, "added", source);
                added++;
            } else {
                apply(next, "updated", source);
                updated++;
            }
        }
        LOG.info("config reloaded source={} added={} removed={} updated={} unchanged={}", source, added, removed,
                updated, unchanged);
        return AdminMessage.create().add("added", added).add("removed", removed).add("updated", updated)
                .add("unchanged", unchanged).add("errno", 0);
    }

    private void apply(PeerConfig config, String what, String source) {
        engine.addOrUpdatePeer(config);
        configured.put(config.publicKey(), config);
        LOG.info("peer {} source={} peer={} endpoint={} allowedIps={} keepalive={}s", what, source,
                config.publicKey().shortForm(), config.endpoint(), config.allowedIps(),
                config.persistentKeepalive().toSeconds());
    }

    private void remove(PublicKey peer, String source) {
        engine.removePeer(peer);
        configured.remove(peer);
        decisions.forget(peer);
        events.forget(peer);
        LOG.info("peer removed source={} peer={}", source, peer.shortForm());
    }
}

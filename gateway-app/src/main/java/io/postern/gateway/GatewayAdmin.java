package io.postern.gateway;

import io.postern.gateway.uapi.AddressText;
import io.postern.engine.PeerConfig;
import io.postern.engine.PeerStatus;
import io.postern.engine.SessionEngine;
import io.postern.gateway.uapi.HexKey;
import io.postern.gateway.uapi.UapiDevice;
import io.postern.gateway.uapi.UapiException;
import io.postern.gateway.uapi.UapiSet;
import io.postern.key.PresharedKey;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.time.Clock;
import java.time.Duration;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as a {@link UapiDevice}: WireGuard's userspace API ({@code wg show/set/syncconf/showconf}
 * and {@code postern show/set/syncconf/showconf}) reads the engine's peers and changes them in place
 * through {@link SessionEngine#addOrUpdatePeer} (a changed peer keeps its session) and
 * {@link SessionEngine#removePeer} (its session ends). It keeps the configured peers' full
 * configuration, which the engine does not report (preshared key, keepalive, configured endpoint).
 * A {@code set} is checked whole before anything changes, and serialized; a peer whose resulting
 * configuration equals its current one is not touched (its session and timers go on), which is
 * what makes {@code syncconf} harmless to unchanged peers.
 */
final class GatewayAdmin implements UapiDevice {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayAdmin.class);

    private final SessionEngine engine;
    private final Endpoint local;
    private final String policy;
    private final Clock clock;
    private final PolicyDecisionLog decisions;
    private final EventLog events;
    private final PrivateKey privateKey;
    private final RefusedKeys refused;
    /** Peers' names from the configuration file's comments; guarded by this. */
    private final Map<PublicKey, String> names = new HashMap<>();
    private final io.postern.spi.PacketHandler handler;
    /** Guarded by this. */
    private final Map<PublicKey, PeerConfig> configured = new java.util.LinkedHashMap<>();
    /** SaveConfig = true: where changes are written back, else null. */
    private final ConfigWriteBack writeBack;

    GatewayAdmin(PosternNode node, NodeConfig config, PolicyDecisionLog decisions, EventLog events, RefusedKeys refused,
                 Map<PublicKey, String> names) {
        this(node, config, decisions, events, refused, names, null);
    }

    /** @param writeBack SaveConfig = true: the file each {@code set} is written back to; null: none */
    GatewayAdmin(PosternNode node, NodeConfig config, PolicyDecisionLog decisions, EventLog events, RefusedKeys refused,
                 Map<PublicKey, String> names, ConfigWriteBack writeBack) {
        this.writeBack = writeBack;
        this.names.putAll(names);
        this.refused = refused;
        this.handler = node.packetHandler();
        this.engine = node.engine();
        this.local = node.localEndpoint();
        this.policy = node.sessionPolicy();
        this.clock = config.clock();
        this.decisions = decisions;
        this.events = events;
        this.privateKey = config.privateKey();
        for (PeerConfig p : config.peers()) {
            configured.put(p.publicKey(), p);
        }
    }

    /**
     * Makes the configured peers those of a new version of the configuration file
     * ({@code postern up --watch-config}), as {@code syncconf} does: one set, checked whole before
     * anything changes; unchanged peers are not touched, peers admitted by open admission stay.
     *
     * @throws UapiException when the gateway refuses the version (nothing changed then)
     */
    synchronized void syncconfPeers(List<PeerConfig> peers) throws UapiException {
        List<String> lines = new ArrayList<>();
        Set<PublicKey> wanted = new HashSet<>();
        for (PeerConfig p : peers) {
            wanted.add(p.publicKey());
            lines.addAll(UapiLines.completePeer(p));
        }
        for (PublicKey gone : Set.copyOf(configured.keySet())) {
            if (!wanted.contains(gone)) {
                lines.add(UapiLines.publicKey(gone));
                lines.add("remove=true");
            }
        }
        if (!lines.isEmpty()) {
            set(UapiSet.parse(lines));
        }
    }

    private void apply(PeerConfig config, String what, String source) {
        engine.addOrUpdatePeer(config);
        refused.forget(config.publicKey());
        configured.put(config.publicKey(), config);
        LOG.info("peer {} source={} peer={} endpoint={} allowedIps={} keepalive={}s", what, source,
                config.publicKey().shortForm(), config.endpoint(), config.allowedIps(),
                config.persistentKeepalive().toSeconds());
    }

    private void remove(PublicKey peer, String source) {
        engine.removePeer(peer);
        configured.remove(peer);
        names.remove(peer);
        decisions.forget(peer);
        events.forget(peer);
        LOG.info("peer removed source={} peer={}", source, peer.shortForm());
    }

    /** @return the configured peers as they are now (a restarted node starts with them) */
    synchronized List<PeerConfig> configuredPeers() {
        return List.copyOf(configured.values());
    }

    // ---- WireGuard's userspace API (io.postern.gateway.uapi) ----

    @Override
    public synchronized String get() {
        StringBuilder out = new StringBuilder(256 + 512 * engine.peerCount());
        byte[] key = privateKey.toBytes();
        try {
            line(out, "private_key", HexKey.encode(key));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        line(out, "listen_port", local.port());
        // Postern's own keys: wg ignores keys it does not know
        line(out, "postern_public_key", engine.publicKey().toBase64());
        line(out, "postern_listen_endpoint", UpCommand.display(local));
        line(out, "postern_policy", policy);
        line(out, "postern_time_ms", clock.instant().toEpochMilli());
        if (handler instanceof io.postern.gateway.ip.IpPacketHandler ip) {
            for (io.postern.gateway.ip.IpDropReason reason : io.postern.gateway.ip.IpDropReason.values()) {
                long n = ip.drops(reason);
                if (n > 0) {
                    line(out, "postern_ip_dropped", reason.name().toLowerCase(java.util.Locale.ROOT) + " " + n);
                }
            }
        }
        for (RefusedKeys.Refused r : refused.recent()) {
            line(out, "postern_refused", r.key().toBase64() + " " + AddressText.of(r.endpoint()) + " " + r.last().toEpochMilli()
                    + " " + r.count());
        }
        List<PeerStatus> peers = engine.peers().stream().sorted(Comparator.comparing(s -> s.publicKey().toBase64())).toList();
        for (PeerStatus s : peers) {
            PeerConfig c = configured.get(s.publicKey());
            line(out, "public_key", HexKey.encode(s.publicKey().toBytes()));
            byte[] psk = (c == null ? PresharedKey.NONE : c.presharedKey()).toBytes();
            try {
                line(out, "preshared_key", HexKey.encode(psk));
            } finally {
                Arrays.fill(psk, (byte) 0);
            }
            line(out, "protocol_version", 1);
            if (s.endpoint() != null) {
                line(out, "endpoint", AddressText.of(s.endpoint()));
            }
            line(out, "last_handshake_time_sec", s.lastHandshake() == null ? 0 : s.lastHandshake().getEpochSecond());
            line(out, "last_handshake_time_nsec", s.lastHandshake() == null ? 0 : s.lastHandshake().getNano());
            line(out, "tx_bytes", s.txBytes());
            line(out, "rx_bytes", s.rxBytes());
            line(out, "persistent_keepalive_interval", c == null ? 0 : c.persistentKeepalive().toSeconds());
            for (IpPrefix ip : s.allowedIps()) {
                line(out, "allowed_ip", AddressText.of(ip.network()));
            }
            line(out, "postern_configured", s.configured());
            if (c != null && c.endpoint() != null) {
                line(out, "postern_configured_endpoint", AddressText.of(c.endpoint()));
            }
            line(out, "postern_state", s.state().name());
            String name = names.get(s.publicKey());
            if (name != null) {
                line(out, "postern_name", name.replace('\n', ' '));
            }
            PolicyDecisionLog.Decision d = decisions.about(s.publicKey())
                    .orElse(s.lastPolicyDecision() == null ? null : new PolicyDecisionLog.Decision(s.lastPolicyDecision(), null));
            if (d != null) {
                line(out, "postern_policy_decision", d.text().replace('\n', ' '));
                if (d.at() != null) {
                    line(out, "postern_policy_decision_ms", d.at().toEpochMilli());
                }
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String key, Object value) {
        out.append(key).append('=').append(value).append('\n');
    }

    @Override
    public synchronized void set(UapiSet request) throws UapiException {
        checkInterface(request);
        Set<PublicKey> present = new HashSet<>();
        for (PeerStatus s : engine.peers()) {
            present.add(s.publicKey());
        }
        // the configured peers as they will be, and the peers to remove
        Map<PublicKey, PeerConfig> next = new LinkedHashMap<>(configured);
        Map<PublicKey, String> newNames = new HashMap<>();
        Set<PublicKey> removed = new HashSet<>();
        if (request.replacePeers()) {
            next.clear();
            removed.addAll(present);
        }
        for (UapiSet.Peer p : request.peers()) {
            PublicKey key = PublicKey.of(p.publicKey());
            if (key.equals(engine.publicKey())) {
                continue; // ignored, as wireguard-go ignores a peer with the device's own key
            }
            if (p.remove()) {
                next.remove(key);
                removed.add(key); // removing an absent peer succeeds, as in wg
                continue;
            }
            boolean exists = next.containsKey(key) || (present.contains(key) && !removed.contains(key));
            if (p.updateOnly() && !exists) {
                continue;
            }
            removed.remove(key);
            PeerConfig changed = change(next.getOrDefault(key, PeerConfig.of(key, null)), p);
            if (p.name() != null) {
                newNames.put(key, p.name());
            }
            next.put(key, changed);
            for (UapiSet.AllowedIp ip : p.allowedIps()) {
                if (!ip.remove()) {
                    takeFromOthers(next, key, ip.prefix()); // an allowed IP belongs to one peer, as in wg
                }
            }
        }
        int removedCount = 0;
        for (PublicKey gone : removed) {
            if (present.contains(gone) || configured.containsKey(gone)) {
                remove(gone, "uapi");
                removedCount++;
            }
        }
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        for (PeerConfig c : next.values()) {
            PeerConfig old = configured.get(c.publicKey());
            if (c.equals(old)) {
                unchanged++;
            } else if (old == null && !present.contains(c.publicKey())) {
                apply(c, "added", "uapi");
                added++;
            } else {
                apply(c, "updated", "uapi");
                updated++;
            }
        }
        newNames.forEach((k, v) -> {
            if (next.containsKey(k)) {
                names.put(k, v);
            }
        });
        LOG.info("config changed source=uapi added={} removed={} updated={} unchanged={}", added, removedCount, updated,
                unchanged);
        if (writeBack != null && added + removedCount + updated + newNames.size() > 0) {
            try {
                writeBack.save(configured.values(), names);
                LOG.info("config saved file={} peers={} (SaveConfig = true)", writeBack.file(), configured.size());
            } catch (IOException | RuntimeException e) {
                // the change stands (it is running); the file keeps its previous content
                LOG.warn("SaveConfig = true: could not write {}: {}", writeBack.file(), e.toString());
            }
        }
    }

    private void checkInterface(UapiSet request) throws UapiException {
        if (request.privateKey() != null) {
            PrivateKey asked = PrivateKey.of(request.privateKey());
            Arrays.fill(request.privateKey(), (byte) 0);
            boolean same = asked.equals(privateKey);
            asked.destroy();
            if (!same) {
                throw new UapiException(UapiException.EINVAL, "private_key: the gateway's key changes only with a restart "
                        + "(PrivateKey in its configuration file)");
            }
        }
        // 0 asks for any port, and the current one is one: wg setconf/syncconf send listen_port=0 for every file
        // without ListenPort (wireguard-tools' config.c sets it on each whole-file read), e.g. a wg-quick strip output
        if (request.listenPort() != null && request.listenPort() != 0 && request.listenPort() != local.port()) {
            throw new UapiException(UapiException.EINVAL, "listen_port " + request.listenPort() + ": the gateway listens on "
                    + local.port() + " and changes port only with a restart (ListenPort in its configuration file)");
        }
        if (request.fwmark() != null && request.fwmark() != 0) {
            throw new UapiException(UapiException.EINVAL, "fwmark " + request.fwmark() + ": Postern does not set a firewall mark");
        }
    }

    private static PeerConfig change(PeerConfig base, UapiSet.Peer p) {
        PresharedKey psk = base.presharedKey();
        if (p.presharedKey() != null) {
            psk = HexKey.isZero(p.presharedKey()) ? PresharedKey.NONE : PresharedKey.of(p.presharedKey());
            Arrays.fill(p.presharedKey(), (byte) 0);
        }
        List<IpPrefix> ips = new ArrayList<>(p.replaceAllowedIps() ? List.of() : base.allowedIps());
        for (UapiSet.AllowedIp ip : p.allowedIps()) {
            ips.removeIf(existing -> existing.network().equals(ip.prefix()));
            if (!ip.remove()) {
                ips.add(ip.prefix());
            }
        }
        return new PeerConfig(base.publicKey(), psk, ips, p.endpoint() != null ? p.endpoint() : base.endpoint(),
                p.keepaliveSeconds() != null ? Duration.ofSeconds(p.keepaliveSeconds()) : base.persistentKeepalive());
    }

    private static void takeFromOthers(Map<PublicKey, PeerConfig> next, PublicKey owner, IpPrefix prefix) {
        for (Map.Entry<PublicKey, PeerConfig> e : next.entrySet()) {
            PeerConfig c = e.getValue();
            if (!e.getKey().equals(owner) && c.allowedIps().stream().anyMatch(ip -> ip.network().equals(prefix))) {
                e.setValue(new PeerConfig(c.publicKey(), c.presharedKey(),
                        c.allowedIps().stream().filter(ip -> !ip.network().equals(prefix)).toList(), c.endpoint(),
                        c.persistentKeepalive()));
            }
        }
    }
}

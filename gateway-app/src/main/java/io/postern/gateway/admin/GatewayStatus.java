package io.postern.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code postern show} shows: the interface and every peer, as the {@code get} operation
 * carries them (see the package documentation). Keys are base64 strings here: this is a view,
 * not key material.
 *
 * @param publicKey      the gateway's public key
 * @param listenPort     its bound port
 * @param listenEndpoint its bound endpoint, as text
 * @param policy         its session policy's name
 * @param now            the gateway's clock when the snapshot was taken
 * @param peers          every peer, ordered by public key
 */
public record GatewayStatus(String publicKey, int listenPort, String listenEndpoint, String policy, Instant now,
                            List<PeerView> peers) {
    public GatewayStatus {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(now, "now");
        peers = List.copyOf(peers);
    }

    /**
     * One peer.
     *
     * @param publicKey           its key (base64)
     * @param endpoint            its current endpoint, or null
     * @param allowedIps          its AllowedIPs, as written
     * @param configured          from a [Peer] section (else admitted by open admission)
     * @param state               its session state (a {@code SessionState} name)
     * @param lastHandshake       when its latest handshake completed, or null
     * @param rxBytes             transport bytes received
     * @param txBytes             transport bytes sent
     * @param persistentKeepalive zero when off
     * @param policyDecision      the last policy decision about it, or null
     * @param policyDecisionAt    when that decision was taken, or null
     */
    public record PeerView(String publicKey, String endpoint, List<String> allowedIps, boolean configured,
                           String state, Instant lastHandshake, long rxBytes, long txBytes,
                           Duration persistentKeepalive, String policyDecision, Instant policyDecisionAt) {
        public PeerView {
            Objects.requireNonNull(publicKey, "publicKey");
            allowedIps = List.copyOf(allowedIps);
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
        }
    }

    /** @return the {@code get} response carrying this status */
    public AdminMessage toMessage() {
        AdminMessage m = AdminMessage.create()
                .add("public_key", publicKey)
                .add("listen_port", listenPort)
                .add("listen_endpoint", listenEndpoint)
                .add("policy", policy)
                .add("time_ms", now.toEpochMilli());
        for (PeerView p : peers) {
            m.add("peer", p.publicKey());
            if (p.endpoint() != null) {
                m.add("endpoint", p.endpoint());
            }
            for (String ip : p.allowedIps()) {
                m.add("allowed_ip", ip);
            }
            m.add("configured", p.configured());
            m.add("state", p.state());
            if (p.lastHandshake() != null) {
                m.add("last_handshake_ms", p.lastHandshake().toEpochMilli());
            }
            m.add("rx_bytes", p.rxBytes());
            m.add("tx_bytes", p.txBytes());
            m.add("persistent_keepalive_interval", p.persistentKeepalive().toSeconds());
            if (p.policyDecision() != null) {
                m.add("policy_decision", p.policyDecision());
                if (p.policyDecisionAt() != null) {
                    m.add("policy_decision_ms", p.policyDecisionAt().toEpochMilli());
                }
            }
        }
        return m.add("errno", 0);
    }

    /**
     * Reads a {@code get} response.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static GatewayStatus fromMessage(AdminMessage m) {
        String publicKey = null;
        int listenPort = 0;
        String listenEndpoint = null;
        String policy = null;
        Instant now = null;
        List<PeerView> peers = new ArrayList<>();
        PeerBuilder peer = null;
        try {
            for (Map.Entry<String, String> e : m.lines()) {
                String v = e.getValue();
                switch (e.getKey()) {
                    case "peer" -> {
                        if (peer != null) {
                            peers.add(peer.build());
                        }
                        peer = new PeerBuilder(v);
                    }
                    case "public_key" -> publicKey = v;
                    case "listen_port" -> listenPort = Integer.parseInt(v);
                    case "listen_endpoint" -> listenEndpoint = v;
                    case "policy" -> policy = v;
                    case "time_ms" -> now = Instant.ofEpochMilli(Long.parseLong(v));
                    case "endpoint" -> peer(peer).endpoint = v;
                    case "allowed_ip" -> peer(peer).allowedIps.add(v);
                    case "configured" -> peer(peer).configured = Boolean.parseBoolean(v);
                    case "state" -> peer(peer).state = v;
                    case "last_handshake_ms" -> peer(peer).lastHandshake = Instant.ofEpochMilli(Long.parseLong(v));
                    case "rx_bytes" -> peer(peer).rx = Long.parseLong(v);
                    case "tx_bytes" -> peer(peer).tx = Long.parseLong(v);
                    case "persistent_keepalive_interval" -> peer(peer).keepalive = Duration.ofSeconds(Long.parseLong(v));
                    case "policy_decision" -> peer(peer).decision = v;
                    case "policy_decision_ms" -> peer(peer).decisionAt = Instant.ofEpochMilli(Long.parseLong(v));
                    default -> { } // errno, and keys a newer gateway may add
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("admin protocol: bad number in the gateway's answer: " + e.getMessage(), e);
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        if (publicKey == null || now == null) {
            throw new IllegalArgumentException("admin protocol: the gateway's answer has no public_key or time_ms");
        }
        return new GatewayStatus(publicKey, listenPort, listenEndpoint, policy, now, peers);
    }

    private static PeerBuilder peer(PeerBuilder p) {
        if (p == null) {
            throw new IllegalArgumentException("admin protocol: a peer field before any peer= line");
        }
        return p;
    }

    private static final class PeerBuilder {
        final String key;
        String endpoint;
        final List<String> allowedIps = new ArrayList<>();
        boolean configured;
        String state = "NONE";
        Instant lastHandshake;
        long rx;
        long tx;
        Duration keepalive = Duration.ZERO;
        String decision;
        Instant decisionAt;

        PeerBuilder(String key) {
            this.key = key;
        }

        PeerView build() {
            return new PeerView(key, endpoint, allowedIps, configured, state, lastHandshake, rx, tx, keepalive,
                    decision, decisionAt);
        }
    }
}

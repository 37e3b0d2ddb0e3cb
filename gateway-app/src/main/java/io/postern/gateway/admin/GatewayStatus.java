package io.postern.gateway.admin;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@code postern show} shows: the interface and every peer, read from a UAPI {@code get}
 * answer ({@link #fromUapi}). Keys are base64 strings here: this is a view,
 * not key material.
 *
 * @param publicKey      the gateway's public key
 * @param listenPort     its bound port
 * @param listenEndpoint its bound endpoint, as text
 * @param policy         its session policy's name
 * @param now            the gateway's clock when the snapshot was taken
 * @param peers          every peer, ordered by public key
 * @param refused        keys whose handshakes were refused recently, latest first
 * @param ipDropped      the ip handler's drops by reason (lower case), those above zero
 */
public record GatewayStatus(String publicKey, int listenPort, String listenEndpoint, String policy, Instant now,
                            List<PeerView> peers, List<Refused> refused, java.util.Map<String, Long> ipDropped) {
    public GatewayStatus {
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(now, "now");
        peers = List.copyOf(peers);
        refused = List.copyOf(refused);
        ipDropped = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ipDropped));
    }

    /** A status without refused keys or ip handler drops. */
    public GatewayStatus(String publicKey, int listenPort, String listenEndpoint, String policy, Instant now,
                         List<PeerView> peers) {
        this(publicKey, listenPort, listenEndpoint, policy, now, peers, List.of(), java.util.Map.of());
    }

    /**
     * A key whose handshake the gateway refused recently ({@code postern_refused}).
     *
     * @param publicKey base64
     * @param endpoint  where its latest initiation came from
     * @param at        when
     * @param count     initiations refused
     */
    public record Refused(String publicKey, String endpoint, Instant at, long count) {}

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
     * @param name                its name from a comment in the configuration file, or null
     */
    public record PeerView(String publicKey, String endpoint, List<String> allowedIps, boolean configured,
                           String state, Instant lastHandshake, long rxBytes, long txBytes,
                           Duration persistentKeepalive, String policyDecision, Instant policyDecisionAt, String name) {
        public PeerView {
            Objects.requireNonNull(publicKey, "publicKey");
            allowedIps = List.copyOf(allowedIps);
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
        }
    }

    /**
     * Reads a UAPI {@code get=1} answer (its lines without {@code errno}): the standard keys, and
     * Postern's {@code postern_*} keys when a Postern gateway answered (a wireguard-go interface has
     * none: then the policy and session state are unknown and "now" is this machine's clock).
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static GatewayStatus fromUapi(List<String> lines) {
        String publicKey = null;
        int listenPort = 0;
        String listenEndpoint = null;
        String policy = null;
        Instant now = null;
        List<PeerView> peers = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        java.util.Map<String, Long> ipDropped = new java.util.LinkedHashMap<>();
        PeerBuilder peer = null;
        long handshakeSec = 0;
        try {
            for (String line : lines) {
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("UAPI: '" + line + "' is not key=value");
                }
                String k = line.substring(0, eq);
                String v = line.substring(eq + 1);
                switch (k) {
                    case "public_key" -> {
                        if (peer != null) {
                            peers.add(peer.build());
                        }
                        peer = new PeerBuilder(base64(v));
                    }
                    case "listen_port" -> listenPort = Integer.parseInt(v);
                    case "postern_public_key" -> publicKey = v;
                    case "postern_listen_endpoint" -> listenEndpoint = v;
                    case "postern_policy" -> policy = v;
                    case "postern_time_ms" -> now = Instant.ofEpochMilli(Long.parseLong(v));
                    case "postern_ip_dropped" -> {
                        String[] f = v.split(" ");
                        if (f.length == 2) {
                            ipDropped.put(f[0], Long.parseLong(f[1]));
                        }
                    }
                    case "postern_refused" -> {
                        String[] f = v.split(" ");
                        if (f.length == 4) {
                            refused.add(new Refused(f[0], f[1], Instant.ofEpochMilli(Long.parseLong(f[2])), Long.parseLong(f[3])));
                        }
                    }
                    case "endpoint" -> peer(peer).endpoint = v;
                    case "allowed_ip" -> peer(peer).allowedIps.add(v);
                    case "postern_configured" -> peer(peer).configured = Boolean.parseBoolean(v);
                    case "postern_state" -> peer(peer).state = v;
                    case "last_handshake_time_sec" -> handshakeSec = Long.parseLong(v);
                    case "last_handshake_time_nsec" -> {
                        long nsec = Long.parseLong(v);
                        peer(peer).lastHandshake = handshakeSec == 0 && nsec == 0 ? null : Instant.ofEpochSecond(handshakeSec, nsec);
                    }
                    case "rx_bytes" -> peer(peer).rx = Long.parseLong(v);
                    case "tx_bytes" -> peer(peer).tx = Long.parseLong(v);
                    case "persistent_keepalive_interval" -> peer(peer).keepalive = Duration.ofSeconds(Long.parseLong(v));
                    case "postern_policy_decision" -> peer(peer).decision = v;
                    case "postern_policy_decision_ms" -> peer(peer).decisionAt = Instant.ofEpochMilli(Long.parseLong(v));
                    case "postern_name" -> peer(peer).name = v;
                    default -> { } // private_key, preshared_key, protocol_version, fwmark, keys a newer gateway may add
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("UAPI: bad number in the gateway's answer: " + e.getMessage(), e);
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        return new GatewayStatus(publicKey == null ? "(unknown)" : publicKey, listenPort, listenEndpoint,
                policy == null ? "(not a Postern gateway)" : policy, now == null ? Instant.now() : now, peers, refused, ipDropped);
    }

    /** @return the base64 form of a UAPI hex key */
    public static String base64(String hex) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException("UAPI: a key of " + hex.length() + " characters, not 64 hex digits");
        }
        return java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(hex));
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
        boolean configured = true; // a wireguard-go peer is always configured; Postern says postern_configured
        String state = "NONE";
        Instant lastHandshake;
        long rx;
        long tx;
        Duration keepalive = Duration.ZERO;
        String decision;
        Instant decisionAt;
        String name;

        PeerBuilder(String key) {
            this.key = key;
        }

        PeerView build() {
            return new PeerView(key, endpoint, allowedIps, configured, state, lastHandshake, rx, tx, keepalive,
                    decision, decisionAt, name);
        }
    }
}

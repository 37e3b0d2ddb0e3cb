package io.postern.gateway.admin;

import io.postern.engine.PeerConfig;
import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One peer of a {@code set} or {@code syncconf} request. In {@code set} a null field means
 * "leave as it is"; in {@code syncconf} every peer is complete and a null endpoint means none.
 *
 * @param publicKey    the peer
 * @param remove       remove the peer (the other fields are then ignored)
 * @param endpoint     new endpoint, or null
 * @param allowedIps   replacement AllowedIPs, or null
 * @param keepalive    new persistent keepalive ({@link Duration#ZERO} for off), or null
 * @param presharedKey new preshared key ({@link PresharedKey#NONE} to clear), or null
 */
public record PeerUpdate(PublicKey publicKey, boolean remove, Endpoint endpoint, List<IpPrefix> allowedIps,
                         Duration keepalive, PresharedKey presharedKey) {
    public PeerUpdate {
        Objects.requireNonNull(publicKey, "publicKey");
        allowedIps = allowedIps == null ? null : List.copyOf(allowedIps);
    }

    /** @return an update removing {@code peer} */
    public static PeerUpdate removal(PublicKey peer) {
        return new PeerUpdate(peer, true, null, null, null, null);
    }

    /** @return a complete update carrying {@code config} (for {@code syncconf}) */
    public static PeerUpdate of(PeerConfig config) {
        return new PeerUpdate(config.publicKey(), false, config.endpoint(), config.allowedIps(),
                config.persistentKeepalive(), config.presharedKey());
    }

    /** @return {@code base} (or an empty configuration when null) with this update's non-null fields applied */
    public PeerConfig applyTo(PeerConfig base) {
        PeerConfig b = base != null ? base : PeerConfig.of(publicKey, null);
        return new PeerConfig(publicKey, presharedKey != null ? presharedKey : b.presharedKey(),
                allowedIps != null ? allowedIps : b.allowedIps(), endpoint != null ? endpoint : b.endpoint(),
                keepalive != null ? keepalive : b.persistentKeepalive());
    }

    /** @return a complete configuration from this update (absent fields: none) */
    public PeerConfig toConfig() {
        return applyTo(null);
    }

    /** Appends this update's lines to {@code m}. */
    public void writeTo(AdminMessage m) {
        m.add("peer", publicKey.toBase64());
        if (remove) {
            m.add("remove", true);
            return;
        }
        if (endpoint != null) {
            m.add("endpoint", endpoint);
        }
        if (allowedIps != null) {
            m.add("replace_allowed_ips", true);
            for (IpPrefix ip : allowedIps) {
                m.add("allowed_ip", ip);
            }
        }
        if (keepalive != null) {
            m.add("persistent_keepalive_interval", keepalive.toSeconds());
        }
        if (presharedKey != null) {
            m.add("preshared_key", presharedKey.equals(PresharedKey.NONE) ? "none"
                    : Base64.getEncoder().encodeToString(presharedKey.toBytes()));
        }
    }

    /**
     * Reads the peers of a {@code set} or {@code syncconf} request.
     *
     * @throws IllegalArgumentException naming the bad line
     */
    public static List<PeerUpdate> readAll(AdminMessage m) {
        List<PeerUpdate> out = new ArrayList<>();
        Reading r = null;
        for (Map.Entry<String, String> e : m.lines().subList(1, m.lines().size())) {
            String k = e.getKey();
            String v = e.getValue();
            try {
                if (k.equals("peer")) {
                    if (r != null) {
                        out.add(r.done());
                    }
                    r = new Reading(PublicKey.fromBase64(v));
                    continue;
                }
                if (r == null) {
                    throw new IllegalArgumentException("comes before any peer= line");
                }
                switch (k) {
                    case "remove" -> r.remove = Boolean.parseBoolean(v);
                    case "endpoint" -> r.endpoint = Endpoint.parse(v);
                    case "replace_allowed_ips" -> r.allowedIps = new ArrayList<>();
                    case "allowed_ip" -> {
                        if (r.allowedIps == null) {
                            throw new IllegalArgumentException("without replace_allowed_ips=true");
                        }
                        r.allowedIps.add(IpPrefix.parse(v));
                    }
                    case "persistent_keepalive_interval" -> {
                        long s = Long.parseLong(v);
                        if (s < 0 || s > 65535) {
                            throw new IllegalArgumentException("'" + v + "' is not 0-65535 seconds");
                        }
                        r.keepalive = Duration.ofSeconds(s);
                    }
                    case "preshared_key" -> r.presharedKey = v.equals("none") ? PresharedKey.NONE : PresharedKey.fromBase64(v);
                    default -> throw new IllegalArgumentException("unknown key");
                }
            } catch (IllegalArgumentException ex) {
                // never quote a preshared key's value
                String shown = k.equals("preshared_key") ? "" : " '" + v + "'";
                throw new IllegalArgumentException(k + shown + ": " + ex.getMessage(), ex);
            }
        }
        if (r != null) {
            out.add(r.done());
        }
        return out;
    }

    private static final class Reading {
        final PublicKey key;
        boolean remove;
        Endpoint endpoint;
        List<IpPrefix> allowedIps;
        Duration keepalive;
        PresharedKey presharedKey;

        Reading(PublicKey key) {
            this.key = key;
        }

        PeerUpdate done() {
            return new PeerUpdate(key, remove, endpoint, allowedIps, keepalive, presharedKey);
        }
    }
}

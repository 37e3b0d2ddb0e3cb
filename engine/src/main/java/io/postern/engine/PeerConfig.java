package io.postern.engine;

import io.postern.key.PresharedKey;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.net.IpPrefix;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A configured peer ({@code [Peer]} section).
 *
 * @param publicKey           the peer's static public key
 * @param presharedKey        {@link PresharedKey#NONE} when not configured
 * @param allowedIps          the peer's AllowedIPs (may be empty)
 * @param endpoint            where to send first, or {@code null} (learned from authenticated packets)
 * @param persistentKeepalive {@link Duration#ZERO} for off
 */
public record PeerConfig(PublicKey publicKey, PresharedKey presharedKey, List<IpPrefix> allowedIps, Endpoint endpoint,
                         Duration persistentKeepalive) {
    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        presharedKey = presharedKey == null ? PresharedKey.NONE : presharedKey;
        allowedIps = allowedIps == null ? List.of() : List.copyOf(allowedIps);
        persistentKeepalive = persistentKeepalive == null ? Duration.ZERO : persistentKeepalive;
    }

    /** @return a peer with only a key and an optional endpoint */
    public static PeerConfig of(PublicKey publicKey, Endpoint endpoint) {
        return new PeerConfig(publicKey, PresharedKey.NONE, List.of(), endpoint, Duration.ZERO);
    }
}

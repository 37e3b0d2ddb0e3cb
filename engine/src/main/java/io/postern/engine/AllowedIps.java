package io.postern.engine;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Cryptokey routing (WireGuard paper §2): every configured peer's AllowedIPs, for the longest-prefix
 * match of a destination and the source check of a received packet. Rebuilt copy-on-write when a
 * peer is added, changed or removed; read without locks. A lookup is linear in the number of
 * configured prefixes, which suits a hub with hundreds of peers; a trie would be the next step for
 * tens of thousands (wireguard-go's allowedips.go).
 */
final class AllowedIps {
    private record Route(IpPrefix prefix, byte[] network, PublicKey peer) {}

    private volatile List<Route> routes = List.of(); // longest prefix first

    /** Rebuilds the table from the peers' configured AllowedIPs. */
    void rebuild(Map<PublicKey, List<IpPrefix>> byPeer) {
        List<Route> r = new ArrayList<>();
        byPeer.forEach((peer, prefixes) -> {
            for (IpPrefix p : prefixes) {
                r.add(new Route(p, p.address().getAddress(), peer));
            }
        });
        r.sort(Comparator.comparingInt((Route x) -> x.prefix.length()).reversed());
        routes = List.copyOf(r);
    }

    /** @return the peer owning the longest prefix that contains the address, or null */
    PublicKey lookup(byte[] address, int offset, int family) {
        for (Route route : routes) {
            if (route.network.length == family && route.prefix.contains(address, offset, family)) {
                return route.peer;
            }
        }
        return null;
    }

    /** @return whether {@code prefixes} contain the address */
    static boolean contains(List<IpPrefix> prefixes, byte[] address, int offset, int family) {
        for (IpPrefix p : prefixes) {
            if (p.contains(address, offset, family)) {
                return true;
            }
        }
        return false;
    }
}

package io.postern.engine;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cryptokey routing (WireGuard paper §2; wireguard-go {@code device/allowedips.go}): which peer owns
 * each AllowedIPs prefix, for the longest-prefix match of a destination and the source check of a
 * received packet. As in wireguard-go, a prefix has one owner: giving it to a second peer moves it
 * there (the peer configured last wins), and the source of a packet from P is accepted only when the
 * longest-prefix lookup of that source returns P — so with A = 198.19.0.0/24 and B = 198.19.0.5/32,
 * A cannot send as .5.
 *
 * <p>Written under the table's monitor when a peer is configured or removed; read without locks from
 * an immutable array. A lookup is linear in the number of prefixes, which suits a hub with hundreds
 * of peers; a trie (wireguard-go's) would be the next step for tens of thousands.
 */
final class AllowedIps {
    /** A prefix with its address bytes kept, so a lookup copies nothing ({@code family}: 4 or 16 bytes). */
    private record Route(IpPrefix prefix, byte[] bytes, int family, PublicKey peer) {}

    /** A prefix that moved from one peer to another because both were given it. */
    record Moved(IpPrefix prefix, PublicKey from, PublicKey to) {}

    private final Map<IpPrefix, PublicKey> owners = new HashMap<>(); // network form → owner; guarded by this
    private volatile Route[] routes = new Route[0]; // longest prefix first

    /**
     * Makes {@code prefixes} exactly what {@code peer} owns: its other prefixes are released, and a
     * prefix another peer owns moves to {@code peer} (wg semantics: the peer configured last wins).
     *
     * @return the prefixes taken from other peers
     */
    synchronized List<Moved> assign(PublicKey peer, List<IpPrefix> prefixes) {
        Objects.requireNonNull(peer, "peer");
        LinkedHashSet<IpPrefix> wanted = new LinkedHashSet<>();
        for (IpPrefix p : prefixes) {
            wanted.add(p.network());
        }
        owners.entrySet().removeIf(e -> e.getValue().equals(peer) && !wanted.contains(e.getKey()));
        List<Moved> moved = new ArrayList<>();
        for (IpPrefix p : wanted) {
            PublicKey before = owners.put(p, peer);
            if (before != null && !before.equals(peer)) {
                moved.add(new Moved(p, before, peer));
            }
        }
        publish();
        return moved;
    }

    /** Releases every prefix {@code peer} owns. */
    synchronized void remove(PublicKey peer) {
        if (owners.values().removeIf(peer::equals)) {
            publish();
        }
    }

    private void publish() {
        List<Route> r = new ArrayList<>(owners.size());
        owners.forEach((p, owner) -> {
            byte[] bytes = p.address().getAddress();
            r.add(new Route(p, bytes, bytes.length, owner));
        });
        r.sort(Comparator.comparingInt((Route x) -> x.prefix.length()).reversed());
        routes = r.toArray(Route[]::new);
    }

    /** @return the peer owning the longest prefix that contains the address, or null; allocates nothing */
    PublicKey lookup(byte[] address, int offset, int family) {
        for (Route route : routes) {
            if (route.family == family && IpPrefix.contains(route.bytes, route.prefix.length(), address, offset)) {
                return route.peer;
            }
        }
        return null;
    }

    /**
     * @return whether a packet from {@code peer} may carry this source address: the longest-prefix
     *         lookup of the address returns {@code peer} (wireguard-go {@code RoutineSequentialReceiver})
     */
    boolean isAllowedSource(PublicKey peer, byte[] address, int offset, int family) {
        PublicKey owner = lookup(address, offset, family);
        return owner != null && owner.equals(peer);
    }
}

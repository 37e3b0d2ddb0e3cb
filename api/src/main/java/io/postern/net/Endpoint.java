package io.postern.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A UDP endpoint (IP address and port, IPv4 or IPv6) that datagrams come from or go to. Equal
 * endpoints have equal address bytes and port; no name resolution ever happens here.
 *
 * <p>An endpoint a transport received a datagram from may also carry the <em>local</em> address the
 * datagram was sent to: replies to it then leave from that address (wireguard-go's "sticky" source
 * address), which matters on a host with several addresses, where the peer, its NAT or firewall
 * expects the answer from the address it talked to. The local address is not part of equality: a
 * peer is one endpoint whichever of our addresses it used ({@link #sameRoute} compares both).
 *
 * @param address      a resolved socket address
 * @param localAddress the local address a datagram from it arrived at, or {@code null} when unknown
 */
public record Endpoint(InetSocketAddress address, InetAddress localAddress) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("endpoint must be a resolved address: " + address);
        }
    }

    /** An endpoint without a local address (the transport chooses the source address of replies). */
    public Endpoint(InetSocketAddress address) {
        this(address, null);
    }

    /** @return this endpoint as received at {@code local}: replies to it leave from {@code local} */
    public Endpoint receivedAt(InetAddress local) {
        return new Endpoint(address, local);
    }

    /** @return whether {@code other} is equal and has the same local address (null counts as a value) */
    public boolean sameRoute(Endpoint other) {
        return equals(other) && Objects.equals(localAddress, other.localAddress);
    }

    /** Equal when address bytes and port are: the local address does not count. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && address.equals(e.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    /** @return the endpoint for an address and port */
    public static Endpoint of(InetAddress address, int port) {
        return new Endpoint(new InetSocketAddress(address, port));
    }

    /**
     * Parses {@code host:port} or {@code [v6]:port} where host is a literal IP address.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint is empty");
        }
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException("endpoint '" + s + "' must look like [ipv6]:port");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0 || s.indexOf(':') != colon) {
                throw new IllegalArgumentException("endpoint '" + s + "' must look like ip:port or [ipv6]:port");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("endpoint '" + s + "' has a port that is not a number", e);
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("endpoint '" + s + "' has port " + p + " outside 1-65535");
        }
        return of(IpLiterals.parse(host), p);
    }

    /** @return the IP address */
    public InetAddress ip() {
        return address.getAddress();
    }

    /** @return the UDP port */
    public int port() {
        return address.getPort();
    }

    @Override
    public String toString() {
        InetAddress ip = address.getAddress();
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}

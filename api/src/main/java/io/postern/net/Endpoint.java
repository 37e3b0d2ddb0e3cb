package io.postern.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * Where datagrams come from or go to: a transport's name (e.g. {@code udp}, {@code tcp}) and an IP
 * address and port (IPv4 or IPv6). Everything that keys on endpoints — the endpoint bindings the
 * session policy sees, mac2 cookies, rate limits, {@code show} — uses the whole value, so
 * {@code udp 198.18.0.2:4000} and {@code tcp 198.18.0.2:4000} are different endpoints. Equal
 * endpoints have the same transport name, address bytes and port; no name resolution ever happens here.
 *
 * <p>A transport that is not carried over IP (a UNIX domain socket, say) gives each of its peers an
 * address of its own choosing that is unique among its live peers; the engine only compares them and
 * hands them back to the transport's {@code send}.
 *
 * <p>Text form ({@link #parse}, {@link #toString}): {@code ip:port} or {@code [v6]:port} for UDP, as
 * wg(8) writes it, and {@code NAME://ip:port} for any transport, e.g. {@code tcp://198.18.0.1:443}.
 *
 * <p>An endpoint a transport received a datagram from may also carry the <em>local</em> address the
 * datagram was sent to: replies to it then leave from that address (wireguard-go's "sticky" source
 * address), which matters on a host with several addresses, where the peer, its NAT or firewall
 * expects the answer from the address it talked to. The local address is not part of equality: a
 * peer is one endpoint whichever of our addresses it used ({@link #sameRoute} compares it too).
 *
 * @param transport    the name of the transport ({@link #UDP} unless a factory says otherwise):
 *                     lower-case letters, digits, '.', '_' and '-'
 * @param address      a resolved socket address
 * @param localAddress the local address a datagram from it arrived at, or {@code null} when unknown
 */
public record Endpoint(String transport, InetSocketAddress address, InetAddress localAddress) {
    /** The name of the UDP transport, the default. */
    public static final String UDP = "udp";

    public Endpoint {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(address, "address");
        if (!isTransportName(transport)) {
            throw new IllegalArgumentException("'" + transport + "' is not a transport name (lower-case letters, digits, '.', '_', '-')");
        }
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("endpoint must be a resolved address: " + address);
        }
    }

    /** A UDP endpoint (the form every endpoint had before transports were named). */
    public Endpoint(InetSocketAddress address) {
        this(UDP, address, null);
    }

    /** An endpoint of {@code transport} without a local address (the transport chooses the source of replies). */
    public Endpoint(String transport, InetSocketAddress address) {
        this(transport, address, null);
    }

    /** A UDP endpoint received at {@code localAddress} ({@code null}: unknown). */
    public Endpoint(InetSocketAddress address, InetAddress localAddress) {
        this(UDP, address, localAddress);
    }

    /** @return this endpoint as received at {@code local}: replies to it leave from {@code local} */
    public Endpoint receivedAt(InetAddress local) {
        return new Endpoint(transport, address, local);
    }

    /** @return whether {@code other} is equal and has the same local address (null counts as a value) */
    public boolean sameRoute(Endpoint other) {
        return equals(other) && Objects.equals(localAddress, other.localAddress);
    }

    /** Equal when transport, address bytes and port are: the local address does not count. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && transport.equals(e.transport) && address.equals(e.address);
    }

    @Override
    public int hashCode() {
        return 31 * transport.hashCode() + address.hashCode();
    }

    /** @return the UDP endpoint for an address and port */
    public static Endpoint of(InetAddress address, int port) {
        return new Endpoint(new InetSocketAddress(address, port));
    }

    /** @return the endpoint of {@code transport} for an address and port */
    public static Endpoint of(String transport, InetAddress address, int port) {
        return new Endpoint(transport, new InetSocketAddress(address, port));
    }

    /** @return whether {@code name} is a well-formed transport name */
    public static boolean isTransportName(String name) {
        if (name == null || name.isEmpty() || name.length() > 32) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} (UDP) or {@code NAME://host:port} where host is a
     * literal IP address.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static Endpoint parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("endpoint is empty");
        }
        String s = text.strip();
        String transport = UDP;
        int scheme = s.indexOf("://");
        if (scheme >= 0) {
            transport = s.substring(0, scheme);
            if (!isTransportName(transport)) {
                throw new IllegalArgumentException("endpoint '" + s + "' names transport '" + transport
                        + "', which is not a transport name (lower-case letters, digits, '.', '_', '-')");
            }
            s = s.substring(scheme + 3);
        }
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
        return of(transport, IpLiterals.parse(host), p);
    }

    /** @return the same address on another transport */
    public Endpoint withTransport(String name) {
        return name.equals(transport) ? this : new Endpoint(name, address, localAddress);
    }

    /** @return the IP address */
    public InetAddress ip() {
        return address.getAddress();
    }

    /** @return the port */
    public int port() {
        return address.getPort();
    }

    /** @return {@code ip:port} or {@code [v6]:port}, without the transport */
    public String hostAndPort() {
        InetAddress ip = address.getAddress();
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** @return {@link #hostAndPort()} for UDP, {@code NAME://} and it for other transports ({@link #parse} reads it back) */
    @Override
    public String toString() {
        return UDP.equals(transport) ? hostAndPort() : transport + "://" + hostAndPort();
    }
}

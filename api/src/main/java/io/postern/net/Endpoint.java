package io.postern.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * A UDP endpoint (IP address and port, IPv4 or IPv6) that datagrams come from or go to. Equal
 * endpoints have equal address bytes and port; no name resolution ever happens here.
 *
 * @param address a resolved socket address
 */
public record Endpoint(InetSocketAddress address) {
    public Endpoint {
        Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("endpoint must be a resolved address: " + address);
        }
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

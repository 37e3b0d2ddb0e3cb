package io.postern.spi;

import io.postern.net.Endpoint;
import io.postern.net.IpLiterals;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Creates datagram transports. Postern ships {@code udp} and {@code tcp}; a jar in the plugins
 * directory that {@code provides io.postern.spi.TransportProvider} adds one, selectable by
 * {@link #name()} ({@code Transport = udp, NAME}). Public no-argument constructor.
 *
 * <p><b>Writing one.</b> A transport carries WireGuard datagrams, whole, both ways; it never looks
 * inside them. Every {@link Endpoint} it hands to its {@link DatagramReceiver} names it
 * ({@code Endpoint.transport()} equals {@link #name()}) and means one peer, stable for as long as
 * that peer is reachable by it; the engine keys sessions' endpoints, cookies and the policy's
 * {@link IdentityChange} on the whole endpoint and sends replies to the same value through
 * {@link Transport#send}. An unauthenticated datagram changes nothing in the engine, so a transport
 * need not authenticate anything; it must bound what it holds per peer and in total (connections,
 * buffers), since anyone who can reach it can open them.
 *
 * <p>A transport that takes settings implements {@link Configurable} too: it is configured (its
 * {@code [Plugin.NAME]} section) before {@link #bind(String)} is called. The section's {@code Listen}
 * key, if present, is what the gateway passes to {@link #bind(String)}.
 */
public interface TransportProvider {
    /** @return the stable name the configuration selects, and that its endpoints carry ({@link Endpoint#isTransportName}) */
    String name();

    /** @return one sentence on what it carries datagrams over */
    String description();

    /**
     * @return the name of the transport this one is a faster implementation of, the same on the wire
     *         (the endpoints it hands on carry that name), or null (the default). When a configuration
     *         selects that name, the gateway binds this one where it can and falls back to the named one
     *         where it cannot ({@link #bind} fails), and logs which it chose and why
     */
    default String fasterImplementationOf() {
        return null;
    }

    /**
     * Binds a transport carried over IP to {@code local} (port 0: any free port). Nothing is
     * received until {@link Transport#start} is called.
     *
     * @throws IOException naming the address when it cannot be bound, or when the transport does not take IP addresses
     */
    Transport bind(InetSocketAddress local) throws IOException;

    /**
     * One-time work that would otherwise fall on the first {@link #bind}, such as linking native calls.
     * The gateway calls it once, on a background thread, as soon as it knows this transport is
     * configured, while the rest of the gateway starts; {@link #bind} may run before it finished, so it
     * must be safe to run concurrently with {@code bind}. It binds, sends and keeps nothing that needs
     * closing. Default: nothing.
     */
    default void prepare() {}

    /**
     * Binds to an address in the transport's own form: {@code ip:port} or {@code [v6]:port} for
     * transports over IP (the default parses that and calls {@link #bind(InetSocketAddress)}), a path
     * for a UNIX domain socket, and so on.
     *
     * @throws IOException              when it cannot be bound
     * @throws IllegalArgumentException when {@code local} is not an address of this transport, saying why
     */
    default Transport bind(String local) throws IOException {
        String s = local.strip();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("'" + local + "' is not ip:port or [ipv6]:port");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + local + "' has a port that is not a number", e);
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("'" + local + "' has port " + port + " outside 0-65535");
        }
        return bind(new InetSocketAddress(IpLiterals.parse(host), port));
    }
}

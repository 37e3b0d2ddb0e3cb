package io.postern.transport.udp;

import io.postern.spi.PluginName;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The {@code udp} transport: one socket per bound address, IPv4 or IPv6. Binding the IPv6 wildcard
 * {@code ::} gives a dual-stack socket that also receives IPv4 (as IPv4 endpoints); {@code 0.0.0.0}
 * gives an IPv4-only socket. On Linux a wildcard socket is a {@link StickyUdpTransport}: replies leave
 * from the local address the peer sent to; a specific address, and other platforms, use a
 * {@link java.nio.channels.DatagramChannel} ({@link UdpTransport}).
 */
@PluginName("udp")
public final class UdpTransportProvider implements TransportProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public UdpTransportProvider() {}

    @Override
    public String name() {
        return "udp";
    }

    @Override
    public String description() {
        return "UDP datagrams on a java.nio DatagramChannel, IPv4 and IPv6 (dual-stack on ::).";
    }

    /** Links the sticky socket's native calls (its class initialisation: ~0.1 s on a cold JVM). */
    @Override
    public void prepare() {
        StickyUdpTransport.unavailable();
    }

    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        // On a wildcard, replies must leave from the address the peer sent to: sticky sockets where
        // the platform has them (Linux), the plain channel elsewhere (the kernel then picks the source).
        if (local != null && !local.isUnresolved() && local.getAddress().isAnyLocalAddress()
                && StickyUdpTransport.unavailable() == null) {
            return StickyUdpTransport.bind(local);
        }
        return UdpTransport.bind(local);
    }
}

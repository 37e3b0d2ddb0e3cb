package io.postern.transport.udp;

import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The {@code udp} transport: one {@link java.nio.channels.DatagramChannel} per bound address, IPv4
 * or IPv6. Binding the IPv6 wildcard {@code ::} gives a dual-stack socket that also receives IPv4
 * (as IPv4 endpoints); {@code 0.0.0.0} gives an IPv4-only socket.
 */
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

    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        return UdpTransport.bind(local);
    }
}

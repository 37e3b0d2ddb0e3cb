package io.postern.transport.tcp;

import io.postern.spi.Configurable;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginName;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The {@code tcp} transport ({@link TcpTransport}). Settings: {@code [Plugin.tcp]}, see {@link TcpSettings}.
 */
@PluginName(TcpTransport.NAME)
public final class TcpTransportProvider implements TransportProvider, Configurable {
    private volatile TcpSettings settings = TcpSettings.DEFAULTS;

    /** Creates the provider with the default settings; {@link java.util.ServiceLoader} calls this. */
    public TcpTransportProvider() {}

    @Override
    public String name() {
        return TcpTransport.NAME;
    }

    @Override
    public String description() {
        return "Datagrams over TCP with a 16-bit big-endian length before each (udptunnel, udp-over-tcp); "
                + "listens and dials, IPv4 and IPv6.";
    }

    @Override
    public void configure(PluginConfig config) {
        settings = TcpSettings.from(config);
    }

    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        return TcpTransport.bind(local, settings);
    }
}

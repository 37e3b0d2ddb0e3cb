package org.example.unixtransport;

import io.postern.spi.Configurable;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginName;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * {@code unix}: the gateway listens on a UNIX domain socket; local programs (a relay, a sidecar)
 * connect and exchange WireGuard datagrams, each a 16-bit big-endian length and the datagram.
 *
 * <pre>
 * [Interface]
 * Transport = udp, unix
 *
 * [Plugin.unix]
 * Listen = /run/postern/wg.sock      # the socket's path (the gateway's key: where to bind)
 * MaxConnections = 16                # this plugin's own setting
 * </pre>
 */
@PluginName(UnixTransport.NAME)
public final class UnixTransportProvider implements TransportProvider, Configurable {
    private volatile int maxConnections = 16;

    /** Called by {@link java.util.ServiceLoader}. */
    public UnixTransportProvider() {}

    @Override
    public String name() {
        return UnixTransport.NAME;
    }

    @Override
    public String description() {
        return "Example plugin: datagrams with a 16-bit length over a UNIX domain socket (Listen = PATH).";
    }

    @Override
    public void configure(PluginConfig config) {
        config.requireOnly("MaxConnections");
        maxConnections = config.integer("MaxConnections", 16, 1, 4096);
    }

    /** A UNIX socket has no IP address: tells the operator what to write instead. */
    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        throw new IOException("the unix transport listens on a path: set Listen = /path/to/socket in [Plugin.unix]");
    }

    /** @param local the socket's path; an old socket file there is replaced */
    @Override
    public Transport bind(String local) throws IOException {
        if (local.isBlank() || local.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("'" + local + "' is not a socket path");
        }
        return UnixTransport.bind(Path.of(local.strip()), maxConnections);
    }
}

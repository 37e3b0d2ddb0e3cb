package io.postern.transport.udplinux;

import io.postern.spi.PluginName;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The {@code udp-linux} transport: UDP with batched system calls ({@code recvmmsg}/{@code sendmmsg},
 * 64 datagrams per call) and UDP GRO/GSO where the kernel has them, on Linux x86_64/aarch64 through
 * {@code java.lang.foreign}. Elsewhere {@link #bind} fails with the reason; {@code udp} is the portable
 * choice. Binding the IPv6 wildcard {@code ::} gives a dual-stack socket (IPv4 peers appear as IPv4
 * endpoints). It is what {@code Transport = udp} (the default) binds on Linux, the portable {@code udp}
 * the fallback ({@link #fasterImplementationOf()}).
 */
@PluginName("udp-linux")
public final class LinuxUdpTransportProvider implements TransportProvider {

    /** Creates the provider; {@link java.util.ServiceLoader} calls this. */
    public LinuxUdpTransportProvider() {}

    @Override
    public String name() {
        return "udp-linux";
    }

    @Override
    public String description() {
        return "UDP on Linux with batched recvmmsg/sendmmsg and UDP GRO/GSO (java.lang.foreign), IPv4 and IPv6.";
    }

    /** @return {@code udp}: a configuration that selects {@code udp} gets this one where it binds */
    @Override
    public String fasterImplementationOf() {
        return "udp";
    }

    /** @return null when this machine can run the transport, else why not */
    public static String unavailableReason() {
        return Native.unavailableReason();
    }

    /** Links the native calls (the class initialisation of {@code Native}: ~0.1 s on a cold JVM). */
    @Override
    public void prepare() {
        Native.unavailableReason();
    }

    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        return LinuxUdpTransport.bind(local, LinuxUdpTransport.Options.DEFAULT);
    }
}

/**
 * UDP datagram I/O on {@link java.nio.channels.DatagramChannel} (IPv4 and IPv6) behind
 * {@link io.postern.spi.TransportProvider}, under the name {@code udp}. Exports nothing.
 */
module io.postern.transport.udp {
    requires io.postern.api;
    requires org.slf4j;

    provides io.postern.spi.TransportProvider with io.postern.transport.udp.UdpTransportProvider;
}

/**
 * The {@code tcp} transport: WireGuard datagrams over TCP, each framed as a 16-bit big-endian
 * length and the datagram, as Debian's {@code udptunnel} and Mullvad's udp-over-tcp frame them, so a
 * stock WireGuard client reaches the gateway through either. Exports nothing.
 */
module io.postern.transport.tcp {
    requires io.postern.api;
    requires org.slf4j;

    provides io.postern.spi.TransportProvider with io.postern.transport.tcp.TcpTransportProvider;
}

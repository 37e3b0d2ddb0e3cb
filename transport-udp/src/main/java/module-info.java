/**
 * UDP datagram I/O behind {@link io.postern.spi.TransportProvider}, under the name {@code udp}: a
 * {@link java.nio.channels.DatagramChannel} on a specific address, and on a Linux wildcard a socket
 * driven through the FFM API whose replies leave from the address the peer sent to (run with
 * {@code --enable-native-access=io.postern.transport.udp}). Exports nothing.
 */
module io.postern.transport.udp {
    requires io.postern.api;
    requires org.slf4j;
    provides io.postern.spi.TransportProvider with io.postern.transport.udp.UdpTransportProvider;
}

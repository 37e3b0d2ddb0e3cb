/**
 * The {@code udp-linux} transport: UDP on a Linux socket of its own, driven through the Foreign Function
 * and Memory API ({@code java.lang.foreign}; no JNI, no native build): datagrams received and sent in
 * batches with {@code recvmmsg}/{@code sendmmsg}, and UDP GRO/GSO ({@code UDP_GRO},
 * {@code UDP_SEGMENT}) where the kernel has them. Run with
 * {@code --enable-native-access=io.postern.transport.udplinux}. Exports nothing.
 */
module io.postern.transport.udplinux {
    requires io.postern.api;
    requires org.slf4j;

    provides io.postern.spi.TransportProvider with io.postern.transport.udplinux.LinuxUdpTransportProvider;
}

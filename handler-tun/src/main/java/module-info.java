/**
 * The {@code tun} {@link io.postern.spi.PacketHandler}: a Linux kernel TUN interface, so peers reach
 * the network behind the gateway through plain kernel routing. Its system calls ({@code open},
 * {@code ioctl(TUNSETIFF)}, {@code read}, {@code write}, {@code poll}) go through the Foreign Function
 * &amp; Memory API: no JNI, no native library. One of the two modules of Postern
 * the launchers grant {@code --enable-native-access} (with transport-udp-linux). Exports nothing.
 */
module io.postern.handler.tun {
    requires io.postern.api;
    requires org.slf4j;

    provides io.postern.spi.PacketHandler with io.postern.handler.tun.TunPacketHandler;
}

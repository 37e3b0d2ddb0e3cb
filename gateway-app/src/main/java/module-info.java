/**
 * The Postern gateway application: finds the implementations with {@link java.util.ServiceLoader},
 * binds the configured ones with Guice, parses the wg-quick style configuration, and runs the CLI.
 * The only module that knows Guice and the only one that knows every implementation module.
 */
module io.postern.gateway {
    requires io.postern.api;
    requires io.postern.engine;
    requires org.slf4j;

    uses io.postern.spi.crypto.CryptoProvider;
    uses io.postern.spi.crypto.HandshakeProtocolFactory;
    uses io.postern.spi.SessionPolicy;
    uses io.postern.spi.Admission;
    uses io.postern.spi.PacketHandler;
    uses io.postern.spi.TransportProvider;

    provides io.postern.spi.PacketHandler with io.postern.gateway.ip.IpPacketHandler;
}

/**
 * Postern's contract: the WireGuard v1 wire messages and their strict codecs, the value types
 * (keys, endpoints, receiver indices), the gateway events, and the service provider interfaces
 * that every other module implements or consumes — {@link io.postern.spi.SessionPolicy},
 * {@link io.postern.spi.crypto.CryptoProvider}, {@link io.postern.spi.crypto.HandshakeProtocolFactory},
 * {@link io.postern.spi.TransportProvider}, {@link io.postern.spi.PacketHandler} and
 * {@link io.postern.spi.Admission}.
 *
 * <p>This module holds no implementation and depends on nothing outside {@code java.base}, so a
 * third-party plugin that compiles against it sees exactly the contract and nothing else.
 */
module io.postern.api {
    exports io.postern.key;
    exports io.postern.net;
    exports io.postern.wire;
    exports io.postern.event;
    exports io.postern.spi;
    exports io.postern.spi.crypto;
}

/**
 * The crypto SPI: the primitives of WireGuard v1 ({@link io.postern.spi.crypto.CryptoProvider})
 * and the Noise_IKpsk2 handshake built on them ({@link io.postern.spi.crypto.HandshakeProtocol}).
 * Implementations never touch sockets; per-packet failures are return values, not exceptions.
 */
package io.postern.spi.crypto;

package io.postern.spi.crypto;

import io.postern.key.StaticKeyPair;

/**
 * Creates the handshake protocol for a local static identity on top of a set of primitives.
 * Found with {@link java.util.ServiceLoader}; Postern ships one, {@code noise-ikpsk2}
 * (Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s with WireGuard's prologue, mac1/mac2 and cookies).
 * Needs a public no-argument constructor.
 */
public interface HandshakeProtocolFactory {
    /** @return the stable name, e.g. {@code "noise-ikpsk2"} */
    String name();

    /**
     * @param primitives   the crypto provider every primitive of the handshake comes from
     * @param localStatic  this node's static key pair (the responder's S_r, or the initiator's S_i)
     * @return a thread-safe protocol instance bound to that identity
     */
    HandshakeProtocol create(CryptoProvider primitives, StaticKeyPair localStatic);
}

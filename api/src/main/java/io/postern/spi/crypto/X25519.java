package io.postern.spi.crypto;

import io.postern.key.StaticKeyPair;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;

/** X25519 Diffie-Hellman (RFC 7748). Thread-safe. */
public interface X25519 {
    /** @return a fresh key pair from a cryptographically strong random source */
    StaticKeyPair generateKeyPair();

    /** @return the public key of {@code privateKey} (the private key is clamped as RFC 7748 says) */
    PublicKey publicKey(PrivateKey privateKey);

    /**
     * Computes X25519({@code privateKey}, {@code publicKey}) into {@code out[0..32)}.
     *
     * @return {@code false} when the shared secret is all zeros (a low-order public key), in which
     *         case {@code out} holds zeros and the caller must abandon the handshake
     *         (docs/protocol.md: reject an all-zero shared secret); {@code true} otherwise
     */
    boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out);
}

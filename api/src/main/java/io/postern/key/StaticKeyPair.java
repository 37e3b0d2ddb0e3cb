package io.postern.key;

import java.util.Objects;

/**
 * A static identity: a private key and its public key.
 *
 * @param privateKey the private key
 * @param publicKey  the public key derived from it
 */
public record StaticKeyPair(PrivateKey privateKey, PublicKey publicKey) {
    public StaticKeyPair {
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(publicKey, "publicKey");
    }
}

package io.postern.crypto.bc;

import io.postern.key.StaticKeyPair;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.spi.crypto.X25519;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * X25519 (RFC 7748) with Bouncy Castle's constant-time {@code rfc7748.X25519}, which clamps the
 * scalar and masks the top bit of the u-coordinate as the RFC says.
 */
final class BouncyCastleX25519 implements X25519 {
    private static final int LENGTH = org.bouncycastle.math.ec.rfc7748.X25519.POINT_SIZE;
    private final SecureRandom random = new SecureRandom();

    @Override
    public StaticKeyPair generateKeyPair() {
        byte[] priv = new byte[LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.generatePrivateKey(random, priv);
        try {
            PrivateKey privateKey = PrivateKey.of(priv);
            return new StaticKeyPair(privateKey, publicKey(privateKey));
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    @Override
    public PublicKey publicKey(PrivateKey privateKey) {
        byte[] priv = privateKey.toBytes();
        byte[] pub = new byte[LENGTH];
        org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(priv, 0, pub, 0);
        Arrays.fill(priv, (byte) 0);
        return PublicKey.of(pub);
    }

    @Override
    public boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        if (privateKey == null || publicKey == null || privateKey.length != LENGTH || publicKey.length != LENGTH) {
            Arrays.fill(out, 0, Math.min(out.length, LENGTH), (byte) 0);
            return false;
        }
        // calculateAgreement returns false exactly when the result is all zeros (a low-order point).
        return org.bouncycastle.math.ec.rfc7748.X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0);
    }
}

package io.postern.crypto.jca;

import io.postern.key.StaticKeyPair;
import io.postern.key.PrivateKey;
import io.postern.key.PublicKey;
import io.postern.spi.crypto.X25519;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/**
 * X25519 (RFC 7748) through the JDK's XDH implementation. Raw 32-byte keys are converted with
 * {@link XECPublicKeySpec} (the u-coordinate is little-endian on the wire; its top bit is masked
 * as RFC 7748 §5 says) and {@link XECPrivateKeySpec} (the JDK clamps the scalar when it uses it).
 * The JDK throws on an all-zero result (a low-order point); that becomes {@code false}.
 */
final class JcaX25519 implements X25519 {
    private static final int LENGTH = 32;
    /** RFC 7748 §4.1: the base point has u = 9. */
    private static final byte[] BASE_POINT = basePoint();

    private final ThreadLocal<KeyAgreement> agreements = ThreadLocal.withInitial(() -> {
        try {
            return KeyAgreement.getInstance("X25519");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519 KeyAgreement", e);
        }
    });
    private final ThreadLocal<KeyFactory> factories = ThreadLocal.withInitial(() -> {
        try {
            return KeyFactory.getInstance("X25519");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519 KeyFactory", e);
        }
    });

    @Override
    public StaticKeyPair generateKeyPair() {
        byte[] scalar;
        try {
            java.security.KeyPair jdk = KeyPairGenerator.getInstance("X25519").generateKeyPair();
            scalar = ((XECPrivateKey) jdk.getPrivate()).getScalar()
                    .orElseThrow(() -> new IllegalStateException("the JDK did not expose the X25519 scalar"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no X25519 KeyPairGenerator", e);
        }
        // Store the key clamped, as `wg genkey` does; X25519 clamps again on use, so nothing changes.
        scalar[0] &= (byte) 248;
        scalar[31] &= 127;
        scalar[31] |= 64;
        try {
            PrivateKey privateKey = PrivateKey.of(scalar);
            return new StaticKeyPair(privateKey, publicKey(privateKey));
        } finally {
            Arrays.fill(scalar, (byte) 0);
        }
    }

    @Override
    public PublicKey publicKey(PrivateKey privateKey) {
        byte[] priv = privateKey.toBytes();
        byte[] pub = new byte[LENGTH];
        try {
            // X25519(k, 9) is the public key; the base point is never low-order.
            if (!sharedSecret(priv, BASE_POINT, pub)) {
                throw new IllegalStateException("X25519 of the base point gave zero");
            }
            return PublicKey.of(pub);
        } finally {
            Arrays.fill(priv, (byte) 0);
        }
    }

    @Override
    public boolean sharedSecret(byte[] privateKey, byte[] publicKey, byte[] out) {
        if (privateKey == null || publicKey == null || privateKey.length != LENGTH || publicKey.length != LENGTH) {
            Arrays.fill(out, 0, Math.min(out.length, LENGTH), (byte) 0);
            return false;
        }
        try {
            KeyFactory factory = factories.get();
            java.security.PrivateKey priv = factory.generatePrivate(
                    new XECPrivateKeySpec(NamedParameterSpec.X25519, privateKey));
            java.security.PublicKey pub = factory.generatePublic(
                    new XECPublicKeySpec(NamedParameterSpec.X25519, uCoordinate(publicKey)));
            KeyAgreement agreement = agreements.get();
            agreement.init(priv);
            agreement.doPhase(pub, true);
            agreement.generateSecret(out, 0);
        } catch (GeneralSecurityException | RuntimeException e) {
            // The JDK reports an all-zero result (low-order point) as InvalidKeyException.
            Arrays.fill(out, 0, LENGTH, (byte) 0);
            return false;
        }
        int acc = 0;
        for (int i = 0; i < LENGTH; i++) {
            acc |= out[i];
        }
        return acc != 0;
    }

    /** RFC 7748 §5: decode little-endian and mask the most significant bit of the last byte. */
    private static BigInteger uCoordinate(byte[] publicKey) {
        byte[] bigEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bigEndian[i] = publicKey[LENGTH - 1 - i];
        }
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }

    private static byte[] basePoint() {
        byte[] b = new byte[LENGTH];
        b[0] = 9;
        return b;
    }
}

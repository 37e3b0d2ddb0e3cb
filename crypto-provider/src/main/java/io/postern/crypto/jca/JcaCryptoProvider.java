package io.postern.crypto.jca;

import io.postern.crypto.bc.BouncyCastleBlake2s;
import io.postern.crypto.bc.BouncyCastleXChaCha20Poly1305;
import io.postern.spi.PluginName;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.X25519;
import io.postern.spi.crypto.XAead;

/**
 * The {@code jca} provider: X25519 through the JDK's {@code KeyAgreement("X25519")} (XDH, JEP 324)
 * and ChaCha20-Poly1305 through {@code javax.crypto.Cipher("ChaCha20-Poly1305")} (JEP 329), both
 * from the JDK's own SunEC / SunJCE providers. The JDK has neither BLAKE2s nor XChaCha20, so those
 * two come from Bouncy Castle (the same classes the {@code bouncycastle} provider uses).
 */
@PluginName(JcaCryptoProvider.NAME)
public final class JcaCryptoProvider implements CryptoProvider {
    /** The name configuration selects this provider by. */
    public static final String NAME = "jca";

    private final X25519 x25519 = new JcaX25519();
    private final Aead chaCha20Poly1305 = new JcaChaCha20Poly1305();
    private final XAead xChaCha20Poly1305 = new BouncyCastleXChaCha20Poly1305();
    private final Blake2s blake2s = new BouncyCastleBlake2s();

    /** Creates the provider; ServiceLoader needs this public no-argument constructor. */
    public JcaCryptoProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "JDK (JCA) X25519 and ChaCha20-Poly1305; BLAKE2s and XChaCha20-Poly1305 from Bouncy Castle,"
                + " which the JDK lacks";
    }

    @Override
    public X25519 x25519() {
        return x25519;
    }

    @Override
    public Aead chaCha20Poly1305() {
        return chaCha20Poly1305;
    }

    @Override
    public XAead xChaCha20Poly1305() {
        return xChaCha20Poly1305;
    }

    @Override
    public Blake2s blake2s() {
        return blake2s;
    }

    @Override
    public String toString() {
        return NAME;
    }
}

package io.postern.crypto.fastest;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.crypto.jca.JcaCryptoProvider;
import io.postern.spi.PluginName;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.X25519;
import io.postern.spi.crypto.XAead;

/**
 * Each primitive from whichever provider measured faster on JDK 25 (BENCHMARKS.md, "Choice of
 * crypto provider"): X25519 from Bouncy Castle (about twice the JDK's XDH, which builds key objects
 * on every call), ChaCha20-Poly1305 from the JDK (intrinsified: about five times Bouncy Castle's
 * at 1200 bytes), BLAKE2s and XChaCha20-Poly1305 from Bouncy Castle (the JDK has neither). The
 * gateway's default.
 */
@PluginName(FastestCryptoProvider.NAME)
public final class FastestCryptoProvider implements CryptoProvider {
    /** The name configuration selects this provider by. */
    public static final String NAME = "fastest";

    private final CryptoProvider bouncyCastle = new BouncyCastleCryptoProvider();
    private final CryptoProvider jca = new JcaCryptoProvider();

    /** Creates the provider; ServiceLoader needs this public no-argument constructor. */
    public FastestCryptoProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the faster implementation of each primitive as measured: X25519, BLAKE2s and XChaCha20-Poly1305"
                + " from Bouncy Castle, ChaCha20-Poly1305 from the JDK";
    }

    @Override
    public X25519 x25519() {
        return bouncyCastle.x25519();
    }

    @Override
    public Aead chaCha20Poly1305() {
        return jca.chaCha20Poly1305();
    }

    @Override
    public XAead xChaCha20Poly1305() {
        return bouncyCastle.xChaCha20Poly1305();
    }

    @Override
    public Blake2s blake2s() {
        return bouncyCastle.blake2s();
    }

    @Override
    public String toString() {
        return NAME;
    }
}

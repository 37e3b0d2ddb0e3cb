package io.postern.crypto.fastest;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.crypto.jca.JcaCryptoProvider;
import io.postern.crypto.jca.SplitChaCha20Poly1305;
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
 * at 1200 bytes) where the JDK's Poly1305 is an intrinsic, else the JDK's ChaCha20 with our own
 * Poly1305 ({@link Poly1305Choice} says which and why), BLAKE2s and XChaCha20-Poly1305 from Bouncy
 * Castle (the JDK has neither). The gateway's default.
 */
@PluginName(FastestCryptoProvider.NAME)
public final class FastestCryptoProvider implements CryptoProvider {
    /** The name configuration selects this provider by. */
    public static final String NAME = "fastest";

    private final CryptoProvider bouncyCastle = new BouncyCastleCryptoProvider();
    private final Aead chaCha20Poly1305;
    private final Poly1305Choice poly1305;

    /** Creates the provider; ServiceLoader needs this public no-argument constructor. */
    public FastestCryptoProvider() {
        this(Poly1305Choice.forThisMachine());
    }

    /** With the ChaCha20-Poly1305 chosen by the caller (tests: both choices on any CPU). */
    FastestCryptoProvider(Poly1305Choice poly1305) {
        this.poly1305 = poly1305;
        this.chaCha20Poly1305 = switch (poly1305) {
            case JDK -> new JcaCryptoProvider().chaCha20Poly1305();
            case SPLIT -> new SplitChaCha20Poly1305();
        };
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the faster implementation of each primitive as measured: X25519, BLAKE2s and XChaCha20-Poly1305"
                + " from Bouncy Castle, ChaCha20-Poly1305 from the JDK"
                + (poly1305 == Poly1305Choice.SPLIT ? " (its ChaCha20 with Postern's Poly1305, as this CPU lacks"
                        + " the JDK's Poly1305 intrinsic)" : "");
    }

    @Override
    public X25519 x25519() {
        return bouncyCastle.x25519();
    }

    @Override
    public Aead chaCha20Poly1305() {
        return chaCha20Poly1305;
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

package io.postern.crypto.bc;

import io.postern.spi.PluginName;
import io.postern.spi.crypto.Aead;
import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.X25519;
import io.postern.spi.crypto.XAead;

/**
 * The {@code bouncycastle} provider: X25519 ({@code org.bouncycastle.math.ec.rfc7748.X25519}),
 * ChaCha20-Poly1305 and XChaCha20-Poly1305 ({@code org.bouncycastle.crypto.modes}) and BLAKE2s
 * ({@code Blake2sDigest}), all from Bouncy Castle's lightweight API, no JCA provider registered.
 */
@PluginName(BouncyCastleCryptoProvider.NAME)
public final class BouncyCastleCryptoProvider implements CryptoProvider {
    /** The name configuration selects this provider by. */
    public static final String NAME = "bouncycastle";

    private final X25519 x25519 = new BouncyCastleX25519();
    private final Aead chaCha20Poly1305 = new BouncyCastleChaCha20Poly1305();
    private final XAead xChaCha20Poly1305 = new BouncyCastleXChaCha20Poly1305();
    private final Blake2s blake2s = new BouncyCastleBlake2s();

    /** Creates the provider; ServiceLoader needs this public no-argument constructor. */
    public BouncyCastleCryptoProvider() {}

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Bouncy Castle for every primitive: X25519, ChaCha20-Poly1305, XChaCha20-Poly1305, BLAKE2s";
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

package io.postern.crypto.fastest;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.crypto.jca.SplitChaCha20Poly1305;
import io.postern.crypto.primitive.CryptoProviderContract;
import io.postern.spi.crypto.CryptoProvider;
import org.junit.jupiter.api.Test;

/**
 * The {@code fastest} provider as it is on a CPU without the JDK's Poly1305 intrinsic, whatever
 * CPU runs the test: the whole provider contract (RFC 8439, Wycheproof and zinc vectors) on the
 * split ChaCha20-Poly1305.
 */
class FastestSplitAeadTest extends CryptoProviderContract {
    @Override
    protected CryptoProvider provider() {
        return new FastestCryptoProvider(Poly1305Choice.SPLIT);
    }

    @Test
    void usesTheSplitAead() {
        assertThat(provider().chaCha20Poly1305()).isInstanceOf(SplitChaCha20Poly1305.class);
        assertThat(provider().description()).contains("Postern's Poly1305");
    }
}

package io.postern.crypto.fastest;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.crypto.jca.JcaCryptoProvider;
import io.postern.crypto.jca.SplitChaCha20Poly1305;
import io.postern.crypto.primitive.CryptoProviderContract;
import io.postern.spi.crypto.CryptoProvider;
import org.junit.jupiter.api.Test;

/**
 * The composite passes the provider contract and takes each primitive from the provider chosen by
 * measurement (its service declarations are checked in {@code WireGuardHandshakeTest}).
 */
class FastestCryptoProviderTest extends CryptoProviderContract {
    @Override
    protected CryptoProvider provider() {
        return new FastestCryptoProvider();
    }

    @Test
    void takesEachPrimitiveFromTheProviderMeasuredFaster() {
        CryptoProvider fastest = new FastestCryptoProvider();
        assertThat(fastest.x25519()).hasSameClassAs(new BouncyCastleCryptoProvider().x25519());
        assertThat(fastest.chaCha20Poly1305()).hasSameClassAs(switch (Poly1305Choice.forThisMachine()) {
            case JDK -> new JcaCryptoProvider().chaCha20Poly1305();
            case SPLIT -> new SplitChaCha20Poly1305();
        });
        assertThat(fastest.blake2s()).hasSameClassAs(new BouncyCastleCryptoProvider().blake2s());
        assertThat(fastest.xChaCha20Poly1305()).hasSameClassAs(new BouncyCastleCryptoProvider().xChaCha20Poly1305());
    }
}

package io.postern.crypto.noise;

import io.postern.crypto.fastest.FastestCryptoProvider;
import io.postern.spi.crypto.CryptoProvider;

class NoiseHandshakeOverFastestTest extends NoiseHandshakeContract {
    @Override
    protected CryptoProvider provider() {
        return new FastestCryptoProvider();
    }
}

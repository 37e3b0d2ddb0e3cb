package io.postern.crypto.noise;

import io.postern.crypto.jca.JcaCryptoProvider;
import io.postern.spi.crypto.CryptoProvider;

class NoiseHandshakeOverJcaTest extends NoiseHandshakeContract {
    @Override
    protected CryptoProvider provider() {
        return new JcaCryptoProvider();
    }
}

package io.postern.crypto.noise;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.spi.crypto.CryptoProvider;

class NoiseHandshakeOverBouncyCastleTest extends NoiseHandshakeContract {
    @Override
    protected CryptoProvider provider() {
        return new BouncyCastleCryptoProvider();
    }
}

package io.postern.crypto.bc;

import io.postern.crypto.primitive.CryptoProviderContract;
import io.postern.spi.crypto.CryptoProvider;

class BouncyCastleCryptoProviderTest extends CryptoProviderContract {
    @Override
    protected CryptoProvider provider() {
        return new BouncyCastleCryptoProvider();
    }
}

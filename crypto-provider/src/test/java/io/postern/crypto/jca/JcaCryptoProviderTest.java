package io.postern.crypto.jca;

import io.postern.crypto.primitive.CryptoProviderContract;
import io.postern.spi.crypto.CryptoProvider;

class JcaCryptoProviderTest extends CryptoProviderContract {
    @Override
    protected CryptoProvider provider() {
        return new JcaCryptoProvider();
    }
}

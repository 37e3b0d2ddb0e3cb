package io.postern.engine;

import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.util.ServiceLoader;

/**
 * The real providers of the crypto-provider module (a test-scope dependency), found with
 * {@link ServiceLoader} from test code: the engine's main code never names them.
 */
final class RealCrypto {
    private RealCrypto() {}

    static CryptoProvider provider() {
        Module self = RealCrypto.class.getModule();
        self.addUses(CryptoProvider.class); // tests are patched into io.postern.engine, which declares no `uses`
        for (CryptoProvider p : ServiceLoader.load(CryptoProvider.class, RealCrypto.class.getClassLoader())) {
            if (p.name().equals("bouncycastle")) {
                return p;
            }
        }
        throw new IllegalStateException("no 'bouncycastle' CryptoProvider on the test class/module path");
    }

    static HandshakeProtocolFactory handshakes() {
        RealCrypto.class.getModule().addUses(HandshakeProtocolFactory.class);
        for (HandshakeProtocolFactory f : ServiceLoader.load(HandshakeProtocolFactory.class,
                RealCrypto.class.getClassLoader())) {
            if (f.name().equals("noise-ikpsk2")) {
                return f;
            }
        }
        throw new IllegalStateException("no 'noise-ikpsk2' HandshakeProtocolFactory on the test class/module path");
    }
}

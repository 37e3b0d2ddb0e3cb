package io.postern.bench.load;

import io.postern.engine.EngineServices;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * The real plugins, found through {@link ServiceLoader} on the class path (META-INF/services), the
 * way the gateway finds them on the module path. Loaded once: engines share the instances.
 */
final class ClassPathPlugins {
    final CryptoProvider crypto;
    final HandshakeProtocolFactory handshakes;
    final SessionPolicy policy;
    final Admission allowlist;

    ClassPathPlugins(String cryptoProvider) {
        crypto = byName(CryptoProvider.class, CryptoProvider::name, cryptoProvider);
        handshakes = byName(HandshakeProtocolFactory.class, HandshakeProtocolFactory::name, "noise-ikpsk2");
        policy = byName(SessionPolicy.class, SessionPolicy::name, "reset-on-identity-change");
        allowlist = byName(Admission.class, Admission::name, "allowlist");
    }

    /** @return the services of an initiating peer: allowlist admission (it talks to its gateway only) */
    EngineServices peerServices(PacketHandler handler) {
        return new EngineServices(crypto, handshakes, policy, allowlist, handler);
    }

    static <T> T byName(Class<T> type, Function<T, String> name, String wanted) {
        for (T candidate : ServiceLoader.load(type)) {
            if (name.apply(candidate).equals(wanted)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " named " + wanted);
    }
}

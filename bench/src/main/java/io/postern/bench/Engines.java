package io.postern.bench;

import io.postern.engine.EngineServices;
import io.postern.engine.EngineSettings;
import io.postern.engine.SessionEngine;
import io.postern.key.StaticKeyPair;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.time.Clock;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Builds real {@link SessionEngine}s for benchmarks, with every plugin found by name through
 * {@link ServiceLoader} on the class path (as the gateway finds them on the module path), no timer
 * thread (benchmarks drive time through {@link SessionEngine#tick()} if at all), handshakes processed
 * inline on the calling thread (deterministic) and room for a million dynamic peers.
 */
public final class Engines {
    private Engines() {}

    /**
     * @param crypto    CryptoProvider name
     * @param admission Admission name ({@code open} for a gateway, {@code allowlist} for a peer)
     * @param handler   the packet handler
     */
    public static SessionEngine create(String crypto, String admission, PacketHandler handler) {
        CryptoProvider provider = byName(CryptoProvider.class, CryptoProvider::name, crypto);
        SessionPolicy policy = byName(SessionPolicy.class, SessionPolicy::name, "reset-on-identity-change");
        EngineServices services = new EngineServices(provider,
                byName(HandshakeProtocolFactory.class, HandshakeProtocolFactory::name, "noise-ikpsk2"),
                policy, byName(Admission.class, Admission::name, admission), handler);
        StaticKeyPair identity = provider.x25519().generateKeyPair();
        EngineSettings defaults = EngineSettings.defaults();
        return new SessionEngine(identity, services, Clock.systemUTC(), defaults
                .withPeerBounds(1 << 20, defaults.maxHalfOpenHandshakes()).withoutTimerThread().withInlineHandshakes());
    }

    /** @return the {@code PacketHandler} named {@code name} (e.g. {@code echo}) */
    public static PacketHandler handler(String name) {
        return byName(PacketHandler.class, PacketHandler::name, name);
    }

    /** @return the plugin of {@code type} named {@code wanted} */
    public static <T> T byName(Class<T> type, Function<T, String> name, String wanted) {
        for (T candidate : ServiceLoader.load(type)) {
            if (name.apply(candidate).equals(wanted)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("no " + type.getSimpleName() + " named " + wanted);
    }
}

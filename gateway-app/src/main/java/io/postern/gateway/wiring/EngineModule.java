package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Scopes;
import io.postern.engine.EngineServices;
import io.postern.engine.OnPolicyFault;
import io.postern.engine.SessionEngine;
import io.postern.key.StaticKeyPair;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.time.Clock;

/**
 * Builds the one {@link SessionEngine} of a node from its identity, its clock and the SPIs that
 * {@link PluginModule} binds.
 *
 * <p>Bound in {@link #configure()} with providers and {@link Scopes#SINGLETON}, not with {@code @Provides
 * @Singleton} methods: reading those annotations made the JVM generate a proxy class per annotation type
 * (and Guice call the methods reflectively), ~20 ms of a cold start in interpreted code (issue 17).
 */
public final class EngineModule extends AbstractModule {
    private final StaticKeyPair identity;
    private final Clock clock;
    private final OnPolicyFault onPolicyFault;

    /**
     * @param identity       the node's static key pair
     * @param clock          the engine's clock
     * @param onPolicyFault  what applies when the selected policy faults ({@code OnPolicyFault})
     */
    public EngineModule(StaticKeyPair identity, Clock clock, OnPolicyFault onPolicyFault) {
        this.identity = identity;
        this.clock = clock;
        this.onPolicyFault = onPolicyFault;
    }

    @Override
    protected void configure() {
        Provider<CryptoProvider> crypto = getProvider(CryptoProvider.class);
        Provider<HandshakeProtocolFactory> handshakes = getProvider(HandshakeProtocolFactory.class);
        Provider<SessionPolicy> policy = getProvider(SessionPolicy.class);
        Provider<Admission> admission = getProvider(Admission.class);
        Provider<PacketHandler> handler = getProvider(PacketHandler.class);
        bind(EngineServices.class).toProvider((Provider<EngineServices>) () -> new EngineServices(crypto.get(),
                handshakes.get(), policy.get(), onPolicyFault, admission.get(), handler.get())).in(Scopes.SINGLETON);
        Provider<EngineServices> services = getProvider(EngineServices.class);
        bind(SessionEngine.class).toProvider((Provider<SessionEngine>) () -> new SessionEngine(identity, services.get(), clock))
                .in(Scopes.SINGLETON);
    }
}

package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.postern.engine.EngineServices;
import io.postern.engine.OnPolicyFault;
import io.postern.engine.SessionEngine;
import io.postern.key.StaticKeyPair;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Builds the one {@link SessionEngine} of a node from its identity, its clock and the SPIs that
 * {@link PluginModule} binds.
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

    @Provides
    @Singleton
    EngineServices services(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                            Admission admission, PacketHandler handler) {
        return new EngineServices(crypto, handshakes, policy, onPolicyFault, admission, handler);
    }

    @Provides
    @Singleton
    SessionEngine engine(EngineServices services) {
        return new SessionEngine(identity, services, clock);
    }
}

package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.postern.engine.EngineServices;
import io.postern.engine.SessionEngine;
import io.postern.key.StaticKeyPair;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Provides the {@link SessionEngine} from the bindings of the other modules. */
public final class EngineModule extends AbstractModule {

    /** Creates the module. */
    public EngineModule() {}

    @Provides
    @Singleton
    EngineServices services(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                            @Fallback SessionPolicy fallback, Admission admission, PacketHandler handler) {
        return new EngineServices(crypto, handshakes, policy, fallback, admission, handler);
    }

    @Provides
    @Singleton
    SessionEngine engine(StaticKeyPair identity, EngineServices services, Clock clock) {
        return new SessionEngine(identity, services, clock);
    }
}

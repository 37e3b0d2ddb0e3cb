package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.key.StaticKeyPair;
import java.time.Clock;

/** Binds the node's static identity and its clock. */
public final class IdentityModule extends AbstractModule {
    private final StaticKeyPair identity;
    private final Clock clock;

    /**
     * @param identity the node's key pair
     * @param clock    the engine's clock
     */
    public IdentityModule(StaticKeyPair identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    protected void configure() {
        bind(StaticKeyPair.class).toInstance(identity);
        bind(Clock.class).toInstance(clock);
    }
}

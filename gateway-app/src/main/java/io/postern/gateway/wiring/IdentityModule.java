package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.key.KeyPair;
import java.time.Clock;

/** Binds the node's static identity and its clock. */
public final class IdentityModule extends AbstractModule {
    private final KeyPair identity;
    private final Clock clock;

    /**
     * @param identity the node's key pair
     * @param clock    the engine's clock
     */
    public IdentityModule(KeyPair identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    protected void configure() {
        bind(KeyPair.class).toInstance(identity);
        bind(Clock.class).toInstance(clock);
    }
}

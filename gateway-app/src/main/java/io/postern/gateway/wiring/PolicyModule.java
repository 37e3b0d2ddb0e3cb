package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.SessionPolicy;

/** Binds the selected session policy and, as {@link Fallback}, the one applied when it faults. */
public final class PolicyModule extends AbstractModule {
    private final SessionPolicy policy;
    private final SessionPolicy fallback;

    /**
     * @param policy   the selected policy
     * @param fallback the default policy, applied when {@code policy} throws or returns null
     */
    public PolicyModule(SessionPolicy policy, SessionPolicy fallback) {
        this.policy = policy;
        this.fallback = fallback;
    }

    @Override
    protected void configure() {
        bind(SessionPolicy.class).toInstance(policy);
        bind(SessionPolicy.class).annotatedWith(Fallback.class).toInstance(fallback);
    }
}

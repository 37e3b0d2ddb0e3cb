package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.engine.OnPolicyFault;
import io.postern.spi.SessionPolicy;

/** Binds the selected session policy and what applies when it faults ({@code OnPolicyFault}). */
public final class PolicyModule extends AbstractModule {
    private final SessionPolicy policy;
    private final OnPolicyFault onFault;

    /**
     * @param policy  the selected policy
     * @param onFault what applies when {@code policy} throws, answers null or misses its time budget
     */
    public PolicyModule(SessionPolicy policy, OnPolicyFault onFault) {
        this.policy = policy;
        this.onFault = onFault;
    }

    @Override
    protected void configure() {
        bind(SessionPolicy.class).toInstance(policy);
        bind(OnPolicyFault.class).toInstance(onFault);
    }
}

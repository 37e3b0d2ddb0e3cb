package io.postern.policy;

import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

class ResetOnIdentityChangePolicyTest extends SessionPolicyContractTest {
    @Override
    protected SessionPolicy create() {
        return new ResetOnIdentityChangePolicy();
    }

    @Override
    protected String expectedName() {
        return "reset-on-identity-change";
    }

    @Override
    protected PolicyDecision expectedDecision() {
        return PolicyDecision.ACCEPT_AND_RESET_AFTER_CONFIRMATION;
    }
}

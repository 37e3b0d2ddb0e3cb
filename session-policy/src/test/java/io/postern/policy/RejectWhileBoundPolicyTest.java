package io.postern.policy;

import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

class RejectWhileBoundPolicyTest extends SessionPolicyContractTest {
    @Override
    protected SessionPolicy create() {
        return new RejectWhileBoundPolicy();
    }

    @Override
    protected String expectedName() {
        return "reject-while-bound";
    }

    @Override
    protected PolicyDecision expectedDecision() {
        return PolicyDecision.REJECT;
    }
}

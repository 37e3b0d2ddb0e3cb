package io.postern.policy;

import io.postern.spi.PolicyDecision;
import io.postern.spi.SessionPolicy;

class KeepBothPolicyTest extends SessionPolicyContractTest {
    @Override
    protected SessionPolicy create() {
        return new KeepBothPolicy();
    }

    @Override
    protected String expectedName() {
        return "keep-both";
    }

    @Override
    protected PolicyDecision expectedDecision() {
        return PolicyDecision.ACCEPT_AND_KEEP_BOTH;
    }
}

package io.postern.policy.admission;

import io.postern.spi.Admission;

class AllowlistAdmissionTest extends AdmissionContractTest {
    @Override
    protected Admission create() {
        return new AllowlistAdmission();
    }

    @Override
    protected String expectedName() {
        return "allowlist";
    }

    @Override
    protected boolean admitsUnconfigured() {
        return false;
    }
}

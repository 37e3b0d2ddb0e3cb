package io.postern.policy.admission;

import io.postern.spi.Admission;

class OpenAdmissionTest extends AdmissionContractTest {
    @Override
    protected Admission create() {
        return new OpenAdmission();
    }

    @Override
    protected String expectedName() {
        return "open";
    }

    @Override
    protected boolean admitsUnconfigured() {
        return true;
    }
}

package io.postern.engine;

import io.postern.key.PublicKey;
import io.postern.spi.Admission;

/** Test admissions: open (anyone) or allowlist (configured peers only). */
record TestAdmission(boolean open) implements Admission {
    static final TestAdmission OPEN = new TestAdmission(true);
    static final TestAdmission ALLOWLIST = new TestAdmission(false);

    @Override
    public String name() {
        return open ? "open" : "allowlist";
    }

    @Override
    public String description() {
        return open ? "any key" : "configured peers only";
    }

    @Override
    public boolean admits(PublicKey key, boolean configured) {
        return open || configured;
    }
}

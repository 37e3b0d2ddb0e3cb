package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.Admission;

/** Binds the selected admission rule. */
public final class AdmissionModule extends AbstractModule {
    private final Admission admission;

    /** @param admission the selected rule */
    public AdmissionModule(Admission admission) {
        this.admission = admission;
    }

    @Override
    protected void configure() {
        bind(Admission.class).toInstance(admission);
    }
}

package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.TransportProvider;

/** Binds the selected transport provider (binding a socket is the node's job, not a module's). */
public final class TransportModule extends AbstractModule {
    private final TransportProvider transports;

    /** @param transports the selected provider */
    public TransportModule(TransportProvider transports) {
        this.transports = transports;
    }

    @Override
    protected void configure() {
        bind(TransportProvider.class).toInstance(transports);
    }
}

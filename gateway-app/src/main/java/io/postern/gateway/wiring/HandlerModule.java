package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.PacketHandler;

/** Binds the selected packet handler. */
public final class HandlerModule extends AbstractModule {
    private final PacketHandler handler;

    /** @param handler the selected (or given) handler */
    public HandlerModule(PacketHandler handler) {
        this.handler = handler;
    }

    @Override
    protected void configure() {
        bind(PacketHandler.class).toInstance(handler);
    }
}

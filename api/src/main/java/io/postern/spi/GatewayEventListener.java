package io.postern.spi;

/** Receives gateway events. Called synchronously on the thread that caused the event: be quick. */
@FunctionalInterface
public interface GatewayEventListener {
    /** @param event what happened */
    void onEvent(GatewayEvent event);
}

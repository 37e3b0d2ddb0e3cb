package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;

/** Binds the selected crypto provider and handshake protocol factory. */
public final class CryptoModule extends AbstractModule {
    private final CryptoProvider crypto;
    private final HandshakeProtocolFactory handshakes;

    /**
     * @param crypto     the selected primitives
     * @param handshakes the selected handshake protocol
     */
    public CryptoModule(CryptoProvider crypto, HandshakeProtocolFactory handshakes) {
        this.crypto = crypto;
        this.handshakes = handshakes;
    }

    @Override
    protected void configure() {
        bind(CryptoProvider.class).toInstance(crypto);
        bind(HandshakeProtocolFactory.class).toInstance(handshakes);
    }
}

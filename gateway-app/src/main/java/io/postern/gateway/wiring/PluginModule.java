package io.postern.gateway.wiring;

import com.google.inject.AbstractModule;
import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.TransportProvider;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;

/** Binds each SPI to the implementation the configuration selected by name (no logic, no I/O). */
public final class PluginModule extends AbstractModule {
    private final CryptoProvider crypto;
    private final HandshakeProtocolFactory handshakes;
    private final SessionPolicy policy;
    private final Admission admission;
    private final PacketHandler handler;
    private final TransportProvider transports;

    /** The selected implementations, one per SPI. */
    public PluginModule(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                        Admission admission, PacketHandler handler, TransportProvider transports) {
        this.crypto = crypto;
        this.handshakes = handshakes;
        this.policy = policy;
        this.admission = admission;
        this.handler = handler;
        this.transports = transports;
    }

    @Override
    protected void configure() {
        bind(CryptoProvider.class).toInstance(crypto);
        bind(HandshakeProtocolFactory.class).toInstance(handshakes);
        bind(SessionPolicy.class).toInstance(policy);
        bind(Admission.class).toInstance(admission);
        bind(PacketHandler.class).toInstance(handler);
        bind(TransportProvider.class).toInstance(transports);
    }
}

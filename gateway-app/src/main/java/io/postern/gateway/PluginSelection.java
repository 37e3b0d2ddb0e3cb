package io.postern.gateway;

import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.TransportProvider;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;

/**
 * The implementations one node uses, chosen by name from a {@link PluginRegistry}.
 *
 * @param crypto         the crypto provider
 * @param handshakes     the handshake protocol factory
 * @param policy         the session policy
 * @param admission      the admission rule
 * @param handler        the packet handler
 * @param transports     the transport providers, in the order configured (at least one)
 */
record PluginSelection(CryptoProvider crypto, HandshakeProtocolFactory handshakes, SessionPolicy policy,
                       Admission admission, PacketHandler handler,
                       java.util.List<TransportProvider> transports) {
    PluginSelection {
        transports = java.util.List.copyOf(transports);
    }

    /** @return the first transport configured (the one {@code ListenPort} is shown for) */
    TransportProvider transport() {
        return transports.getFirst();
    }
}

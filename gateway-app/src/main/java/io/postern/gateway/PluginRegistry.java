package io.postern.gateway;

import io.postern.spi.Admission;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.TransportProvider;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Every plugin on the module path, per SPI, by name: the only place that calls
 * {@link ServiceLoader}. Loading checks names (no blank or duplicate names); selecting an unknown
 * name fails with the list of available ones. Immutable once loaded.
 *
 * @param crypto     CryptoProviders
 * @param handshakes HandshakeProtocolFactories
 * @param policies   SessionPolicies
 * @param admissions Admission rules
 * @param handlers   PacketHandlers
 * @param transports TransportProviders
 */
record PluginRegistry(NamedPlugins<CryptoProvider> crypto, NamedPlugins<HandshakeProtocolFactory> handshakes,
                      NamedPlugins<SessionPolicy> policies, NamedPlugins<Admission> admissions,
                      NamedPlugins<PacketHandler> handlers, NamedPlugins<TransportProvider> transports) {

    /**
     * Loads every provider of every SPI this module {@code uses}.
     *
     * @throws ConfigException on a duplicate or blank name
     * @throws java.util.ServiceConfigurationError when a provider cannot be instantiated
     */
    static PluginRegistry load() {
        return new PluginRegistry(
                NamedPlugins.of("CryptoProvider", ServiceLoader.load(CryptoProvider.class),
                        CryptoProvider::name, CryptoProvider::description),
                NamedPlugins.of("Handshake", ServiceLoader.load(HandshakeProtocolFactory.class),
                        HandshakeProtocolFactory::name, f -> "the handshake protocol " + f.name()),
                NamedPlugins.of("SessionPolicy", ServiceLoader.load(SessionPolicy.class),
                        SessionPolicy::name, SessionPolicy::description),
                NamedPlugins.of("Admission", ServiceLoader.load(Admission.class),
                        Admission::name, Admission::description),
                NamedPlugins.of("Handler", ServiceLoader.load(PacketHandler.class),
                        PacketHandler::name, PacketHandler::description),
                NamedPlugins.of("Transport", ServiceLoader.load(TransportProvider.class),
                        TransportProvider::name, TransportProvider::description));
    }

    /** @return every SPI's plugins, in the order {@code postern policies} lists them */
    List<NamedPlugins<?>> all() {
        return List.of(policies, admissions, handlers, crypto, handshakes, transports);
    }

    /**
     * Picks the implementations a configuration names, checking every name before anything starts.
     * The fallback policy (applied when the chosen policy faults) is the default policy.
     *
     * @throws ConfigException naming the first unknown plugin and what is available
     */
    PluginSelection select(NodeConfig config) {
        return new PluginSelection(
                crypto.select(config.cryptoProvider()),
                handshakes.select(config.handshake()),
                policies.select(config.sessionPolicy()),
                policies.select(NodeConfig.DEFAULT_SESSION_POLICY),
                admissions.select(config.admission()),
                config.handlerInstance() != null ? config.handlerInstance() : handlers.select(config.handler()),
                transports.select(config.transport()));
    }
}

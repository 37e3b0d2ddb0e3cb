package io.postern.gateway;

import io.postern.spi.Admission;
import io.postern.spi.Configurable;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginConfigException;
import io.postern.spi.PacketHandler;
import io.postern.spi.SessionPolicy;
import io.postern.spi.TransportProvider;
import io.postern.spi.crypto.CryptoProvider;
import io.postern.spi.crypto.HandshakeProtocolFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every plugin on the module path and in the plugins directory, per SPI, by name: the only place
 * that calls {@link ServiceLoader}. Loading checks names (no blank or duplicate names); selecting an
 * unknown name fails with the list of available ones. Immutable once loaded.
 *
 * <p>Third-party jars of the plugins directory ({@link PluginDirectory}, each in a module layer of
 * its own) may provide {@link SessionPolicy}, {@link PacketHandler} and {@link TransportProvider} implementations. A jar is
 * refused as a whole — logged as a warning, never fatal by itself — when one of its provider
 * classes cannot be loaded, has no {@link io.postern.spi.PluginName}, or takes a name that is
 * already taken; a configuration that names a missing plugin then fails with the refused jars and
 * their reasons in its message.
 *
 * <p>Nothing is created while loading: names come from the provider classes' {@code @PluginName},
 * and {@link #select} creates only the providers a configuration names, so an installed plugin the
 * configuration does not select runs no code. A selected provider that cannot be created fails the
 * selection with its class, its jar and the cause.
 *
 * @param crypto     CryptoProviders
 * @param handshakes HandshakeProtocolFactories
 * @param policies   SessionPolicies
 * @param admissions Admission rules
 * @param handlers   PacketHandlers
 * @param transports TransportProviders
 * @param refused    the plugin jars that were not loaded, with the reason
 */
record PluginRegistry(NamedPlugins<CryptoProvider> crypto, NamedPlugins<HandshakeProtocolFactory> handshakes,
                      NamedPlugins<SessionPolicy> policies, NamedPlugins<Admission> admissions,
                      NamedPlugins<PacketHandler> handlers, NamedPlugins<TransportProvider> transports,
                      List<RefusedPlugin> refused) {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);
    /** The key of a transport's section that says where it listens; the gateway's, not the plugin's. */
    static final String LISTEN = "Listen";

    /**
     * Loads every provider of every SPI this module {@code uses}, from the module path only.
     *
     * @throws ConfigException on a duplicate or blank name
     * @throws java.util.ServiceConfigurationError when a provider cannot be instantiated
     */
    static PluginRegistry load() {
        return load(PluginDirectory.NONE);
    }

    /**
     * Loads the module path's providers, then the plugin jars of {@code pluginsDir} (none when it
     * is null or missing); a bad plugin jar is refused with a warning.
     */
    static PluginRegistry load(Path pluginsDir) {
        return load(PluginDirectory.open(pluginsDir));
    }

    /**
     * Finds the module path's providers, then the SessionPolicy, PacketHandler and TransportProvider
     * providers of every layer of {@code plugins}, by the {@link io.postern.spi.PluginName} of their
     * classes: none is created here (see {@link NamedPlugins#select}).
     *
     * @throws ConfigException on a duplicate, blank or missing name among the module path's providers
     * @throws java.util.ServiceConfigurationError when a provider class of the module path cannot be loaded
     */
    static PluginRegistry load(PluginDirectory plugins) {
        List<NamedPlugins.Provided<SessionPolicy>> policies = builtIn("SessionPolicy", SessionPolicy.class);
        List<NamedPlugins.Provided<PacketHandler>> handlers = builtIn("Handler", PacketHandler.class);
        List<NamedPlugins.Provided<TransportProvider>> transports = builtIn("Transport", TransportProvider.class);
        Map<String, String> policyOwners = owners(policies);
        Map<String, String> handlerOwners = owners(handlers);
        Map<String, String> transportOwners = owners(transports);

        List<RefusedPlugin> refused = new ArrayList<>(plugins.refused());
        for (PluginLayer plugin : plugins.layers()) {
            try {
                String owner = "plugin " + plugin.jar().getFileName();
                var p = providers(plugin, "SessionPolicy", SessionPolicy.class, owner);
                var h = providers(plugin, "Handler", PacketHandler.class, owner);
                var t = providers(plugin, "Transport", TransportProvider.class, owner);
                Map<String, String> newPolicies = claim("SessionPolicy", p, policyOwners, owner);
                Map<String, String> newHandlers = claim("Handler", h, handlerOwners, owner);
                Map<String, String> newTransports = claim("Transport", t, transportOwners, owner);
                for (NamedPlugins.Provided<TransportProvider> tp : t) {
                    if (!io.postern.net.Endpoint.isTransportName(tp.name())) {
                        throw new ConfigException("Transport name '" + tp.name() + "' of " + tp.type().getName()
                                + " is not a transport name (lower-case letters, digits, '.', '_', '-')");
                    }
                }
                policies.addAll(p);
                handlers.addAll(h);
                transports.addAll(t);
                policyOwners.putAll(newPolicies);
                handlerOwners.putAll(newHandlers);
                transportOwners.putAll(newTransports);
                LOG.info("plugin loaded jar={} module={} policies={} handlers={} transports={}", plugin.jar(),
                        plugin.module().getName(), newPolicies.keySet(), newHandlers.keySet(), newTransports.keySet());
            } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
                // ServiceConfigurationError (a provider class not found, not public...), the name checks
                String reason = e instanceof ConfigException ? e.getMessage() : PluginDirectory.oneLine(e);
                refused.add(new RefusedPlugin(plugin.jar(), reason));
            }
        }
        for (RefusedPlugin r : refused) {
            LOG.warn("plugin refused jar={} reason={}", r.jar(), r.reason());
        }
        return new PluginRegistry(
                NamedPlugins.provided("CryptoProvider", builtIn("CryptoProvider", CryptoProvider.class),
                        CryptoProvider::name, CryptoProvider::description),
                NamedPlugins.provided("Handshake", builtIn("Handshake", HandshakeProtocolFactory.class),
                        HandshakeProtocolFactory::name, f -> "the handshake protocol " + f.name()),
                NamedPlugins.provided("SessionPolicy", policies, SessionPolicy::name, SessionPolicy::description),
                NamedPlugins.provided("Admission", builtIn("Admission", Admission.class),
                        Admission::name, Admission::description),
                NamedPlugins.provided("Handler", handlers, PacketHandler::name, PacketHandler::description),
                NamedPlugins.provided("Transport", transports,
                        TransportProvider::name, TransportProvider::description),
                List.copyOf(refused));
    }

    /** @return the module path's providers of {@code spi}, named by their classes, none created */
    private static <T> List<NamedPlugins.Provided<T>> builtIn(String kind, Class<T> spi) {
        return ServiceLoader.load(spi).stream()
                .map(p -> provided(kind, p, "built in"))
                .collect(Collectors.toCollection(ArrayList::new));
    }

    /** @return the providers of {@code spi} defined in the plugin's own layer (not its parents'), none created */
    private static <T> List<NamedPlugins.Provided<T>> providers(PluginLayer plugin, String kind, Class<T> spi, String owner) {
        return ServiceLoader.load(plugin.layer(), spi).stream()
                .filter(p -> p.type().getModule().getLayer() == plugin.layer())
                .map(p -> provided(kind, p, owner))
                .toList();
    }

    private static <T> NamedPlugins.Provided<T> provided(String kind, ServiceLoader.Provider<T> provider, String origin) {
        return new NamedPlugins.Provided<>(NamedPlugins.declaredName(kind, provider.type()), provider.type(), origin, provider::get);
    }

    /** @return name to "built in: class" for the module path's providers */
    private static <T> Map<String, String> owners(List<NamedPlugins.Provided<T>> builtIn) {
        return builtIn.stream().collect(Collectors.toMap(NamedPlugins.Provided::name, p -> "built in: " + p.type().getName(),
                (a, b) -> a, HashMap::new));
    }

    /**
     * @return the names {@code found} takes, each to {@code owner}
     * @throws ConfigException when a name is taken by another plugin or built in, or used twice
     */
    private static <T> Map<String, String> claim(String kind, List<NamedPlugins.Provided<T>> found,
                                                 Map<String, String> taken, String owner) {
        Map<String, String> claimed = new HashMap<>();
        for (NamedPlugins.Provided<T> plugin : found) {
            String n = plugin.name();
            String other = taken.containsKey(n) ? taken.get(n) : claimed.containsKey(n) ? owner : null;
            if (other != null) {
                throw new ConfigException(kind + " name '" + n + "' of " + plugin.type().getName()
                        + " is already taken (" + other + ")");
            }
            claimed.put(n, owner);
        }
        return claimed;
    }

    /** @return every SPI's plugins, in the order {@code postern policies} lists them */
    List<NamedPlugins<?>> all() {
        return List.of(policies, admissions, handlers, crypto, handshakes, transports);
    }

    /**
     * Picks the implementations a configuration names, checking every name before anything starts.
     *
     * @throws ConfigException naming the first unknown plugin and what is available
     */
    PluginSelection select(NodeConfig config) {
        try {
            return selectChecked(config);
        } catch (ConfigException e) {
            if (refused.isEmpty()) {
                throw e;
            }
            throw new ConfigException(e.getMessage() + "; refused plugin jars: "
                    + String.join("; ", refused.stream().map(RefusedPlugin::toString).toList()));
        }
    }

    private PluginSelection selectChecked(NodeConfig config) {
        return new PluginSelection(
                crypto.select(config.cryptoProvider()),
                handshakes.select(config.handshake()),
                policies.select(config.sessionPolicy()),
                admissions.select(config.admission()),
                config.handlerInstance() != null ? config.handlerInstance() : handlers.select(config.handler()),
                config.transports().stream().map(n -> transport(n, config.transports())).toList());
    }

    /**
     * @return the transport named {@code name}, or a {@link PreferredTransport} when a built-in
     *         provider is a faster implementation of it ({@code udp-linux} for {@code udp}) that the
     *         configuration does not also name ({@code configured}); a plugin jar's provider never
     *         stands in for a built-in name
     */
    private TransportProvider transport(String name, List<String> configured) {
        TransportProvider named = transports.select(name);
        TransportProvider faster = fasterBuiltIn(transports, name, configured);
        return faster == null ? named : new PreferredTransport(named, faster);
    }

    /**
     * @return the built-in provider that is a faster implementation of the transport {@code name} and
     *         that the configuration ({@code configured}) does not also name, or null when there is none
     */
    static TransportProvider fasterBuiltIn(NamedPlugins<TransportProvider> transports, String name, List<String> configured) {
        for (TransportProvider t : transports.builtIns().values()) {
            if (!t.name().equals(name) && !configured.contains(t.name()) && name.equals(fasterImplementationOf(t))) {
                return t;
            }
        }
        return null;
    }

    private static String fasterImplementationOf(TransportProvider t) {
        try {
            return t.fasterImplementationOf();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Hands every selected plugin that is {@link Configurable} its {@code [Plugin.NAME]} section (an
     * empty one when there is none), before anything uses it.
     *
     * @throws ConfigException naming file, line and key when a plugin refuses its settings, or when a
     *                         section names no selected plugin or one that takes no settings
     */
    static void configure(PluginSelection selection, NodeConfig config) {
        List<Object> selected = new ArrayList<>(List.of(selection.policy(), selection.admission(), selection.handler()));
        selected.addAll(selection.transports());
        Map<String, List<Object>> byName = new HashMap<>();
        for (Object plugin : selected) {
            byName.computeIfAbsent(nameOf(plugin), n -> new ArrayList<>()).add(plugin);
        }
        for (PluginConfig section : config.pluginSettings().values()) {
            if (section.isEmpty() && section.sectionLine() == 0) {
                continue; // not written in the file: only names it (see WgQuickConfigParser)
            }
            List<Object> named = byName.get(section.plugin());
            if (named == null) {
                throw new ConfigException(section.source(), section.sectionLine(), null, section.section()
                        + " is for no plugin in use; the configuration selects " + String.join(", ", byName.keySet().stream().sorted().toList()));
            }
            boolean onlyListen = section.without(LISTEN).isEmpty() && named.stream().anyMatch(TransportProvider.class::isInstance);
            if (!onlyListen && named.stream().noneMatch(Configurable.class::isInstance)) {
                throw new ConfigException(section.source(), section.sectionLine(), null, section.section()
                        + ": plugin " + section.plugin() + " takes no settings (it is not io.postern.spi.Configurable)");
            }
        }
        for (Object plugin : selected) {
            if (plugin instanceof Configurable c) {
                PluginConfig section = config.pluginSettings(nameOf(plugin));
                if (plugin instanceof TransportProvider) {
                    section = section.without(LISTEN);
                }
                try {
                    c.configure(section);
                } catch (PluginConfigException e) {
                    throw new ConfigException(e.source(), e.line(), e.section() + " " + e.key(), e.problem(), e);
                } catch (RuntimeException e) {
                    throw new ConfigException(section.source(), section.sectionLine(), null, section.section() + ": plugin "
                            + section.plugin() + " refused its settings: " + PluginDirectory.oneLine(e), e);
                }
            }
        }
    }

    private static String nameOf(Object plugin) {
        return switch (plugin) {
            case SessionPolicy p -> p.name();
            case Admission a -> a.name();
            case PacketHandler h -> h.name();
            case TransportProvider t -> t.name();
            default -> throw new IllegalArgumentException("not a plugin: " + plugin);
        };
    }
}

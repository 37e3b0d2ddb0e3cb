package io.postern.gateway;

import io.postern.engine.OnPolicyFault;
import io.postern.engine.PeerConfig;
import io.postern.spi.GatewayEventListener;
import io.postern.key.PrivateKey;
import io.postern.net.IpPrefix;
import io.postern.spi.PacketHandler;
import io.postern.spi.PluginConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a {@link PosternNode} needs: its identity, where it listens, which plugins it uses and
 * its configured peers — the {@code [Interface]} and {@code [Peer]} sections of a wg-quick style
 * file ({@link #load}) — plus what only code can give: a {@link PacketHandler} instance and event
 * listeners (tests and embedding applications), and the clock.
 *
 * <p>Plugins are named as in the configuration file; the names are checked when the node starts.
 *
 * @param privateKey      the node's static private key
 * @param listenAddress   the address to bind, or {@code null} for the wildcard: {@code ::} dual-stack
 *                        (IPv4 and IPv6), falling back to {@code 0.0.0.0} where IPv6 is unavailable
 * @param listenPort      the UDP port, 0 for any free port ({@link PosternNode#localEndpoint()} tells which)
 * @param addresses       the interface's {@code Address} prefixes: the gateway's own tunnel addresses,
 *                        which packet handlers see ({@code ip} answers ping there, {@code tun} configures them)
 * @param sessionPolicy   SessionPolicy name
 * @param cryptoProvider  CryptoProvider name
 * @param handshake       HandshakeProtocolFactory name
 * @param admission       Admission name
 * @param handler         PacketHandler name; ignored when {@code handlerInstance} is given
 * @param transport       TransportProvider name, or several comma-separated (one engine, one identity, a
 *                        session moves between them on an authenticated packet like any roaming)
 * @param peers           the configured peers
 * @param handlerInstance a handler to use instead of looking {@code handler} up, or {@code null}
 * @param listeners       listeners registered on the engine before it starts
 * @param clock           the engine's clock
 * @param metricsListen   where {@code postern up} serves Prometheus metrics (a loopback address), or
 *                        {@code null} for no metrics endpoint (the default)
 * @param interfaceName   {@code Name}: the network interface a handler such as {@code tun} creates
 *                        (default: the configuration file's base name, as wg-quick; {@code ""} for none)
 * @param mtu             {@code MTU} of that interface, 0 for the handler's default
 * @param onPolicyFault   what applies when the session policy faults ({@code OnPolicyFault}, default keep-both)
 * @param pluginSettings  the {@code [Plugin.NAME]} sections by plugin name, handed to the plugins of
 *                        that name that are {@link io.postern.spi.Configurable}
 */
public record NodeConfig(PrivateKey privateKey, InetAddress listenAddress, int listenPort, List<IpPrefix> addresses,
                         String sessionPolicy, String cryptoProvider, String handshake, String admission,
                         String handler, String transport, List<PeerConfig> peers, PacketHandler handlerInstance,
                         List<GatewayEventListener> listeners, Clock clock, InetSocketAddress metricsListen,
                         String interfaceName, int mtu, OnPolicyFault onPolicyFault,
                         Map<String, PluginConfig> pluginSettings) {

    /** The port {@code postern up} writes into a fresh configuration: WireGuard's customary one. */
    public static final int DEFAULT_PORT = 51820;
    /** Default of the {@code SessionPolicy} key. */
    public static final String DEFAULT_SESSION_POLICY = "reset-on-identity-change";
    /** Default of the {@code CryptoProvider} key: each primitive from the implementation measured faster (BENCHMARKS.md). */
    public static final String DEFAULT_CRYPTO_PROVIDER = "fastest";
    /** The handshake protocol (not configurable in the file: WireGuard v1 has one). */
    public static final String DEFAULT_HANDSHAKE = "noise-ikpsk2";
    /** Default of the {@code Admission} key. */
    public static final String DEFAULT_ADMISSION = "allowlist";
    /** Default of the {@code Handler} key. */
    public static final String DEFAULT_HANDLER = "echo";
    /** Default of the {@code Transport} key. */
    public static final String DEFAULT_TRANSPORT = "udp";

    public NodeConfig {
        Objects.requireNonNull(privateKey, "privateKey");
        if (listenPort < 0 || listenPort > 65535) {
            throw new IllegalArgumentException("listen port " + listenPort + " is outside 0-65535");
        }
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(sessionPolicy, "sessionPolicy");
        Objects.requireNonNull(cryptoProvider, "cryptoProvider");
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(admission, "admission");
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(transport, "transport");
        peers = List.copyOf(peers);
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(onPolicyFault, "onPolicyFault");
        if (metricsListen != null && (metricsListen.getAddress() == null || !metricsListen.getAddress().isLoopbackAddress())) {
            throw new IllegalArgumentException("metrics listen address " + metricsListen + " is not a loopback address");
        }
        Objects.requireNonNull(interfaceName, "interfaceName");
        if (mtu < 0) {
            throw new IllegalArgumentException("MTU " + mtu + " is negative");
        }
        pluginSettings = Map.copyOf(pluginSettings);
        if (transports(transport).isEmpty()) {
            throw new IllegalArgumentException("no transport named in '" + transport + "'");
        }
    }

    /** @return the transport names {@code transport} lists (comma-separated: {@code Transport = udp, tcp}), in order */
    public List<String> transports() {
        return transports(transport);
    }

    private static List<String> transports(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::strip).filter(t -> !t.isEmpty()).distinct().toList();
    }

    /** @return the settings of plugin {@code name}: its {@code [Plugin.NAME]} section, or an empty one */
    public PluginConfig pluginSettings(String name) {
        PluginConfig c = pluginSettings.get(name);
        return c != null ? c : PluginConfig.empty(name, "the configuration");
    }

    /** @return a builder with every default: wildcard address, port 0, no peers, the default plugins */
    public static Builder builder(PrivateKey privateKey) {
        return new Builder(privateKey);
    }

    /**
     * Reads a wg-quick style file ({@code [Interface]} with Postern's extra keys, {@code [Peer]}s).
     *
     * @throws ConfigException naming file, line and key on any problem
     * @throws IOException     when the file cannot be read
     */
    public static NodeConfig load(Path file) throws IOException {
        return WgQuickConfigParser.parse(file);
    }

    /** @return a builder holding this configuration, to override parts of it */
    public Builder toBuilder() {
        Builder b = new Builder(privateKey);
        b.listenAddress = listenAddress;
        b.listenPort = listenPort;
        b.addresses.addAll(addresses);
        b.sessionPolicy = sessionPolicy;
        b.cryptoProvider = cryptoProvider;
        b.handshake = handshake;
        b.admission = admission;
        b.handler = handler;
        b.transport = transport;
        b.peers.addAll(peers);
        b.handlerInstance = handlerInstance;
        b.listeners.addAll(listeners);
        b.clock = clock;
        b.metricsListen = metricsListen;
        b.interfaceName = interfaceName;
        b.mtu = mtu;
        b.onPolicyFault = onPolicyFault;
        b.pluginSettings.putAll(pluginSettings);
        return b;
    }

    /** Builds a {@link NodeConfig}; every setter returns the builder. Not thread-safe. */
    public static final class Builder {
        private final PrivateKey privateKey;
        private InetAddress listenAddress;
        private int listenPort;
        private final List<IpPrefix> addresses = new ArrayList<>();
        private String sessionPolicy = DEFAULT_SESSION_POLICY;
        private String cryptoProvider = DEFAULT_CRYPTO_PROVIDER;
        private String handshake = DEFAULT_HANDSHAKE;
        private String admission = DEFAULT_ADMISSION;
        private String handler = DEFAULT_HANDLER;
        private String transport = DEFAULT_TRANSPORT;
        private final List<PeerConfig> peers = new ArrayList<>();
        private PacketHandler handlerInstance;
        private final List<GatewayEventListener> listeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private InetSocketAddress metricsListen;
        private String interfaceName = "";
        private int mtu;
        private OnPolicyFault onPolicyFault = OnPolicyFault.DEFAULT;
        private final Map<String, PluginConfig> pluginSettings = new java.util.LinkedHashMap<>();

        private Builder(PrivateKey privateKey) {
            this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        }

        /** @param address the address to bind, or null for the dual-stack wildcard */
        public Builder listenAddress(InetAddress address) {
            this.listenAddress = address;
            return this;
        }

        /** @param port the UDP port, 0 for any free one */
        public Builder listenPort(int port) {
            this.listenPort = port;
            return this;
        }

        /** Adds an interface {@code Address}. */
        public Builder address(IpPrefix prefix) {
            addresses.add(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        /** @param name a SessionPolicy name, e.g. {@code keep-both} */
        public Builder sessionPolicy(String name) {
            this.sessionPolicy = name;
            return this;
        }

        /** @param name a CryptoProvider name, e.g. {@code jca} */
        public Builder cryptoProvider(String name) {
            this.cryptoProvider = name;
            return this;
        }

        /** @param name a HandshakeProtocolFactory name */
        public Builder handshake(String name) {
            this.handshake = name;
            return this;
        }

        /** @param name an Admission name: {@code allowlist} or {@code open} */
        public Builder admission(String name) {
            this.admission = name;
            return this;
        }

        /** @param name a PacketHandler name, e.g. {@code echo} */
        public Builder handler(String name) {
            this.handler = name;
            this.handlerInstance = null;
            return this;
        }

        /** @param instance a handler to use as is (not looked up by name) */
        public Builder handler(PacketHandler instance) {
            this.handlerInstance = Objects.requireNonNull(instance, "instance");
            return this;
        }

        /** Sets (replaces) the settings of the plugin {@code settings.plugin()}. */
        public Builder pluginSettings(PluginConfig settings) {
            pluginSettings.put(settings.plugin(), settings);
            return this;
        }

        /** @param name a TransportProvider name, or several comma-separated ({@code udp, tcp}) */
        public Builder transport(String name) {
            this.transport = name;
            return this;
        }

        /** Adds a configured peer. */
        public Builder peer(PeerConfig peer) {
            peers.add(Objects.requireNonNull(peer, "peer"));
            return this;
        }

        /** Adds an event listener, registered before the engine starts. */
        public Builder listener(GatewayEventListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** @param clock the engine's clock */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** @param address where to serve metrics (loopback only), or null for none */
        public Builder metricsListen(InetSocketAddress address) {
            this.metricsListen = address;
            return this;
        }

        /** @param name the interface name ({@code Name}), or {@code ""} for none */
        public Builder interfaceName(String name) {
            this.interfaceName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** @param mtu the interface MTU ({@code MTU}), 0 for the handler's default */
        public Builder mtu(int mtu) {
            this.mtu = mtu;
            return this;
        }

        /** @param onFault what applies when the session policy faults */
        public Builder onPolicyFault(OnPolicyFault onFault) {
            this.onPolicyFault = Objects.requireNonNull(onFault, "onFault");
            return this;
        }

        /** @return the configuration */
        public NodeConfig build() {
            return new NodeConfig(privateKey, listenAddress, listenPort, addresses, sessionPolicy, cryptoProvider,
                    handshake, admission, handler, transport, peers, handlerInstance, listeners, clock, metricsListen,
                    interfaceName, mtu, onPolicyFault, pluginSettings);
        }
    }
}

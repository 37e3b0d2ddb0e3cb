package io.postern.gateway;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import io.postern.engine.PeerConfig;
import io.postern.engine.SessionEngine;
import io.postern.spi.GatewayEventListener;
import io.postern.gateway.wiring.EngineModule;
import io.postern.gateway.wiring.PluginModule;
import io.postern.key.StaticKeyPair;
import io.postern.key.PublicKey;
import io.postern.net.Endpoint;
import io.postern.spi.PacketHandler;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import io.postern.spi.PluginConfig;
import io.postern.spi.PluginConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Postern node: a {@link SessionEngine} for one identity, bound to one transport. The
 * gateway is one; a "Java peer" in tests is just another, configured with the gateway as its
 * {@code [Peer]} — the same engine, not a test double.
 *
 * <pre>{@code
 * PrivateKey gatewayKey = PrivateKey.fromBase64(...);          // or read postern.conf:
 * NodeConfig gatewayConfig = NodeConfig.load(Path.of("postern.conf"));
 * try (PosternNode gateway = PosternNode.start(gatewayConfig.toBuilder()
 *              .listenAddress(InetAddress.getLoopbackAddress()).listenPort(0).admission("open").build());
 *      PosternNode peer = PosternNode.start(NodeConfig.builder(peerKey)
 *              .listenAddress(InetAddress.getLoopbackAddress())
 *              .peer(PeerConfig.of(gateway.publicKey(), gateway.localEndpoint()))
 *              .handler(capturingHandler)            // receives the echoes
 *              .listener(events::add)                // every GatewayEvent of the peer's engine
 *              .build())) {
 *     peer.engine().initiateHandshake(gateway.publicKey());
 *     // wait (bounded) until peer.engine().peer(gateway.publicKey()) is ESTABLISHED, then:
 *     peer.engine().send(gateway.publicKey(), payload, 0, payload.length);
 * }
 * }</pre>
 *
 * <p>{@link #start} checks every plugin name and derives the identity before binding anything, so
 * a bad configuration leaves nothing behind. Thread-safe; {@link #close()} is idempotent.
 */
public final class PosternNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PosternNode.class);

    private final SessionEngine engine;
    private final TransportSet transport;
    private final PublicKey publicKey;
    private final PluginSelection plugins;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PosternNode(SessionEngine engine, TransportSet transport, PublicKey publicKey, PluginSelection plugins) {
        this.engine = engine;
        this.transport = transport;
        this.publicKey = publicKey;
        this.plugins = plugins;
    }

    /**
     * Selects the plugins the configuration names (from the module path), wires the engine with
     * Guice, adds the configured peers and listeners, binds the transport and starts receiving.
     *
     * @throws ConfigException when a plugin name is unknown (listing the available ones) or the
     *                         configuration is otherwise unusable; nothing is bound then
     * @throws IOException     when the listen address cannot be bound
     */
    public static PosternNode start(NodeConfig config) throws IOException {
        return start(config, PluginRegistry.load());
    }

    static PosternNode start(NodeConfig config, PluginRegistry registry) throws IOException {
        PluginSelection plugins = registry.select(config);
        PluginRegistry.configure(plugins, config);
        PublicKey publicKey = plugins.crypto().x25519().publicKey(config.privateKey());
        StaticKeyPair identity = new StaticKeyPair(config.privateKey(), publicKey);

        Injector injector = Guice.createInjector(
                new PluginModule(plugins.crypto(), plugins.handshakes(), plugins.policy(), plugins.admission(),
                        plugins.handler(), plugins.transport()),
                new EngineModule(identity, config.clock(), config.onPolicyFault()));
        SessionEngine engine;
        try {
            engine = injector.getInstance(SessionEngine.class);
        } catch (ProvisionException e) {
            // the engine's own exception says what is wrong; Guice's wrapper only adds its binding chain
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        TransportSet transport = null;
        try {
            for (GatewayEventListener listener : config.listeners()) {
                engine.addListener(listener);
            }
            for (PeerConfig peer : config.peers()) {
                engine.addOrUpdatePeer(peer);
            }
            engine.setInterface(config.interfaceName(), config.mtu(), config.addresses());
            transport = bindAll(plugins.transports(), config);
            engine.start(transport);
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            engine.close();
            throw e;
        }
        LOG.info("node started publicKey={} local={} policy={} admission={} handler={} crypto={} transport={} peers={}",
                publicKey.shortForm(), transport.localEndpoint(), plugins.policy().name(), plugins.admission().name(),
                plugins.handler().name(), plugins.crypto().name(), config.transports(), config.peers().size());
        return new PosternNode(engine, transport, publicKey, plugins);
    }

    /**
     * Binds every configured transport: each where its section's {@code Listen} says, else on
     * {@code ListenAddress}/{@code ListenPort} like UDP; on failure, closes what was bound.
     */
    private static TransportSet bindAll(List<TransportProvider> providers, NodeConfig config) throws IOException {
        Map<String, Transport> bound = new LinkedHashMap<>();
        try {
            for (TransportProvider provider : providers) {
                PluginConfig section = config.pluginSettings(provider.name());
                Optional<String> listen = section.string(PluginRegistry.LISTEN);
                Transport t;
                if (listen.isPresent()) {
                    try {
                        t = provider.bind(listen.get());
                    } catch (IllegalArgumentException e) {
                        throw section.invalid(PluginRegistry.LISTEN, e.getMessage());
                    }
                } else {
                    t = bind(provider, config);
                }
                bound.put(provider.name(), t);
            }
        } catch (IOException | RuntimeException e) {
            bound.values().forEach(Transport::close);
            if (e instanceof PluginConfigException p) {
                throw new ConfigException(p.source(), p.line(), p.section() + " " + p.key(), p.problem(), p);
            }
            throw e;
        }
        try {
            return new TransportSet(bound);
        } catch (IllegalArgumentException e) {
            bound.values().forEach(Transport::close);
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * Binds the configured address, or the dual-stack wildcard {@code ::}, falling back to
     * {@code 0.0.0.0} where the machine has no IPv6.
     */
    private static Transport bind(TransportProvider provider, NodeConfig config) throws IOException {
        if (config.listenAddress() != null) {
            return provider.bind(new InetSocketAddress(config.listenAddress(), config.listenPort()));
        }
        try {
            return provider.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[16]), config.listenPort()));
        } catch (IOException dualStackFailed) {
            try {
                return provider.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[4]), config.listenPort()));
            } catch (IOException v4Failed) {
                v4Failed.addSuppressed(dualStackFailed);
                throw v4Failed;
            }
        }
    }

    /** @return the session engine: peers, sessions, counters, sending */
    public SessionEngine engine() {
        return engine;
    }

    /**
     * @return the bound local endpoint (the real port when 0 was configured); for a wildcard bind
     *         the address is the wildcard ({@code [::]} or {@code 0.0.0.0}), so peers on this machine
     *         should use the loopback address with {@link Endpoint#port()}
     */
    public Endpoint localEndpoint() {
        return transport.localEndpoint();
    }

    /**
     * @return where transport {@code name} is bound (its real port when 0 was configured)
     * @throws IllegalArgumentException when the node does not use that transport
     */
    public Endpoint localEndpoint(String name) {
        Transport t = transport.transports().get(name);
        if (t == null) {
            throw new IllegalArgumentException("this node has no transport '" + name + "'; it has " + transport.transports().keySet());
        }
        return t.localEndpoint();
    }

    /** @return the counters of every transport, prefixed with its name ({@code tcp_closed_oversize}...) */
    public Map<String, Long> transportCounters() {
        return transport.counters();
    }

    /** @return this node's static public key */
    public PublicKey publicKey() {
        return publicKey;
    }

    /**
     * For a liveness probe: not closed, the transport's receive threads and the engine's own
     * threads (handshake workers, timers) all still running.
     */
    public boolean alive() {
        return !closed.get() && transport.receiving() && engine.alive();
    }

    /** @return datagrams the transport failed to receive or send ({@link Transport#errors()}) */
    long transportErrors() {
        return transport.errors();
    }

    /** @return the packet handler in use (metrics and show read the ip handler's counters) */
    PacketHandler packetHandler() {
        return plugins.handler();
    }

    /** @return the name of the session policy in use */
    public String sessionPolicy() {
        return plugins.policy().name();
    }

    /**
     * Starts the background warm-up of this node's handshake and data-path crypto ({@link HandshakeWarmup}).
     *
     * @return the warm-up thread, or null when {@code handshakes} is 0
     */
    Thread startWarmup(int handshakes) {
        return HandshakeWarmup.start(plugins.crypto(), plugins.handshakes(), handshakes);
    }

    /** Stops receiving, closes the transport, then the engine (keys zeroed). Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            transport.close();
        } finally {
            engine.close();
        }
        LOG.info("node stopped publicKey={}", publicKey.shortForm());
    }
}

package io.postern.gateway;

import io.postern.engine.PeerStatus;
import io.postern.engine.SessionState;
import io.postern.gateway.metrics.EngineMetrics;
import io.postern.gateway.metrics.MetricsServer;
import io.postern.gateway.metrics.MetricsServer.ProbeStatus;
import io.postern.gateway.metrics.PolicyDecisionCounts;
import io.postern.gateway.uapi.UapiServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code postern up} runs: a {@link PosternNode} with the operator's channels around it — the
 * event log, the admin socket in the data directory ({@code postern show/set/syncconf/showconf}: WireGuard's
 * userspace API, see {@link io.postern.gateway.uapi})
 * and, when {@code MetricsListen} is configured, the Prometheus endpoint; and, when given a socket
 * path, WireGuard's userspace API there ({@code wg show/set/syncconf/showconf}). The metrics
 * endpoint (also on {@code up --metrics-listen}) serves the {@code /healthz} and {@code /readyz}
 * probes. Closing stops the channels first, then the node; {@link #drainAndClose} first turns
 * not-ready and keeps serving for a drain period, so a load balancer stops sending new flows before
 * the gateway goes.
 */
public final class RunningGateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningGateway.class);

    /** How a drain waits; tests pass one they control. */
    @FunctionalInterface
    interface Sleeper {
        /** The real one. */
        Sleeper THREAD = d -> Thread.sleep(d);

        void sleep(Duration period) throws InterruptedException;
    }

    private final PosternNode node;
    private final UapiServer admin;
    private final UapiServer uapi;
    private final GatewayAdmin adminHandler;
    private final AtomicBoolean draining;
    private final MetricsServer metrics;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile ConfigWatcher watcher;

    private RunningGateway(PosternNode node, UapiServer admin, UapiServer uapi, GatewayAdmin adminHandler,
                           AtomicBoolean draining, MetricsServer metrics) {
        this.node = node;
        this.admin = admin;
        this.uapi = uapi;
        this.adminHandler = adminHandler;
        this.draining = draining;
        this.metrics = metrics;
    }

    /**
     * Starts a gateway as {@code postern up} does, with the plugins on the module path.
     *
     * @param dataDir    where its admin socket goes
     * @param uapiSocket where to serve WireGuard's userspace API (e.g. {@code /var/run/wireguard/wg0.sock},
     *                   see {@link UapiServer#socketFor}), or null for none
     * @throws IOException when a socket cannot be bound, or another gateway uses the data directory
     */
    public static RunningGateway start(NodeConfig config, Path dataDir, Path uapiSocket) throws IOException {
        return start(config, PluginRegistry.load(), dataDir, uapiSocket, java.util.Map.of());
    }

    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir) throws IOException {
        return start(config, registry, dataDir, null, java.util.Map.of());
    }

    /**
     * Starts the node, then its admin socket and metrics endpoint; if any fails, what started is closed.
     *
     * @throws IOException when a socket cannot be bound, or another gateway uses the data directory
     */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket)
            throws IOException {
        return start(config, registry, dataDir, uapiSocket, java.util.Map.of(), null);
    }

    /** @param names the peers' names from the configuration file's comments (show displays them) */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket,
                                java.util.Map<io.postern.key.PublicKey, String> names) throws IOException {
        return start(config, registry, dataDir, uapiSocket, names, null);
    }

    /**
     * @param names             the peers' names from the configuration file's comments (show displays them)
     * @param metricsAnyAddress where to serve the metrics and probes endpoint (any address: the operator
     *                          named it explicitly, {@code up --metrics-listen}) instead of the
     *                          configuration's loopback {@code MetricsListen}, or null
     */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket,
                                java.util.Map<io.postern.key.PublicKey, String> names,
                                InetSocketAddress metricsAnyAddress) throws IOException {
        return start(config, registry, dataDir, uapiSocket, names, metricsAnyAddress, null);
    }

    /** @param saveTo SaveConfig = true: the configuration file changes are written back to; null: none */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket,
                                java.util.Map<io.postern.key.PublicKey, String> names,
                                InetSocketAddress metricsAnyAddress, Path saveTo) throws IOException {
        EventLog events = new EventLog();
        PolicyDecisionLog decisions = new PolicyDecisionLog();
        PolicyDecisionCounts decisionCounts = new PolicyDecisionCounts();
        RefusedKeys refused = new RefusedKeys();
        NodeConfig withListeners = config.toBuilder().listener(events).listener(decisions).listener(decisionCounts)
                .listener(refused).build();
        PosternNode node = PosternNode.start(withListeners, registry);
        UapiServer admin = null;
        UapiServer uapi = null;
        try {
            GatewayAdmin handler = new GatewayAdmin(node, config, decisions, events, refused, names,
                    saveTo == null ? null : new ConfigWriteBack(saveTo));
            Path adminSocket = adminSocketIn(dataDir);
            admin = UapiServer.open(adminSocket, handler);
            if (uapiSocket != null && !uapiSocket.toAbsolutePath().normalize().equals(adminSocket.toAbsolutePath().normalize())) {
                uapi = UapiServer.open(uapiSocket, handler);
            }
            AtomicBoolean draining = new AtomicBoolean();
            MetricsServer metrics = null;
            InetSocketAddress metricsAt = metricsAnyAddress != null ? metricsAnyAddress : config.metricsListen();
            if (metricsAt != null) {
                EngineMetrics engineMetrics = new EngineMetrics(node.engine(), node.sessionPolicy(), decisionCounts,
                        node::transportErrors, node.packetHandler(), node::transportCounters);
                metrics = MetricsServer.start(metricsAt, metricsAnyAddress != null, engineMetrics::scrape,
                        () -> health(node), () -> readiness(node, draining));
            }
            return new RunningGateway(node, admin, uapi, handler, draining, metrics);
        } catch (IOException | RuntimeException e) {
            if (uapi != null) {
                uapi.close();
            }
            if (admin != null) {
                admin.close();
            }
            node.close();
            throw e;
        }
    }

    /** The admin socket's file name in the data directory. */
    static final String ADMIN_SOCKET = "postern.sock";

    /** @return where the admin socket of a gateway using {@code dataDir} is: the same protocol as the UAPI socket */
    static Path adminSocketIn(Path dataDir) {
        return dataDir.resolve(ADMIN_SOCKET);
    }

    /** @return the node */
    public PosternNode node() {
        return node;
    }

    /** @return the admin socket file */
    public Path adminSocket() {
        return admin.socket();
    }

    /** @return the UAPI socket file, if one is served */
    public Optional<Path> uapiSocket() {
        return Optional.ofNullable(uapi).map(UapiServer::socket);
    }

    /** @return the liveness probe's answer */
    ProbeStatus health() {
        return health(node);
    }

    /** @return the readiness probe's answer */
    ProbeStatus readiness() {
        return readiness(node, draining);
    }

    private static ProbeStatus health(PosternNode node) {
        return node.alive() ? ProbeStatus.OK : ProbeStatus.failing("packet threads not running");
    }

    private static ProbeStatus readiness(PosternNode node, AtomicBoolean draining) {
        if (draining.get()) {
            return ProbeStatus.failing("draining");
        }
        return node.alive() ? ProbeStatus.OK : ProbeStatus.failing("not running");
    }

    /** @return sessions in the established state now */
    int liveSessions() {
        int n = 0;
        for (PeerStatus p : node.engine().peers()) {
            if (p.state() == SessionState.ESTABLISHED) {
                n++;
            }
        }
        return n;
    }

    /**
     * Applies the {@code [Peer]} sections of every new version of {@code file} as {@code syncconf}
     * does, until closed (see {@link ConfigWatcher}).
     *
     * @param reader reads and checks the file (the same way the gateway was started)
     */
    void watchConfig(Path file, ConfigWatcher.Reader reader, Duration poll) throws IOException {
        NodeConfig running = reader.read(file);
        running.privateKey().destroy(); // the watcher compares and applies peers only
        watcher = ConfigWatcher.start(file, reader, running,
                next -> adminHandler.syncconfPeers(next.peers()), poll);
    }

    /**
     * The graceful stop for a load balancer: not ready at once (the probe answers 503 "draining"),
     * packets still served for {@code period}, then {@link #close()}; each step logged with the
     * number of live sessions. Returns when closed.
     */
    void drainAndClose(Duration period, Sleeper sleeper) {
        if (closed.get()) {
            return;
        }
        draining.set(true);
        LOG.info("draining: not ready, still serving sessions={} drainPeriod={}s", liveSessions(), period.toSeconds());
        if (period.isPositive()) {
            try {
                sleeper.sleep(period);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LOG.warn("drain interrupted, stopping now sessions={}", liveSessions());
            }
            LOG.info("drain period over, stopping sessions={}", liveSessions());
        }
        close();
    }

    /** @return the configuration watcher, when {@link #watchConfig} started one */
    Optional<ConfigWatcher> configWatcher() {
        return Optional.ofNullable(watcher);
    }

    /** @return the metrics endpoint, if one runs */
    Optional<MetricsServer> metrics() {
        return Optional.ofNullable(metrics);
    }

    /** Stops the configuration watcher, the metrics endpoint and the admin sockets, then the node. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            ConfigWatcher w = watcher;
            if (w != null) {
                w.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (uapi != null) {
                uapi.close();
            }
            admin.close();
        } finally {
            node.close();
        }
    }
}

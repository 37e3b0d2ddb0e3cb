package io.postern.gateway;

import io.postern.gateway.metrics.EngineMetrics;
import io.postern.gateway.metrics.MetricsServer;
import io.postern.gateway.metrics.PolicyDecisionCounts;
import io.postern.gateway.uapi.UapiServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code postern up} runs: a {@link PosternNode} with the operator's channels around it — the
 * event log, the admin socket in the data directory ({@code postern show/set/syncconf/showconf}: WireGuard's
 * userspace API, see {@link io.postern.gateway.uapi})
 * and, when {@code MetricsListen} is configured, the Prometheus endpoint; and, when given a socket
 * path, WireGuard's userspace API there ({@code wg show/set/syncconf/showconf}). Closing stops the
 * channels first, then the node.
 */
public final class RunningGateway implements AutoCloseable {
    private final PosternNode node;
    private final UapiServer admin;
    private final UapiServer uapi;
    private final MetricsServer metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RunningGateway(PosternNode node, UapiServer admin, UapiServer uapi, MetricsServer metrics) {
        this.node = node;
        this.admin = admin;
        this.uapi = uapi;
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
        return start(config, registry, dataDir, uapiSocket, java.util.Map.of());
    }

    /** @param names the peers' names from the configuration file's comments (show displays them) */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket,
                                java.util.Map<io.postern.key.PublicKey, String> names) throws IOException {
        return start(config, registry, dataDir, uapiSocket, names, null);
    }

    /** @param saveTo SaveConfig = true: the configuration file changes are written back to; null: none */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir, Path uapiSocket,
                                java.util.Map<io.postern.key.PublicKey, String> names, Path saveTo) throws IOException {
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
            MetricsServer metrics = null;
            if (config.metricsListen() != null) {
                EngineMetrics engineMetrics = new EngineMetrics(node.engine(), node.sessionPolicy(), decisionCounts,
                        node::transportErrors, node.packetHandler());
                metrics = MetricsServer.start(config.metricsListen(), engineMetrics::scrape);
            }
            return new RunningGateway(node, admin, uapi, metrics);
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

    /** @return the metrics endpoint, if one runs */
    Optional<MetricsServer> metrics() {
        return Optional.ofNullable(metrics);
    }

    /** Stops the metrics endpoint and the admin socket, then the node. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
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

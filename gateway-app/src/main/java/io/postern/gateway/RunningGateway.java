package io.postern.gateway;

import io.postern.gateway.admin.AdminServer;
import io.postern.gateway.metrics.EngineMetrics;
import io.postern.gateway.metrics.MetricsServer;
import io.postern.gateway.metrics.PolicyDecisionCounts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What {@code postern up} runs: a {@link PosternNode} with the operator's channels around it — the
 * event log, the admin socket in the data directory ({@code show}, {@code set}, {@code syncconf})
 * and, when {@code MetricsListen} is configured, the Prometheus endpoint. Closing stops the
 * channels first, then the node.
 */
final class RunningGateway implements AutoCloseable {
    private final PosternNode node;
    private final AdminServer admin;
    private final MetricsServer metrics;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RunningGateway(PosternNode node, AdminServer admin, MetricsServer metrics) {
        this.node = node;
        this.admin = admin;
        this.metrics = metrics;
    }

    /**
     * Starts the node, then its admin socket and metrics endpoint; if any fails, what started is closed.
     *
     * @throws IOException when a socket cannot be bound, or another gateway uses the data directory
     */
    static RunningGateway start(NodeConfig config, PluginRegistry registry, Path dataDir) throws IOException {
        EventLog events = new EventLog();
        PolicyDecisionLog decisions = new PolicyDecisionLog();
        PolicyDecisionCounts decisionCounts = new PolicyDecisionCounts();
        NodeConfig withListeners = config.toBuilder().listener(events).listener(decisions).listener(decisionCounts).build();
        PosternNode node = PosternNode.start(withListeners, registry);
        AdminServer admin = null;
        try {
            admin = AdminServer.open(dataDir, new GatewayAdmin(node, config, decisions, events));
            MetricsServer metrics = null;
            if (config.metricsListen() != null) {
                EngineMetrics engineMetrics = new EngineMetrics(node.engine(), node.sessionPolicy(), decisionCounts,
                        node::transportCounters);
                metrics = MetricsServer.start(config.metricsListen(), engineMetrics::scrape);
            }
            return new RunningGateway(node, admin, metrics);
        } catch (IOException | RuntimeException e) {
            if (admin != null) {
                admin.close();
            }
            node.close();
            throw e;
        }
    }

    /** @return the node */
    PosternNode node() {
        return node;
    }

    /** @return the admin socket file */
    Path adminSocket() {
        return admin.socket();
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
            admin.close();
        } finally {
            node.close();
        }
    }
}

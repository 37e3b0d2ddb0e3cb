package io.postern.gateway;

import io.postern.spi.TransportProvider;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured transports' {@link TransportProvider#prepare()} on one background thread while
 * the gateway starts (issue 17): the {@code udp} transport's wildcard socket and {@code udp-linux}
 * link their native calls there (~0.1 s on a cold JVM), in parallel with the wiring, instead of on the
 * start path at their first bind. Nothing waits for it: a bind that comes first does the work itself
 * (class initialisation runs once). A failure is logged at DEBUG and changes nothing; the bind reports
 * it as before.
 */
final class TransportPreparation {
    /** The thread's name. */
    static final String THREAD_NAME = "postern-prepare";
    private static final Logger LOG = LoggerFactory.getLogger(TransportPreparation.class);

    private TransportPreparation() {}

    /**
     * Starts the thread for the transports named (names the registry lacks are skipped: the node's
     * start reports them).
     *
     * @return the thread, or null when there is nothing to prepare
     */
    static Thread start(NamedPlugins<TransportProvider> registry, List<String> names) {
        List<TransportProvider> providers = new ArrayList<>();
        for (String name : names) {
            try {
                providers.add(registry.select(name));
                // what binds in its place where it can (udp-linux for udp): prepared first
                TransportProvider faster = PluginRegistry.fasterBuiltIn(registry, name, names);
                if (faster != null) {
                    providers.add(providers.size() - 1, faster);
                }
            } catch (ConfigException e) {
                // reported, with the available names, when the node starts
            }
        }
        if (providers.isEmpty()) {
            return null;
        }
        return Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(() -> {
            for (TransportProvider p : providers) {
                try {
                    p.prepare();
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("transport prepare failed transport={} error={}", p.name(), e.toString());
                }
            }
        });
    }
}

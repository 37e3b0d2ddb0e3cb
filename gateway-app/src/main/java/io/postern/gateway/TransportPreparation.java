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
 *
 * <p>Where a faster built-in binds in a configured transport's place ({@code udp-linux} for {@code udp}),
 * only the faster one is prepared: the configured one binds only when the faster one cannot, and then
 * links its calls itself. Preparing both cost the start CPU it needs (the portable {@code udp}'s linking
 * ran beside the main thread's bind on a 2-vCPU machine), unless the faster one's preparation fails:
 * then the configured one is prepared after it.
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
        // each entry: what binds first (the faster built-in where there is one), then what binds if it cannot
        List<TransportProvider[]> providers = new ArrayList<>();
        for (String name : names) {
            try {
                TransportProvider configured = registry.select(name);
                TransportProvider faster = PluginRegistry.fasterBuiltIn(registry, name, names);
                providers.add(faster != null ? new TransportProvider[] {faster, configured} : new TransportProvider[] {configured});
            } catch (ConfigException e) {
                // reported, with the available names, when the node starts
            }
        }
        if (providers.isEmpty()) {
            return null;
        }
        return Thread.ofPlatform().name(THREAD_NAME).daemon(true).start(() -> {
            for (TransportProvider[] candidates : providers) {
                for (TransportProvider p : candidates) {
                    if (prepare(p)) {
                        break;
                    }
                }
            }
        });
    }

    /** @return whether {@code p} prepared without failing */
    private static boolean prepare(TransportProvider p) {
        try {
            p.prepare();
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("transport prepare failed transport={} error={}", p.name(), e.toString());
            return false;
        }
    }
}

package io.postern.gateway;

import io.postern.spi.Configurable;
import io.postern.spi.PluginConfig;
import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configured transport name ({@code udp}) with a faster implementation installed beside it
 * ({@code udp-linux}, whose {@link TransportProvider#fasterImplementationOf()} names it): binds the
 * faster one where it can, else the named (portable) one, and logs which it chose and why. The
 * operator can keep the portable one with {@code [Plugin.udp]} {@code Batched = false}. Both carry
 * endpoints of the same name, so peers, sessions and the engine see no difference.
 */
final class PreferredTransport implements TransportProvider, Configurable {
    /** The key of the {@code [Plugin.NAME]} section that turns the faster implementation off. */
    static final String BATCHED = "Batched";
    private static final Logger LOG = LoggerFactory.getLogger(PreferredTransport.class);

    private final TransportProvider portable;
    private final TransportProvider faster;
    private boolean useFaster = true;

    PreferredTransport(TransportProvider portable, TransportProvider faster) {
        this.portable = portable;
        this.faster = faster;
    }

    @Override
    public String name() {
        return portable.name();
    }

    @Override
    public String description() {
        return portable.description() + " Bound as " + faster.name() + " where that binds: " + faster.description();
    }

    @Override
    public void configure(PluginConfig config) {
        useFaster = config.bool(BATCHED, true);
        if (portable instanceof Configurable c) {
            c.configure(config.without(BATCHED));
        } else {
            config.requireOnly(BATCHED);
        }
    }

    /** @return the portable implementation (the one the configuration names) */
    TransportProvider portable() {
        return portable;
    }

    /** @return the faster implementation tried first */
    TransportProvider faster() {
        return faster;
    }

    @Override
    public Transport bind(InetSocketAddress local) throws IOException {
        if (!useFaster) {
            LOG.info("transport {}: the portable implementation ([Plugin.{}] {} = false) local={}", name(), name(), BATCHED, local);
            return portable.bind(local);
        }
        IOException why;
        try {
            Transport t = faster.bind(local);
            LOG.info("transport {}: {} (batched system calls) local={}", name(), faster.name(), t.localEndpoint());
            return t;
        } catch (IOException e) {
            why = e;
        } catch (RuntimeException e) {
            why = new IOException(e.toString(), e);
        }
        LOG.info("transport {}: the portable implementation, as {} cannot bind here: {}", name(), faster.name(), why.getMessage());
        try {
            return portable.bind(local);
        } catch (IOException e) {
            e.addSuppressed(why);
            throw e;
        }
    }
}

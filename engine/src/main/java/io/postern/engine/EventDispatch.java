package io.postern.engine;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every {@link GatewayEvent} to the registered listeners and, through its {@link PolicyGuard}
 * (a queue and a thread of its own), to the session policy. A listener that throws is logged; the
 * engine goes on.
 */
final class EventDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatch.class);

    private final CopyOnWriteArrayList<GatewayEventListener> listeners = new CopyOnWriteArrayList<>();
    private final PolicyGuard policy;

    EventDispatch(PolicyGuard policy) {
        this.policy = policy;
    }

    void add(GatewayEventListener listener) {
        listeners.add(listener);
    }

    void emit(GatewayEvent event) {
        policy.onEvent(event);
        for (GatewayEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (VirtualMachineError e) {
                throw e; // the process ends (see HandshakeQueue): a listener cannot make it deaf
            } catch (Throwable t) {
                LOG.warn("event listener {} failed on {}", l, event.getClass().getSimpleName(), t);
            }
        }
    }
}

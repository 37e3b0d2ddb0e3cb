package io.postern.engine;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import io.postern.spi.SessionPolicy;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every {@link GatewayEvent} to the registered listeners and to the session policy's
 * {@link SessionPolicy#onEvent}. A listener that throws is logged; the engine goes on.
 */
final class EventDispatch {
    private static final Logger LOG = LoggerFactory.getLogger(EventDispatch.class);

    private final CopyOnWriteArrayList<GatewayEventListener> listeners = new CopyOnWriteArrayList<>();
    private final SessionPolicy policy;

    EventDispatch(SessionPolicy policy) {
        this.policy = policy;
    }

    void add(GatewayEventListener listener) {
        listeners.add(listener);
    }

    void emit(GatewayEvent event) {
        try {
            policy.onEvent(event);
        } catch (Throwable t) {
            LOG.warn("session policy {} failed on event {}", policy.name(), event.getClass().getSimpleName(), t);
        }
        for (GatewayEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (Throwable t) {
                LOG.warn("event listener {} failed on {}", l, event.getClass().getSimpleName(), t);
            }
        }
    }
}

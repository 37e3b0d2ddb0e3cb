package io.postern.it.scenario;

import io.postern.spi.GatewayEvent;
import io.postern.spi.GatewayEventListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every gateway event of an engine. Thread-safe. */
final class EventRecorder implements GatewayEventListener {
    private final List<GatewayEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(GatewayEvent event) {
        events.add(event);
    }

    /** @return the recorded events of one type, in order */
    <T extends GatewayEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}

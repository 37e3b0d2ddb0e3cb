package io.postern.gateway;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Several bound transports as the one {@link Transport} the engine sends through: a datagram goes
 * out on the transport whose endpoints carry that name ({@link Endpoint#transport()}; usually the
 * transport's own name, but {@code udp-linux} is UDP on the wire and its endpoints are {@code udp}), and every transport's
 * datagrams reach the same receiver. One engine, one identity: a peer whose authenticated packets
 * start arriving over another transport roams to it like to any new address.
 *
 * <p>A datagram received with an endpoint that does not name the transport it came in on is
 * dropped and counted ({@code wrong_transport}): the engine must be able to send the reply back the
 * same way. Thread-safe (the map is fixed at construction).
 */
final class TransportSet implements Transport {
    /** By the name the configuration uses (the provider's). */
    private final Map<String, Transport> byName;
    /** By the name their endpoints carry: usually the same; {@code udp-linux}'s endpoints are {@code udp}. */
    private final Map<String, Transport> byEndpoint = new LinkedHashMap<>();
    private final Transport first;
    private final LongAdder wrongTransport = new LongAdder();
    private final LongAdder noTransport = new LongAdder();

    /** @param transports transport name to bound transport, in configured order (at least one) */
    TransportSet(Map<String, Transport> transports) {
        if (transports.isEmpty()) {
            throw new IllegalArgumentException("no transport");
        }
        this.byName = new LinkedHashMap<>(transports);
        this.first = byName.values().iterator().next();
        byName.forEach((name, t) -> {
            Transport other = byEndpoint.putIfAbsent(t.localEndpoint().transport(), t);
            if (other != null) {
                throw new IllegalArgumentException("transport " + name + " carries " + t.localEndpoint().transport()
                        + " endpoints, as another configured transport does: configure one of them");
            }
        });
    }

    /** @return the bound transports by name, in configured order */
    Map<String, Transport> transports() {
        return java.util.Collections.unmodifiableMap(byName);
    }

    /** @return the first transport's local endpoint */
    @Override
    public Endpoint localEndpoint() {
        return first.localEndpoint();
    }

    @Override
    public void start(DatagramReceiver receiver) {
        for (Map.Entry<String, Transport> e : byEndpoint.entrySet()) {
            String name = e.getKey();
            e.getValue().start((source, buffer, offset, length) -> {
                if (!name.equals(source.transport())) {
                    wrongTransport.increment();
                    return;
                }
                receiver.onDatagram(source, buffer, offset, length);
            });
        }
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        Transport t = byEndpoint.get(to.transport());
        if (t == null) {
            noTransport.increment();
            return false;
        }
        return t.send(to, buffer, offset, length);
    }

    @Override
    public long errors() {
        long sum = wrongTransport.sum() + noTransport.sum();
        for (Transport t : byName.values()) {
            sum += t.errors();
        }
        return sum;
    }

    /** @return every transport's counters prefixed with its name, and this set's own */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> all = new LinkedHashMap<>();
        byName.forEach((name, t) -> t.counters().forEach((k, v) -> all.put(name + "_" + k, v)));
        all.put("wrong_transport", wrongTransport.sum());
        all.put("no_transport", noTransport.sum());
        return all;
    }

    /** Closes every transport, even when one fails. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (Transport t : List.copyOf(byName.values())) {
            try {
                t.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

package io.postern.engine;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * An in-memory datagram network between engines: datagrams are queued and delivered when the test
 * calls {@link #deliverAll()}, so a test decides exactly what arrives, and can drop, capture,
 * duplicate or inject datagrams.
 */
final class LoopbackNetwork {
    /** One datagram in flight. */
    record Datagram(Endpoint from, Endpoint to, byte[] bytes) {
        int type() {
            return bytes.length == 0 ? -1 : bytes[0] & 0xff;
        }
    }

    private final Map<Endpoint, DatagramReceiver> receivers = new ConcurrentHashMap<>();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    /** Every datagram sent, in order (delivered or not). */
    final List<Datagram> captured = new ArrayList<>();
    private Predicate<Datagram> dropIf = d -> false;
    /**
     * When set, a datagram is delivered inside the sender's {@code send} call (re-entrantly), as a
     * fast network can: the answer may be processed before the sender's next statement.
     */
    volatile boolean immediate;

    /** @return a transport bound to {@code local} on this network */
    Transport bind(Endpoint local) {
        return new InMemoryTransport(local);
    }

    /** Drops every datagram matching {@code filter} from now on (replaces the previous filter). */
    synchronized void dropIf(Predicate<Datagram> filter) {
        dropIf = filter;
    }

    /** Queues a datagram as if {@code from} had sent it. */
    synchronized void inject(Endpoint from, Endpoint to, byte[] bytes) {
        queue.add(new Datagram(from, to, bytes.clone()));
    }

    /** Discards whatever is queued. */
    synchronized void discardQueued() {
        queue.clear();
    }

    /** @return datagrams captured so far of message type {@code type} sent by {@code from} */
    synchronized List<Datagram> sentBy(Endpoint from, int type) {
        return captured.stream().filter(d -> d.from().equals(from) && d.type() == type).toList();
    }

    /** Delivers queued datagrams (and what they cause) until none is left. @return how many */
    int deliverAll() {
        int n = 0;
        while (true) {
            Datagram d;
            synchronized (this) {
                d = queue.poll();
            }
            if (d == null) {
                return n;
            }
            if (++n > 10_000) {
                throw new IllegalStateException("datagram storm: more than 10000 deliveries");
            }
            DatagramReceiver r = receivers.get(d.to());
            if (r != null) {
                r.onDatagram(d.from(), d.bytes().clone(), 0, d.bytes().length);
            }
        }
    }

    private void send(Endpoint from, Endpoint to, byte[] buf, int off, int len) {
        Datagram d = new Datagram(from, to, Arrays.copyOfRange(buf, off, off + len));
        synchronized (this) {
            captured.add(d);
            if (dropIf.test(d)) {
                return;
            }
            if (!immediate) {
                queue.add(d);
                return;
            }
        }
        DatagramReceiver r = receivers.get(to);
        if (r != null) {
            r.onDatagram(from, d.bytes().clone(), 0, d.bytes().length);
        }
    }

    private final class InMemoryTransport implements Transport {
        private final Endpoint local;
        private volatile DatagramReceiver receiver;

        InMemoryTransport(Endpoint local) {
            this.local = local;
        }

        @Override
        public Endpoint localEndpoint() {
            return local;
        }

        @Override
        public void start(DatagramReceiver receiver) {
            this.receiver = receiver;
            receivers.put(local, receiver);
        }

        @Override
        public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
            LoopbackNetwork.this.send(local, to, buffer, offset, length);
            return true;
        }

        @Override
        public void close() {
            DatagramReceiver r = receiver;
            if (r != null) {
                receivers.remove(local, r);
            }
        }
    }
}

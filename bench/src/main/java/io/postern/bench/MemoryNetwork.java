package io.postern.bench;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-memory datagram network for benchmarks that drive engines without sockets: each
 * {@link Port} is a {@link Transport} with a made-up loopback endpoint. In queueing mode a sent
 * datagram is copied onto a queue that {@link #pump()} delivers; in capturing mode a port keeps only
 * its last datagram in a fixed buffer (no allocation), for a benchmark to feed on by hand.
 * Single-threaded.
 */
public final class MemoryNetwork {
    private record Datagram(Endpoint from, Endpoint to, byte[] bytes) {}

    private final Map<Endpoint, DatagramReceiver> receivers = new HashMap<>();
    private final ArrayDeque<Datagram> queue = new ArrayDeque<>();
    private int nextPort = 1;

    /** Ports per address: under the engine's per-source quota of dynamic peers (16,384), which a load run is not about. */
    private static final int PORTS_PER_ADDRESS = 8_192;

    /** @return a new port: 127.0.0.1:1, :2, … up to :8192, then 127.0.1.1:1 and so on */
    public Port open() {
        int n = nextPort++;
        int host = (n - 1) / PORTS_PER_ADDRESS;
        byte[] ip = {127, (byte) (host >> 8), (byte) host, 1};
        try {
            return new Port(Endpoint.of(InetAddress.getByAddress(ip), 1 + (n - 1) % PORTS_PER_ADDRESS));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Delivers queued datagrams (and those they cause) until none is left. @return how many */
    public int pump() {
        int n = 0;
        Datagram d;
        while ((d = queue.poll()) != null) {
            DatagramReceiver r = receivers.get(d.to());
            if (r != null) {
                r.onDatagram(d.from(), d.bytes(), 0, d.bytes().length);
            }
            n++;
        }
        return n;
    }

    /** One endpoint of the network. */
    public final class Port implements Transport {
        private final Endpoint local;
        private final byte[] last = new byte[65536];
        private int lastLength;
        private boolean capturing;
        private long sent;

        private Port(Endpoint local) {
            this.local = local;
        }

        @Override
        public Endpoint localEndpoint() {
            return local;
        }

        @Override
        public void start(DatagramReceiver receiver) {
            receivers.put(local, receiver);
        }

        /** @param capture keep only the last datagram (true) or queue every datagram for {@link #pump()} */
        public void capture(boolean capture) {
            capturing = capture;
        }

        @Override
        public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
            sent++;
            if (capturing) {
                System.arraycopy(buffer, offset, last, 0, length);
                lastLength = length;
            } else {
                byte[] copy = new byte[length];
                System.arraycopy(buffer, offset, copy, 0, length);
                queue.add(new Datagram(local, to, copy));
            }
            return true;
        }

        /** @return the buffer holding the last datagram captured */
        public byte[] last() {
            return last;
        }

        /** @return the length of the last datagram captured */
        public int lastLength() {
            return lastLength;
        }

        /** @return datagrams sent through this port */
        public long sent() {
            return sent;
        }

        @Override
        public void close() {
            receivers.remove(local);
        }
    }
}

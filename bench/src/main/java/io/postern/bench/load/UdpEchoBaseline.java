package io.postern.bench.load;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import org.HdrHistogram.Histogram;

/**
 * The baseline every load figure is divided by: a plain {@link DatagramChannel} echo on loopback,
 * no crypto, no engine. The server echoes each datagram on its own platform thread.
 */
final class UdpEchoBaseline implements AutoCloseable {
    private final DatagramChannel server;
    private final Thread thread;

    UdpEchoBaseline() throws IOException {
        server = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = Thread.ofPlatform().name("udp-echo-baseline").daemon(true).start(this::echo);
    }

    private void echo() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        try {
            while (true) {
                buffer.clear();
                var from = server.receive(buffer);
                buffer.flip();
                server.send(buffer, from);
            }
        } catch (IOException closed) {
            // close() ends the loop
        }
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    /** @return a client of this echo server (its own socket), for interleaving round trips with other work */
    Client client(int size) throws IOException {
        return new Client(address(), size);
    }

    /** @return the round-trip times (µs) of {@code count} sequential echoes of {@code size} bytes */
    Histogram roundTrips(int count, int size) throws IOException {
        Histogram h = new Histogram(60_000_000L, 3);
        try (Client client = client(size)) {
            for (int i = 0; i < count; i++) {
                h.recordValue(client.roundTripMicros());
            }
        }
        return h;
    }

    /** A blocking client: one datagram out, its echo back. */
    static final class Client implements AutoCloseable {
        private final DatagramChannel channel;
        private final ByteBuffer out;
        private final ByteBuffer in = ByteBuffer.allocateDirect(65536);

        private Client(InetSocketAddress server, int size) throws IOException {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            channel.connect(server);
            out = ByteBuffer.allocateDirect(size);
        }

        /** @return the microseconds (at least 1) of one round trip */
        long roundTripMicros() throws IOException {
            out.clear();
            in.clear();
            long t0 = System.nanoTime();
            channel.write(out);
            channel.read(in);
            return Math.max(1, (System.nanoTime() - t0) / 1000);
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

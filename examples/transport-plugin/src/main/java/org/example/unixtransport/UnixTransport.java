package org.example.unixtransport;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A listening UNIX domain socket and its connections: one virtual thread accepts, one per
 * connection reads frames (a 16-bit big-endian length, then the datagram) and hands them to the
 * receiver; {@link #send} writes a frame to the connection the endpoint names.
 *
 * <p>A UNIX socket peer has no IP address, so each connection gets an endpoint of its own:
 * {@code unix://0.a.b.c:p}, from a connection counter, in {@code 0.0.0.0/8} (an address no IP packet
 * comes from). It is unique for the life of the transport; the engine only compares it and hands it
 * back to {@link #send}.
 *
 * <p>Bounds: at most {@code MaxConnections} connections (more are closed at once); a zero or
 * oversize length closes the connection. Local peers are trusted not to stall: a write to a peer
 * that stops reading blocks the sender once the socket buffer is full, which is acceptable for the
 * sidecar this example is for, and is what {@code transport-tcp}'s bounded send queue avoids.
 */
final class UnixTransport implements Transport {
    static final String NAME = "unix";
    private static final int MAX_FRAME = 65535;

    private final ServerSocketChannel server;
    private final Path path;
    private final int maxConnections;
    private final Endpoint local;
    private final Map<Endpoint, SocketChannel> connections = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final LongAdder refused = new LongAdder();
    private final LongAdder badFrames = new LongAdder();
    private volatile boolean closed;

    private UnixTransport(ServerSocketChannel server, Path path, int maxConnections) {
        this.server = server;
        this.path = path;
        this.maxConnections = maxConnections;
        this.local = endpoint(0);
    }

    static UnixTransport bind(Path path, int maxConnections) throws IOException {
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen on the UNIX socket " + path + ": " + e.getMessage(), e);
        }
        return new UnixTransport(server, path, maxConnections);
    }

    /** @return the endpoint for connection number {@code id} (0: the transport itself) */
    private static Endpoint endpoint(long id) {
        try {
            InetAddress ip = InetAddress.getByAddress(new byte[] {0, (byte) (id >>> 32), (byte) (id >>> 24), (byte) (id >>> 16)});
            return Endpoint.of(NAME, ip, (int) (id & 0xffff));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return local;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        Thread.ofVirtual().name("postern-unix-accept").start(() -> {
            while (!closed) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                if (connections.size() >= maxConnections) {
                    refused.increment();
                    closeQuietly(ch);
                    continue;
                }
                Endpoint peer = endpoint(nextId.getAndIncrement());
                connections.put(peer, ch);
                Thread.ofVirtual().name("postern-unix-" + peer.port()).start(() -> readLoop(peer, ch, receiver));
            }
        });
    }

    private void readLoop(Endpoint peer, SocketChannel ch, DatagramReceiver receiver) {
        ByteBuffer header = ByteBuffer.allocate(2);
        ByteBuffer frame = ByteBuffer.allocate(MAX_FRAME);
        try {
            while (!closed) {
                header.clear();
                if (!readFully(ch, header)) {
                    return;
                }
                int length = header.getShort(0) & 0xffff;
                if (length == 0) {
                    badFrames.increment();
                    return;
                }
                frame.clear().limit(length);
                if (!readFully(ch, frame)) {
                    return;
                }
                receiver.onDatagram(peer, frame.array(), 0, length);
            }
        } catch (IOException | RuntimeException e) {
            // a broken connection ends only itself
        } finally {
            connections.remove(peer);
            closeQuietly(ch);
        }
    }

    private static boolean readFully(SocketChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        SocketChannel ch = connections.get(to);
        if (ch == null || length <= 0 || length > MAX_FRAME) {
            return false;
        }
        ByteBuffer[] frame = {ByteBuffer.allocate(2).putShort(0, (short) length), ByteBuffer.wrap(buffer, offset, length)};
        synchronized (ch) {
            try {
                while (frame[1].hasRemaining()) {
                    ch.write(frame);
                }
                return true;
            } catch (IOException e) {
                closeQuietly(ch);
                return false;
            }
        }
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of("connections_open", (long) connections.size(), "refused_max_connections", refused.sum(),
                "closed_zero_length", badFrames.sum());
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        connections.values().forEach(UnixTransport::closeQuietly);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // best effort
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}

package io.postern.transport.tcp;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WireGuard datagrams over TCP: a listening socket and the connections it accepts, plus connections
 * it dials to {@code tcp} endpoints it is asked to send to (Postern as a client). Each datagram is a
 * 16-bit big-endian length followed by that many bytes, as Debian's {@code udptunnel} and Mullvad's
 * udp-over-tcp frame them; with {@code Handshake} set, each connection starts with udptunnel's
 * 32-byte handshake string (the dialler sends it, the listener checks it).
 *
 * <p>One selector thread ({@value #THREAD_NAME}) accepts, connects, reads, flushes queued bytes and
 * enforces the deadlines; it hands each complete frame to the {@link DatagramReceiver} straight from
 * the connection's frame buffer. {@link #send} may be called from any thread: it writes to the
 * socket at once when nothing is queued, and otherwise queues the frame if the connection's send
 * queue has room ({@link TcpSettings#sendBuffer()}) — else the datagram is dropped and counted, as a
 * full UDP socket buffer would drop it, so a peer that stops reading costs bounded memory.
 *
 * <p>An endpoint is {@code tcp://ip:port} of the remote end: a client's address and source port for
 * an accepted connection, the server's for a dialled one. A connection is closed, with its reason
 * counted ({@link #counters()}), for: a zero length ({@code closed_zero_length}), a length above
 * {@code MaxFrame} ({@code closed_oversize}), a wrong handshake string ({@code closed_bad_handshake}),
 * a frame — or the first frame of a new connection — not complete within {@code FrameTimeout}
 * ({@code closed_frame_timeout}; slowloris and half-open connections), no frame within
 * {@code IdleTimeout} ({@code closed_idle}), a dialled connection not established within
 * {@code FrameTimeout} ({@code closed_connect_timeout}), the peer closing it ({@code closed_by_peer}) or an I/O
 * error ({@code closed_io_error}). Nothing else is touched: other connections and every session go on.
 * A connection over {@code MaxConnections} or {@code MaxConnectionsPerIp} is closed as soon as it is
 * accepted ({@code refused_max_connections}, {@code refused_max_per_ip}); an existing connection is
 * never closed to make room.
 *
 * <p>The transport never dials an endpoint that connected to it (a client's ephemeral port): replies
 * to a client whose connection is gone are dropped ({@code send_no_connection}) until it reconnects.
 */
final class TcpTransport implements Transport {
    /** The transport's name, in its endpoints. */
    static final String NAME = "tcp";
    /** Name of the selector thread. */
    static final String THREAD_NAME = "postern-tcp";
    private static final Logger LOG = LoggerFactory.getLogger(TcpTransport.class);
    /** Accepts handled per select round, so a flood of connections cannot starve reads. */
    private static final int ACCEPTS_PER_ROUND = 256;
    /** Remembered endpoints of accepted connections, never dialled. */
    private static final int INBOUND_MEMORY = 4096;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final TcpSettings settings;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Endpoint localEndpoint;
    private final Map<Endpoint, Connection> connections = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> perIp = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentLinkedQueue<Connection> toRegister = new ConcurrentLinkedQueue<>();
    /** Endpoints of connections that came in; guarded by itself. */
    private final Map<Endpoint, Boolean> inbound = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Endpoint, Boolean> eldest) {
            return size() > INBOUND_MEMORY;
        }
    };
    private final Map<String, LongAdder> counters = new LinkedHashMap<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile DatagramReceiver receiver;
    private volatile Thread thread;

    private TcpTransport(TcpSettings settings, ServerSocketChannel server, Selector selector, Endpoint local) {
        this.settings = settings;
        this.server = server;
        this.selector = selector;
        this.localEndpoint = local;
        for (String c : new String[] {"accepted", "dialled", "frames_received", "frames_sent", "closed_zero_length",
                "closed_oversize", "closed_bad_handshake", "closed_frame_timeout", "closed_idle", "closed_by_peer",
                "closed_io_error", "closed_connect_timeout", "refused_max_connections", "refused_max_per_ip", "send_dropped_full",
                "send_no_connection", "send_oversize", "receiver_errors"}) {
            counters.put(c, new LongAdder());
        }
    }

    /**
     * Listens on {@code local} ({@code ::} is dual-stack).
     *
     * @throws IOException naming the address when it cannot be bound
     */
    static TcpTransport bind(InetSocketAddress local, TcpSettings settings) throws IOException {
        if (local == null || local.isUnresolved()) {
            throw new IOException("cannot bind TCP to " + local + ": not a resolved address");
        }
        ServerSocketChannel server = ServerSocketChannel.open(local.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        Selector selector = null;
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(local, 128);
            server.configureBlocking(false);
            selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            InetSocketAddress bound = (InetSocketAddress) server.getLocalAddress();
            return new TcpTransport(settings, server, selector, new Endpoint(NAME, bound));
        } catch (IOException | RuntimeException e) {
            server.close();
            if (selector != null) {
                selector.close();
            }
            throw new IOException("cannot bind TCP to " + local + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return localEndpoint;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        Transport.claimStart(receiver, closed, started, localEndpoint);
        this.receiver = receiver;
        Thread t = Thread.ofPlatform().name(THREAD_NAME).daemon(true).unstarted(this::loop);
        thread = t;
        t.start();
    }

    // ---- the selector thread ----

    private void loop() {
        long tick = Math.max(10, Math.min(1000, Math.min(settings.frameTimeout().toMillis(), settings.idleTimeout().toMillis()) / 4));
        long nextSweep = System.nanoTime();
        while (!closed.get()) {
            try {
                selector.select(tick);
            } catch (IOException | RuntimeException e) {
                if (closed.get()) {
                    break;
                }
                LOG.warn("tcp select failed local={} error={}", localEndpoint, e.toString());
                continue;
            }
            registerDialled();
            Set<SelectionKey> ready = selector.selectedKeys();
            for (SelectionKey key : ready) {
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.channel() == server) {
                        acceptSome();
                        continue;
                    }
                    Connection c = (Connection) key.attachment();
                    if (key.isConnectable()) {
                        c.finishConnect();
                    }
                    if (key.isValid() && key.isReadable()) {
                        c.read();
                    }
                    if (key.isValid() && key.isWritable()) {
                        c.flush();
                    }
                } catch (java.nio.channels.CancelledKeyException e) {
                    // closed by a sender meanwhile
                }
            }
            ready.clear();
            long now = System.nanoTime();
            if (now - nextSweep >= 0) {
                nextSweep = now + tick * 1_000_000L;
                for (Connection c : connections.values()) {
                    c.checkDeadlines(now);
                }
            }
        }
        for (Connection c : connections.values()) {
            c.close(null);
        }
    }

    private void acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.debug("tcp accept failed local={} error={}", localEndpoint, e.toString());
                return;
            }
            if (ch == null) {
                return;
            }
            InetSocketAddress remote;
            try {
                remote = (InetSocketAddress) ch.getRemoteAddress();
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            Endpoint from = endpointOf(remote);
            if (open.get() >= settings.maxConnections()) {
                count("refused_max_connections");
                closeQuietly(ch);
                continue;
            }
            if (perIp.merge(from.ip(), 1, Integer::sum) > settings.maxConnectionsPerIp()) {
                releaseIp(from.ip());
                count("refused_max_per_ip");
                closeQuietly(ch);
                continue;
            }
            Connection c = new Connection(ch, from, true);
            open.incrementAndGet();
            synchronized (inbound) {
                inbound.put(from, Boolean.TRUE);
            }
            Connection previous = connections.put(from, c);
            if (previous != null) {
                previous.close("closed_io_error"); // the same address and port again: the old one is gone
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
            } catch (IOException e) {
                c.close("closed_io_error");
                continue;
            }
            count("accepted");
        }
    }

    private void registerDialled() {
        Connection c;
        while ((c = toRegister.poll()) != null) {
            synchronized (c) {
                if (c.closed) {
                    continue;
                }
                try {
                    int ops = c.connected ? SelectionKey.OP_READ | (c.hasQueued() ? SelectionKey.OP_WRITE : 0)
                            : SelectionKey.OP_CONNECT;
                    c.key = c.channel.register(selector, ops, c);
                } catch (IOException e) {
                    c.close("closed_io_error");
                }
            }
        }
    }

    // ---- sending, any thread ----

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        if (length > settings.maxFrame() || length <= 0) {
            count("send_oversize");
            return false;
        }
        Connection c = connections.get(to);
        if (c == null) {
            c = dial(to);
            if (c == null) {
                return false;
            }
        }
        return c.sendFrame(buffer, offset, length);
    }

    /** @return a new connection being dialled to {@code to}, or null when it may not or cannot be */
    private Connection dial(Endpoint to) {
        if (closed.get() || !NAME.equals(to.transport())) {
            count("send_no_connection");
            return null;
        }
        synchronized (inbound) {
            if (inbound.containsKey(to)) {
                count("send_no_connection");
                return null;
            }
        }
        synchronized (connections) {
            Connection existing = connections.get(to);
            if (existing != null) {
                return existing;
            }
            if (open.get() >= settings.maxConnections()) {
                count("refused_max_connections");
                return null;
            }
            SocketChannel ch = null;
            try {
                ch = SocketChannel.open(to.ip() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                boolean now = ch.connect(to.address());
                Connection c = new Connection(ch, to, false);
                c.connected = now;
                open.incrementAndGet();
                if (settings.handshake() != null) {
                    c.queue(settings.handshake(), 0, settings.handshake().length, false);
                }
                connections.put(to, c);
                toRegister.add(c);
                selector.wakeup();
                count("dialled");
                LOG.debug("tcp dialling remote={}", to);
                return c;
            } catch (IOException | RuntimeException e) {
                closeQuietly(ch);
                count("closed_io_error");
                LOG.debug("tcp dial failed remote={} error={}", to, e.toString());
                return null;
            }
        }
    }

    @Override
    public long errors() {
        return counters.get("closed_io_error").sum() + counters.get("receiver_errors").sum();
    }

    /** @return every counter, and {@code connections_open} */
    @Override
    public Map<String, Long> counters() {
        Map<String, Long> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.sum()));
        out.put("connections_open", (long) open.get());
        return out;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        selector.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!t.join(CLOSE_WAIT)) {
                    LOG.warn("tcp thread did not stop within {} local={}", CLOSE_WAIT, localEndpoint);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection c : connections.values()) {
            c.close(null);
        }
        closeQuietly(server);
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("tcp selector close failed error={}", e.toString());
        }
    }

    private void count(String counter) {
        counters.get(counter).increment();
    }

    private void releaseIp(InetAddress ip) {
        perIp.computeIfPresent(ip, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** @return the endpoint of a remote address, an IPv4-mapped IPv6 address as IPv4 */
    static Endpoint endpointOf(InetSocketAddress remote) {
        InetAddress ip = remote.getAddress();
        if (ip instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    ip = Inet4Address.getByAddress(Arrays.copyOfRange(b, 12, 16));
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("4 bytes are always an IPv4 address", e);
                }
            }
        }
        return Endpoint.of(NAME, ip, remote.getPort());
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("tcp close failed error={}", e.toString());
        }
    }

    /**
     * One connection. Reading, deadlines and registration happen on the selector thread; writing
     * and the send queue are guarded by the connection's monitor (senders and the selector thread).
     */
    private final class Connection {
        final SocketChannel channel;
        final Endpoint remote;
        final boolean accepted;
        volatile SelectionKey key;
        volatile boolean connected = true;
        volatile boolean closed;
        /** Received bytes not yet handed on: at most one length and one frame. Selector thread only. */
        private ByteBuffer in;
        /** Handshake bytes still expected (accepted connections with a handshake string). */
        private int handshakeLeft;
        /** When the frame being received started, 0 when none; selector thread only. */
        private long frameStarted;
        private long lastFrame;
        private final long created;
        /** Bytes waiting to be written; null until the socket is first full. Guarded by this. */
        private ByteBuffer out;
        private final ByteBuffer[] pair = new ByteBuffer[2];
        private final byte[] header = new byte[2];

        Connection(SocketChannel channel, Endpoint remote, boolean accepted) {
            this.channel = channel;
            this.remote = remote;
            this.accepted = accepted;
            long now = System.nanoTime();
            this.created = now;
            this.lastFrame = now;
            // a new connection must deliver its first frame (and handshake) within FrameTimeout; one we
            // dialled waits for the server only as long as IdleTimeout
            this.frameStarted = accepted ? now : 0;
            this.handshakeLeft = accepted && settings.handshake() != null ? TcpSettings.HANDSHAKE_LENGTH : 0;
        }

        void finishConnect() {
            synchronized (this) {
                try {
                    if (!channel.finishConnect()) {
                        return;
                    }
                } catch (IOException e) {
                    LOG.debug("tcp connect failed remote={} error={}", remote, e.toString());
                    close("closed_io_error");
                    return;
                }
                connected = true;
                key.interestOps(SelectionKey.OP_READ | (hasQueued() ? SelectionKey.OP_WRITE : 0));
                LOG.debug("tcp connected remote={}", remote);
            }
        }

        void read() {
            if (in == null) {
                in = ByteBuffer.allocate(Math.max(2 + settings.maxFrame(), TcpSettings.HANDSHAKE_LENGTH));
            }
            int n;
            try {
                n = channel.read(in);
            } catch (IOException e) {
                close("closed_io_error");
                return;
            }
            if (n < 0) {
                close("closed_by_peer");
                return;
            }
            in.flip();
            if (handshakeLeft > 0) {
                if (in.remaining() < TcpSettings.HANDSHAKE_LENGTH) {
                    in.compact();
                    return;
                }
                byte[] got = new byte[TcpSettings.HANDSHAKE_LENGTH];
                in.get(got);
                if (!java.security.MessageDigest.isEqual(got, settings.handshake())) {
                    close("closed_bad_handshake");
                    return;
                }
                handshakeLeft = 0;
                frameStarted = System.nanoTime(); // the first frame gets its own FrameTimeout
            }
            boolean completed = false;
            byte[] array = in.array();
            while (in.remaining() >= 2) {
                int pos = in.position();
                int length = (array[pos] & 0xff) << 8 | array[pos + 1] & 0xff;
                if (length == 0) {
                    close("closed_zero_length");
                    return;
                }
                if (length > settings.maxFrame()) {
                    close("closed_oversize");
                    return;
                }
                if (in.remaining() < 2 + length) {
                    break;
                }
                in.position(pos + 2 + length);
                completed = true;
                count("frames_received");
                try {
                    receiver.onDatagram(remote, array, pos + 2, length);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) {
                    count("receiver_errors");
                    LOG.debug("tcp receiver threw remote={} error={}", remote, e.toString());
                }
                if (closed) {
                    return;
                }
            }
            in.compact();
            long now = System.nanoTime();
            if (completed) {
                lastFrame = now;
                frameStarted = in.position() > 0 ? now : 0;
            } else if (frameStarted == 0 && in.position() > 0) {
                frameStarted = now;
            }
        }

        void checkDeadlines(long now) {
            if (!connected && now - created > settings.frameTimeout().toNanos()) {
                close("closed_connect_timeout");
            } else if (frameStarted != 0 && now - frameStarted > settings.frameTimeout().toNanos()) {
                close("closed_frame_timeout");
            } else if (now - lastFrame > settings.idleTimeout().toNanos()) {
                close("closed_idle");
            }
        }

        synchronized boolean hasQueued() {
            return out != null && out.position() > 0;
        }

        synchronized boolean sendFrame(byte[] buffer, int offset, int length) {
            if (closed) {
                count("send_no_connection");
                return false;
            }
            header[0] = (byte) (length >>> 8);
            header[1] = (byte) length;
            if (connected && !hasQueued()) {
                pair[0] = ByteBuffer.wrap(header);
                pair[1] = ByteBuffer.wrap(buffer, offset, length);
                try {
                    channel.write(pair);
                } catch (IOException e) {
                    close("closed_io_error");
                    return false;
                }
                if (!pair[1].hasRemaining()) {
                    count("frames_sent");
                    return true;
                }
                // the socket is full: queue the rest (it always fits: sendBuffer >= maxFrame + 2)
                queue(pair[0].array(), pair[0].position(), pair[0].remaining(), true);
                queue(buffer, pair[1].position(), pair[1].remaining(), true);
                count("frames_sent");
                return true;
            }
            if (out != null && out.remaining() < 2 + length) {
                count("send_dropped_full");
                return false;
            }
            queue(header, 0, 2, true);
            queue(buffer, offset, length, true);
            count("frames_sent");
            return true;
        }

        /** Appends to the send queue (room checked by the caller) and asks for OP_WRITE. */
        synchronized void queue(byte[] bytes, int offset, int length, boolean wantWrite) {
            if (out == null) {
                out = ByteBuffer.allocate(settings.sendBuffer());
            }
            out.put(bytes, offset, length);
            SelectionKey k = key;
            if (wantWrite && connected && k != null && k.isValid()) {
                k.interestOpsOr(SelectionKey.OP_WRITE);
                selector.wakeup();
            }
        }

        synchronized void flush() {
            if (out == null || closed) {
                return;
            }
            out.flip();
            try {
                channel.write(out);
            } catch (IOException e) {
                out.compact();
                close("closed_io_error");
                return;
            }
            out.compact();
            if (out.position() == 0) {
                key.interestOpsAnd(~SelectionKey.OP_WRITE);
            }
        }

        /** Closes the connection (idempotent), counting {@code reason} unless it is null (shutdown). */
        synchronized void close(String reason) {
            if (closed) {
                return;
            }
            closed = true;
            if (reason != null) {
                count(reason); // before the socket closes, so whoever sees the close sees the count
                LOG.debug("tcp connection closed remote={} reason={}", remote, reason);
            }
            connections.remove(remote, this);
            open.decrementAndGet();
            if (accepted) {
                releaseIp(remote.ip());
            }
            SelectionKey k = key;
            if (k != null) {
                k.cancel();
            }
            closeQuietly(channel);
            out = null;
        }
    }
}

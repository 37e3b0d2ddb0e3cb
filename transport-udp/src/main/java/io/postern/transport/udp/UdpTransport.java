package io.postern.transport.udp;

import io.postern.event.ThrottledCounts;
import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bound UDP socket with one receive thread. The thread ({@value #RX_THREAD_NAME}, a platform
 * thread) blocks in {@link DatagramChannel#receive} into one reused heap buffer of
 * {@value #MAX_DATAGRAM} bytes and hands its backing array to the {@link DatagramReceiver}. Closing
 * the channel unblocks the receive, which is how {@link #close()} stops the thread.
 *
 * <p>The loop never dies on a bad datagram: an exception thrown by the receiver, or an I/O error on
 * one receive, is counted in {@link #errors()} and logged at DEBUG at most once per
 * {@link #LOG_INTERVAL}. An {@link Error} (out of memory, a broken plugin class) ends the thread and
 * goes to its uncaught-exception handler: the gateway's ends the process. Source addresses that are IPv4-mapped IPv6 addresses
 * ({@code ::ffff:a.b.c.d}, what a dual-stack socket reports for IPv4 traffic) become plain IPv4
 * endpoints, so a peer has one {@link Endpoint} whichever socket family saw it.
 *
 * <p>{@link #send} may be called from any thread (the channel serialises writers); it never throws.
 * The channel is in blocking mode, so a send can wait briefly while the kernel's send buffer is
 * full; with UDP that wait is short.
 */
final class UdpTransport implements Transport {
    /** Requested SO_RCVBUF/SO_SNDBUF (wireguard-go conn/controlfns_linux.go: 7 MiB). */
    static final int SOCKET_BUFFER_BYTES = 7 << 20;
    private static final Logger LOG = LoggerFactory.getLogger(UdpTransport.class);

    /** Largest UDP payload over IPv4/IPv6 without jumbograms; the receive buffer's size. */
    static final int MAX_DATAGRAM = 65535;
    /** Name of the receive thread. */
    static final String RX_THREAD_NAME = "postern-udp-rx";
    /** At most one DEBUG line about receive or send errors per interval. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(1);
    /** How long {@link #close()} waits for the receive thread to finish. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    /** Pause after a receive I/O error, so a persistently failing socket cannot spin a core. */
    private static final Duration ERROR_PAUSE = Duration.ofMillis(1);

    private final DatagramChannel channel;
    private final Endpoint localEndpoint;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Receive and send errors (one key): counted, and logged at most once per {@link #LOG_INTERVAL}. */
    private final ThrottledCounts errors = new ThrottledCounts(1, LOG_INTERVAL);
    private volatile Thread rxThread;

    private UdpTransport(DatagramChannel channel, Endpoint localEndpoint) {
        this.channel = channel;
        this.localEndpoint = localEndpoint;
    }

    /**
     * Opens and binds a channel of the family of {@code local}'s address: IPv6 (dual-stack for the
     * wildcard {@code ::}) or IPv4.
     *
     * @throws IOException naming the address when it cannot be bound
     */
    static UdpTransport bind(InetSocketAddress local) throws IOException {
        if (local == null || local.isUnresolved()) {
            throw new IOException("cannot bind UDP to " + local + ": not a resolved address");
        }
        ProtocolFamily family = local.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        DatagramChannel channel;
        try {
            channel = DatagramChannel.open(family);
        } catch (UnsupportedOperationException e) {
            throw new IOException("cannot bind UDP to " + describe(local) + ": " + family + " is not supported here", e);
        }
        try {
            // Large socket buffers ride out bursts (a handshake flood, a burst of data) instead of
            // dropping in the kernel; wireguard-go asks for 7 MiB too. The kernel caps the request at
            // net.core.rmem_max / wmem_max, so this is a ceiling, never an error.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(local);
            channel.configureBlocking(true);
            InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
            return new UdpTransport(channel, new Endpoint(bound));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new IOException("cannot bind UDP to " + describe(local) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Endpoint localEndpoint() {
        return localEndpoint;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        Transport.claimStart(receiver, closed, started, localEndpoint);
        Thread thread = Thread.ofPlatform().name(RX_THREAD_NAME).daemon(true).unstarted(() -> receiveLoop(receiver));
        rxThread = thread;
        thread.start();
        LOG.debug("udp transport receiving local={}", localEndpoint);
    }

    private void receiveLoop(DatagramReceiver receiver) {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_DATAGRAM);
        byte[] array = buffer.array();
        while (!closed.get()) {
            SocketAddress source;
            buffer.clear();
            try {
                source = channel.receive(buffer);
            } catch (ClosedChannelException e) {
                break; // close() closed the channel (AsynchronousCloseException is a subclass)
            } catch (IOException | RuntimeException e) {
                if (closed.get() || !channel.isOpen()) {
                    break;
                }
                countError("receive failed", e);
                LockSupport.parkNanos(ERROR_PAUSE.toNanos());
                continue;
            }
            if (source == null) {
                continue; // not possible in blocking mode; kept so a mode change cannot spin on null
            }
            Endpoint from = endpointOf((InetSocketAddress) source);
            try {
                receiver.onDatagram(from, array, 0, buffer.position());
            } catch (Error e) {
                // ends this thread; its uncaught-exception handler (the gateway's ends the process) decides
                throw e;
            } catch (Throwable e) {
                countError("receiver threw on a datagram from " + from, e);
            }
        }
        LOG.debug("udp transport stopped receiving local={}", localEndpoint);
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        try {
            channel.send(ByteBuffer.wrap(buffer, offset, length), to.address());
            return true;
        } catch (IOException | RuntimeException e) {
            // a full buffer, an unreachable network, the wrong family, closed, or bad arguments
            if (!closed.get()) {
                countError("send to " + to + " failed", e);
            } else {
                errors.count(0);
            }
            return false;
        }
    }

    @Override
    public boolean receiving() {
        Thread thread = rxThread;
        return !closed.get() && thread != null && thread.isAlive();
    }

    @Override
    public long errors() {
        return errors.total(0);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(channel);
        Thread thread = rxThread;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                if (!thread.join(CLOSE_WAIT)) {
                    LOG.warn("udp receive thread did not stop within {} local={}", CLOSE_WAIT, localEndpoint);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LOG.debug("udp transport closed local={}", localEndpoint);
    }

    /**
     * @return the endpoint for a received source address, with an IPv4-mapped IPv6 address
     *         ({@code ::ffff:a.b.c.d}) turned into the IPv4 address (RFC 4291 section 2.5.5.2)
     */
    static Endpoint endpointOf(InetSocketAddress source) {
        InetAddress ip = source.getAddress();
        if (ip instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isIpv4Mapped(b)) {
                try {
                    ip = Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
                }
                return Endpoint.of(ip, source.getPort());
            }
        }
        return new Endpoint(source);
    }

    private static boolean isIpv4Mapped(byte[] b) {
        if (b.length != 16) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private void countError(String what, Throwable e) {
        errors.count(0);
        if (LOG.isDebugEnabled() && errors.mayLog(0)) {
            long suppressed = errors.takeSinceLastLine(0) - 1;
            LOG.debug("udp {} local={} error={} suppressedSinceLast={}", what, localEndpoint, e.toString(), suppressed);
        }
    }

    private static String describe(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip == null) {
            return String.valueOf(a);
        }
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static void closeQuietly(DatagramChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing udp channel failed error={}", e.toString());
        }
    }

    /** For tests: waits until the receive thread ended. */
    boolean awaitReceiveThreadEnd(long timeout, TimeUnit unit) throws InterruptedException {
        Thread thread = rxThread;
        return thread == null || thread.join(Duration.ofNanos(unit.toNanos(timeout)));
    }
}

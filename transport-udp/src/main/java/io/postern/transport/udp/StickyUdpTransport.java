package io.postern.transport.udp;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP transport on a wildcard address ({@code ::} or {@code 0.0.0.0}) of a Linux host: one
 * {@link PktinfoSocket} whose received endpoints carry the local address each datagram was sent to,
 * so that replies leave from the address the peer talked to (wireguard-go's sticky sockets). On a
 * host with several addresses, a reply from the wrong one is dropped by the peer's NAT or firewall,
 * or seen by the peer as coming from a stranger. The engine keeps a peer's endpoint only from
 * authenticated packets, so an unauthenticated datagram never changes which address a peer's
 * replies leave from.
 *
 * <p>Otherwise as {@link UdpTransport}: one receive thread ({@value UdpTransport#RX_THREAD_NAME})
 * that never dies on a bad datagram, IPv4-mapped sources reported as IPv4, sends from any thread
 * that never throw, errors counted and logged at DEBUG at most once per interval.
 */
final class StickyUdpTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(StickyUdpTransport.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(1);

    private final PktinfoSocket socket;
    private final Endpoint localEndpoint;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private volatile Thread rxThread;

    private StickyUdpTransport(PktinfoSocket socket, Endpoint localEndpoint) {
        this.socket = socket;
        this.localEndpoint = localEndpoint;
    }

    /**
     * Binds the wildcard {@code local} names.
     *
     * @throws IOException naming the address when it cannot be bound
     */
    static StickyUdpTransport bind(InetSocketAddress local) throws IOException {
        PktinfoSocket s;
        try {
            s = PktinfoSocket.bindWildcard(local, UdpTransport.SOCKET_BUFFER_BYTES);
        } catch (IOException e) {
            throw new IOException("cannot bind UDP to " + Endpoint.of(local.getAddress(), local.getPort()) + ": "
                    + e.getMessage(), e);
        }
        return new StickyUdpTransport(s, Endpoint.of(local.getAddress(), s.port()));
    }

    /** @return whether sticky sockets work on this machine (Linux, FFM), else why not */
    static Throwable unavailable() {
        return PktinfoSocket.available();
    }

    @Override
    public Endpoint localEndpoint() {
        return localEndpoint;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        Transport.claimStart(receiver, closed, started, localEndpoint);
        Thread thread = Thread.ofPlatform().name(UdpTransport.RX_THREAD_NAME).daemon(true)
                .unstarted(() -> receiveLoop(receiver));
        rxThread = thread;
        thread.start();
        LOG.debug("udp transport receiving local={} sticky source addresses", localEndpoint);
    }

    private void receiveLoop(DatagramReceiver receiver) {
        byte[] buffer = new byte[UdpTransport.MAX_DATAGRAM];
        Endpoint[] from = new Endpoint[1];
        while (!closed.get()) {
            int n;
            try {
                n = socket.receive(buffer, from);
            } catch (IOException | RuntimeException e) {
                if (closed.get()) {
                    break;
                }
                countError("receive failed", e);
                LockSupport.parkNanos(ERROR_PAUSE.toNanos());
                continue;
            }
            if (n == -2) {
                break;
            }
            if (n < 0) {
                continue;
            }
            try {
                receiver.onDatagram(from[0], buffer, 0, n);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                countError("receiver threw on a datagram from " + from[0], e);
            }
        }
        LOG.debug("udp transport stopped receiving local={}", localEndpoint);
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        if (to == null || offset < 0 || length < 0 || offset + length > buffer.length) {
            errors.increment();
            return false;
        }
        if (socket.send(to, buffer, offset, length)) {
            return true;
        }
        if (!closed.get()) {
            countError("send to " + to + " failed", null);
        } else {
            errors.increment();
        }
        return false;
    }

    @Override
    public long errors() {
        return errors.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        socket.close();
        Thread thread = rxThread;
        boolean ended = true;
        if (thread != null && thread != Thread.currentThread()) {
            try {
                ended = thread.join(CLOSE_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = false;
            }
        }
        if (ended) {
            socket.release();
        } else {
            LOG.warn("udp receive thread did not stop within {} local={}; its socket stays open", CLOSE_WAIT,
                    localEndpoint);
        }
        LOG.debug("udp transport closed local={}", localEndpoint);
    }

    private void countError(String what, Throwable e) {
        errors.increment();
        if (!LOG.isDebugEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + UdpTransport.LOG_INTERVAL.toNanos())) {
            LOG.debug("udp {} local={} error={}", what, localEndpoint, e == null ? "send refused" : e.toString());
        }
    }
}

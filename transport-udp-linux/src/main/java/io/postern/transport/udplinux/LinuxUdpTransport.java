package io.postern.transport.udplinux;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket of its own (Linux, through {@code java.lang.foreign}) with one receive thread
 * ({@value #RX_THREAD_NAME}) that takes up to {@link Options#batch()} datagrams per {@code recvmmsg}
 * call, hands each to the {@link DatagramReceiver}, and sends what the receiver answered on that thread
 * with one {@code sendmmsg} after the batch ({@link SendBatch}, GSO where the kernel has it). With GRO
 * the kernel may deliver several datagrams of one flow as one buffer with their size; they are handed
 * on one by one, at the original boundaries. Sends from other threads are one {@code sendmmsg} of one
 * message each.
 *
 * <p>On a wildcard address ({@code ::} or {@code 0.0.0.0}) the socket is sticky, as the {@code udp}
 * transport's is there: each received endpoint carries the local address the datagram was sent to
 * ({@code IP_PKTINFO}/{@code IPV6_RECVPKTINFO}), and replies leave from it ({@code IP_PKTINFO}/
 * {@code IPV6_PKTINFO} control message on send; GSO merges only datagrams with the same destination
 * and source). A source address that has gone away falls back to the kernel's choice.
 *
 * <p>No allocation per datagram on either path: native buffers are allocated once (receive: batch ×
 * {@link Options#slotBytes()}; the receive thread's send queue the same; each other sending thread
 * one 64 KiB buffer), the receiver gets one reused heap array, endpoints and socket addresses come
 * from bounded caches ({@link SockAddrs}).
 *
 * <p>Bad input loses nothing that was fine: a datagram larger than a receive slot is dropped and
 * counted ({@link #truncated()}, {@code MSG_TRUNC}), a failed message of a send batch is counted and
 * the rest of the batch is still sent, an exception from the receiver is counted and the loop goes on.
 * Errors are counted in {@link #errors()} and logged at DEBUG at most once per {@link #LOG_INTERVAL}.
 */
final class LinuxUdpTransport implements Transport {
    static final String RX_THREAD_NAME = "postern-udp-linux-rx";
    static final int SOCKET_BUFFER_BYTES = 7 << 20;
    static final Duration LOG_INTERVAL = Duration.ofSeconds(1);
    /** The receive call returns at least this often, so close() is seen even if shutdown() did not wake it. */
    static final Duration RECEIVE_TIMEOUT = Duration.ofMillis(250);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(LinuxUdpTransport.class);

    /**
     * @param batch     datagrams per recvmmsg / sendmmsg (1-1024)
     * @param slotBytes bytes per receive slot: larger datagrams are dropped as truncated (65,536 holds any UDP datagram and any GRO buffer)
     * @param gro       ask for UDP_GRO (used only if the kernel accepts it)
     * @param gso       use UDP_SEGMENT when sending batches (only if the kernel has it)
     */
    record Options(int batch, int slotBytes, boolean gro, boolean gso) {
        static final Options DEFAULT = new Options(64, 65536, true, true);

        Options {
            if (batch < 1 || batch > 1024) {
                throw new IllegalArgumentException("batch must be 1-1024, not " + batch);
            }
            if (slotBytes < 64 || slotBytes > 65536) {
                throw new IllegalArgumentException("slotBytes must be 64-65536, not " + slotBytes);
            }
        }
    }

    /** What this socket actually uses, after asking the kernel. */
    record Features(boolean gro, boolean gso) {}

    /** What one thread outside the receive loop sends with: a batch of one message, and its errno. */
    private final class Sender {
        final Arena arena = Arena.ofAuto();
        final MemorySegment errno = Native.newErrnoSegment(arena);
        final SendBatch batch = new SendBatch(new Messages(arena, 1, 65536), fd, errno, gsoAtStart, sendErrors);
    }

    private final int fd;
    private final boolean ipv6;
    private final Endpoint localEndpoint;
    private final Options options;
    private final Arena arena = Arena.ofShared();
    private final SockAddrs addresses;
    private final Messages rx;
    private final SendBatch tx;
    private final boolean gro;
    private final boolean sticky;
    private final boolean gsoAtStart;
    private final SendBatch.Errors sendErrors;
    private final MemorySegment rxErrno;
    private final ThreadLocal<Sender> senders = ThreadLocal.withInitial(Sender::new);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger sendersInside = new AtomicInteger();
    private final LongAdder errors = new LongAdder();
    private final LongAdder truncated = new LongAdder();
    private volatile long coalescedReceived; // GRO buffers holding several datagrams; receive thread only writes
    private final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private final LongAdder unlogged = new LongAdder();
    private volatile Thread rxThread;
    private boolean inBatch; // receive thread only

    private LinuxUdpTransport(int fd, boolean ipv6, boolean sticky, Endpoint local, Options options, Features features,
            MemorySegment rxErrno) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.sticky = sticky;
        this.localEndpoint = local;
        this.options = options;
        this.gro = features.gro();
        this.gsoAtStart = features.gso();
        this.rxErrno = rxErrno;
        this.addresses = new SockAddrs(ipv6);
        this.rx = new Messages(arena, options.batch(), (long) options.batch() * options.slotBytes());
        for (int i = 0; i < options.batch(); i++) {
            rx.iovec(i, (long) i * options.slotBytes(), options.slotBytes());
            rx.resetForReceive(i, gro || sticky);
        }
        Messages out = new Messages(arena, options.batch(), (long) options.batch() * 65536);
        this.sendErrors = new SendBatch.Errors() {
            @Override
            public void sendFailed(int errno, int datagrams) {
                errors.add(datagrams);
                logError("send in a batch failed", Native.errnoName(errno));
            }

            @Override
            public void gsoOff(int errno) {
                LOG.info("udp-linux: the kernel refused a segmented (GSO) send ({}); sending datagram by datagram from now on local={}",
                        Native.errnoName(errno), localEndpoint);
            }
        };
        this.tx = new SendBatch(out, fd, rxErrno, features.gso(), sendErrors);
    }

    /**
     * Opens, configures and binds a socket of the family of {@code local}'s address (IPv6 sockets
     * are dual-stack); on a wildcard address a sticky one (local addresses received and replied from).
     *
     * @throws IOException naming the address and the system call's error
     */
    static LinuxUdpTransport bind(InetSocketAddress local, Options options) throws IOException {
        String unavailable = Native.unavailableReason();
        if (unavailable != null) {
            throw new IOException("udp-linux is not available here: " + unavailable + " (use Transport = udp)");
        }
        if (local == null || local.isUnresolved()) {
            throw new IOException("cannot bind UDP to " + local + ": not a resolved address");
        }
        boolean ipv6 = local.getAddress() instanceof Inet6Address;
        Arena setup = Arena.ofAuto();
        MemorySegment errno = Native.newErrnoSegment(Arena.ofAuto()); // the receive thread's, later
        int fd = Native.socket(errno, ipv6 ? Native.AF_INET6 : Native.AF_INET, Native.SOCK_DGRAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw new IOException("cannot bind UDP to " + describe(local) + ": socket(): " + Native.errnoName(Native.errno(errno)));
        }
        try {
            MemorySegment one = setup.allocate(ValueLayout.JAVA_INT);
            one.set(ValueLayout.JAVA_INT, 0, SOCKET_BUFFER_BYTES);
            // a ceiling the kernel caps at net.core.[rw]mem_max, never an error
            Native.setsockopt(errno, fd, Native.SOL_SOCKET, Native.SO_RCVBUF, one, 4);
            Native.setsockopt(errno, fd, Native.SOL_SOCKET, Native.SO_SNDBUF, one, 4);
            if (ipv6) {
                one.set(ValueLayout.JAVA_INT, 0, 0);
                Native.setsockopt(errno, fd, Native.IPPROTO_IPV6, Native.IPV6_V6ONLY, one, 4);
            }
            boolean sticky = local.getAddress().isAnyLocalAddress();
            if (sticky) {
                one.set(ValueLayout.JAVA_INT, 0, 1);
                // IP_PKTINFO on an IPv6 socket too: it reports the destination of IPv4 (mapped) datagrams
                if (Native.setsockopt(errno, fd, Native.IPPROTO_IP, Native.IP_PKTINFO, one, 4) != 0
                        || ipv6 && Native.setsockopt(errno, fd, Native.IPPROTO_IPV6, Native.IPV6_RECVPKTINFO, one, 4) != 0) {
                    throw new IOException("cannot bind UDP to " + describe(local) + ": no local addresses of received datagrams ("
                            + (ipv6 ? "IPV6_RECVPKTINFO" : "IP_PKTINFO") + ": " + Native.errnoName(Native.errno(errno)) + ")");
                }
            }
            MemorySegment timeout = setup.allocate(16, 8);
            timeout.set(ValueLayout.JAVA_LONG, 0, 0);
            timeout.set(ValueLayout.JAVA_LONG, 8, RECEIVE_TIMEOUT.toNanos() / 1000);
            Native.setsockopt(errno, fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, timeout, 16);

            byte[] sa = SockAddrs.encode(local.getAddress(), local.getPort(), ipv6);
            MemorySegment addr = setup.allocate(Native.SOCKADDR_SPACE, 8);
            MemorySegment.copy(sa, 0, addr, ValueLayout.JAVA_BYTE, 0, sa.length);
            if (Native.bind(errno, fd, addr, sa.length) != 0) {
                throw new IOException("cannot bind UDP to " + describe(local) + ": " + Native.errnoName(Native.errno(errno)));
            }
            MemorySegment len = setup.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, (int) Native.SOCKADDR_SPACE);
            if (Native.getsockname(errno, fd, addr, len) != 0) {
                throw new IOException("cannot read the bound address of " + describe(local) + ": " + Native.errnoName(Native.errno(errno)));
            }
            Endpoint bound = Endpoint.of(local.getAddress(), Short.toUnsignedInt(
                    addr.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN), 2)));

            boolean gro = false;
            if (options.gro()) {
                one.set(ValueLayout.JAVA_INT, 0, 1);
                gro = Native.setsockopt(errno, fd, Native.SOL_UDP, Native.UDP_GRO, one, 4) == 0;
            }
            boolean gso = false;
            if (options.gso()) {
                len.set(ValueLayout.JAVA_INT, 0, 4);
                gso = Native.getsockopt(errno, fd, Native.SOL_UDP, Native.UDP_SEGMENT, one, len) == 0;
            }
            Features features = new Features(gro, gso);
            LOG.debug("udp-linux socket local={} batch={} gro={} gso={} sticky={}", bound, options.batch(), gro, gso, sticky);
            return new LinuxUdpTransport(fd, ipv6, sticky, bound, options, features, errno);
        } catch (IOException | RuntimeException e) {
            Native.close(errno, fd);
            throw e;
        }
    }

    /** @return GRO and GSO as this socket uses them */
    Features features() {
        return new Features(gro, tx.gso());
    }

    @Override
    public Endpoint localEndpoint() {
        return localEndpoint;
    }

    @Override
    public void start(DatagramReceiver receiver) {
        Transport.claimStart(receiver, closed, started, localEndpoint);
        Thread t = Thread.ofPlatform().name(RX_THREAD_NAME).daemon(true).unstarted(() -> receiveLoop(receiver));
        rxThread = t;
        t.start();
    }

    private void receiveLoop(DatagramReceiver receiver) {
        byte[] array = new byte[options.slotBytes()];
        int slot = options.slotBytes();
        while (!closed.get()) {
            int n = Native.recvmmsg(rxErrno, fd, rx.headers, rx.capacity, Native.MSG_WAITFORONE);
            if (n <= 0) {
                if (closed.get()) {
                    break;
                }
                int e = n < 0 ? Native.errno(rxErrno) : 0;
                if (n < 0 && e != Native.EAGAIN && e != Native.EINTR) {
                    errors.increment();
                    logError("receive failed", Native.errnoName(e));
                    LockSupport.parkNanos(1_000_000); // a persistently failing socket must not spin a core
                }
                continue;
            }
            inBatch = true;
            try {
                for (int i = 0; i < n; i++) {
                    int len = rx.length(i);
                    if ((rx.flags(i) & Native.MSG_TRUNC) != 0) {
                        truncated.increment();
                        errors.increment();
                        logError("datagram larger than the receive slot dropped", "MSG_TRUNC, slot " + slot + " bytes");
                        continue;
                    }
                    Endpoint from = addresses.source(rx.names, Messages.nameOffset(i), sticky ? localAddress(i) : null);
                    if (from == null) {
                        errors.increment();
                        continue;
                    }
                    MemorySegment.copy(rx.data, ValueLayout.JAVA_BYTE, (long) i * slot, array, 0, len);
                    int segment = gro ? rx.controlInt(i, Native.SOL_UDP, Native.UDP_GRO) : -1;
                    if (segment > 0 && segment < len) {
                        coalescedReceived = coalescedReceived + 1;
                        for (int o = 0; o < len; o += segment) {
                            deliver(receiver, from, array, o, Math.min(segment, len - o));
                        }
                    } else {
                        deliver(receiver, from, array, 0, len);
                    }
                }
            } finally {
                inBatch = false;
                for (int i = 0; i < n; i++) {
                    rx.resetForReceive(i, gro);
                }
                tx.flush();
            }
        }
        LOG.debug("udp-linux transport stopped receiving local={}", localEndpoint);
    }

    /** @return the local address received datagram {@code i} was sent to, or null when the kernel did not say */
    private InetAddress localAddress(int i) {
        long at = rx.controlData(i, Native.IPPROTO_IP, Native.IP_PKTINFO, 12);
        if (at >= 0) {
            return addresses.local(rx.controls, at, false);
        }
        at = rx.controlData(i, Native.IPPROTO_IPV6, Native.IPV6_PKTINFO, 20);
        return at >= 0 ? addresses.local(rx.controls, at, true) : null;
    }

    private void deliver(DatagramReceiver receiver, Endpoint from, byte[] array, int off, int len) {
        try {
            receiver.onDatagram(from, array, off, len);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            errors.increment();
            logError("receiver threw on a datagram from " + from, e.toString());
        }
    }

    @Override
    public boolean send(Endpoint to, byte[] buffer, int offset, int length) {
        if (to == null || buffer == null || offset < 0 || length < 0 || length > 65535 || offset > buffer.length - length) {
            errors.increment();
            return false;
        }
        SockAddrs.Destination destination = addresses.destination(to);
        if (destination == null) {
            errors.increment();
            logError("send to " + to + " failed", "an IPv4 socket cannot send to IPv6");
            return false;
        }
        if (inBatch && Thread.currentThread() == rxThread) {
            tx.add(destination, buffer, offset, length); // sent with the batch's sendmmsg
            return true;
        }
        sendersInside.incrementAndGet();
        try {
            if (closed.get()) {
                errors.increment();
                return false;
            }
            SendBatch one = senders.get().batch;
            one.add(destination, buffer, offset, length);
            return one.flush() == 0; // a failure was counted and logged by sendErrors
        } finally {
            sendersInside.decrementAndGet();
        }
    }

    @Override
    public long errors() {
        return errors.sum();
    }

    @Override
    public boolean receiving() {
        Thread t = rxThread;
        return !closed.get() && t != null && t.isAlive();
    }

    /**
     * @return {@code truncated} (datagrams larger than a receive slot, dropped), {@code gro_coalesced}
     *         (received buffers that held several datagrams), {@code gso_segmented} (sent messages that
     *         carried several), {@code source_fallbacks} (replies sent from the kernel's choice because
     *         their sticky local address was refused; receive thread's batches)
     */
    @Override
    public java.util.Map<String, Long> counters() {
        java.util.Map<String, Long> c = new java.util.LinkedHashMap<>();
        c.put("truncated", truncated.sum());
        c.put("gro_coalesced", coalescedReceived);
        c.put("gso_segmented", tx.segmentedMessages());
        c.put("source_fallbacks", tx.sourceFallbacks());
        return c;
    }

    /** @return datagrams dropped because they were larger than a receive slot */
    long truncated() {
        return truncated.sum();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        MemorySegment errno = Native.newErrnoSegment(Arena.ofAuto());
        Native.shutdown(errno, fd, Native.SHUT_RDWR); // wakes a blocked recvmmsg (ENOTCONN on UDP is expected)
        Thread t = rxThread;
        if (t != null && t != Thread.currentThread()) {
            try {
                if (!t.join(CLOSE_WAIT)) {
                    LOG.warn("udp-linux receive thread did not stop within {} local={}", CLOSE_WAIT, localEndpoint);
                    return; // leave the socket and buffers to the process's end rather than free them under it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        while (sendersInside.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait(); // a send in progress on another thread: let it finish before the fd goes
        }
        Native.close(errno, fd);
        arena.close();
        LOG.debug("udp-linux transport closed local={}", localEndpoint);
    }

    private void logError(String what, String why) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next >= 0 && nextLogNanos.compareAndSet(next, now + LOG_INTERVAL.toNanos())) {
            LOG.debug("udp-linux {} local={} error={} suppressedSinceLast={}", what, localEndpoint, why, unlogged.sumThenReset());
        } else {
            unlogged.increment();
        }
    }

    static String describe(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        if (ip == null) {
            return String.valueOf(a);
        }
        String host = ip.getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** @return received buffers that held several datagrams (GRO) */
    long coalescedReceived() {
        return coalescedReceived;
    }

    /** @return messages sent as several datagrams (GSO) */
    long segmentedSent() {
        return tx.segmentedMessages();
    }

    /** @return whether received endpoints carry their local address and replies leave from it (a wildcard bind) */
    boolean sticky() {
        return sticky;
    }

    /** For tests: whether the socket is IPv6 (dual-stack). */
    boolean ipv6() {
        return ipv6;
    }
}

package io.postern.handler.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.postern.key.PublicKey;
import io.postern.net.IpPrefix;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.PluginName;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tun} handler: the gateway's side of a kernel TUN interface, so peers reach the network
 * behind the gateway (and it reaches them) through ordinary kernel routing, as with wireguard-go.
 *
 * <ul>
 *   <li><b>start:</b> creates or attaches interface {@code Name} ({@link TunDevice}, one queue per
 *       reader, up to {@value #MAX_QUEUES}), sets {@code MTU} (default {@value #DEFAULT_MTU}, as
 *       wireguard-go), adds each {@code Address} and brings it up ({@link InterfaceCommands}).</li>
 *   <li><b>interface → peers</b> (a reader thread per queue): the destination is looked up by longest
 *       prefix in every peer's AllowedIPs and the packet goes to that peer's session; without one the
 *       engine stages it and starts a handshake.</li>
 *   <li><b>peers → interface</b> ({@link #onPacket}, on the receive thread): the source must lie in
 *       the sending peer's AllowedIPs; the padding is cut off and the packet written to the interface.</li>
 *   <li><b>stop:</b> readers end within {@value #POLL_MILLIS} ms, the queues are closed and the
 *       interface the kernel created for us disappears with its addresses and routes.</li>
 * </ul>
 * Every dropped packet is counted under a {@link TunDropReason} and logged at DEBUG, at most once a
 * second per reason. Packets move between the kernel and Java arrays without a copy and without
 * allocation per packet: each thread keeps its buffer and its {@code errno} segment.
 */
@PluginName("tun")
public final class TunPacketHandler implements PacketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(TunPacketHandler.class);
    /** wireguard-go's default MTU (1500 minus the largest IPv6 + UDP + WireGuard overhead). */
    static final int DEFAULT_MTU = 1420;
    static final int MAX_QUEUES = 4;
    static final int POLL_MILLIS = 200;
    /** The largest IP packet. */
    private static final int BUFFER_SIZE = 65_535;
    /**
     * The system property {@code postern userspace} sets to {@code true}: {@link #stop} keeps the
     * interface open and the next {@link #start} with the same name in this process takes it over as
     * it is (addresses, state and network namespace untouched), so the node can restart on a new
     * private key or listen port while the interface, possibly moved to another namespace, stays.
     */
    public static final String RETAIN_PROPERTY = "postern.tun.retain";
    /** Devices kept open by {@link #stop} under {@link #RETAIN_PROPERTY}, by name; the process's exit closes them. */
    private static final Map<String, TunDevice> RETAINED = new java.util.concurrent.ConcurrentHashMap<>();

    private final AtomicLongArray drops = new AtomicLongArray(TunDropReason.values().length);
    private final AtomicLongArray lastLogNanos = new AtomicLongArray(TunDropReason.values().length);
    private final LongAdder toPeers = new LongAdder();
    private final LongAdder fromPeers = new LongAdder();
    private final AtomicInteger writerSeq = new AtomicInteger();
    /** Writes under way: {@link #stop} closes the queues only when none is (a closed fd number can be reused). */
    private final AtomicInteger writing = new AtomicInteger();
    private final ThreadLocal<Writer> writers = ThreadLocal.withInitial(Writer::new);
    private final List<Thread> readers = new ArrayList<>();
    private volatile TunDevice device;
    private volatile boolean running;
    private List<IpPrefix> addedToPersistent = List.of();

    /** ServiceLoader constructor. */
    public TunPacketHandler() {}

    @Override
    public String name() {
        return "tun";
    }

    @Override
    public String description() {
        return "Linux TUN interface Name (MTU, Address): peers reach the network behind the gateway by AllowedIPs";
    }

    /**
     * @throws TunException when not on Linux, without {@code /dev/net/tun} or {@code CAP_NET_ADMIN}, with
     *                      no interface name, or when {@code ip} fails; nothing is left behind then
     */
    @Override
    public synchronized void start(HandlerContext context) {
        if (device != null) {
            throw new IllegalStateException("tun handler already started on " + device.name());
        }
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            throw new TunException("Handler = tun needs Linux (a kernel TUN interface); this is " + os);
        }
        String name = context.interfaceName();
        int mtu = context.mtu() > 0 ? context.mtu() : DEFAULT_MTU;
        int queues = Math.min(Runtime.getRuntime().availableProcessors(), MAX_QUEUES);
        TunDevice retained = retain() ? RETAINED.remove(name) : null;
        TunDevice dev = retained != null ? retained : TunDevice.open(name, queues);
        if (retained == null) {
            try {
                InterfaceCommands.configure(name, mtu, context.interfacePrefixes());
            } catch (RuntimeException e) {
                if (dev.persistent()) {
                    InterfaceCommands.removeAddresses(name, context.interfacePrefixes());
                }
                dev.close();
                throw e;
            }
        }
        addedToPersistent = dev.persistent() && retained == null ? List.copyOf(context.interfacePrefixes()) : List.of();
        device = dev;
        running = true;
        for (int q = 0; q < dev.queues(); q++) {
            int queue = q;
            Thread t = Thread.ofPlatform().daemon().name("postern-tun-" + name + "-" + q)
                    .unstarted(() -> readLoop(dev, queue, context));
            readers.add(t);
            t.start();
        }
        LOG.info("tun interface up name={} queues={} mtu={} addresses={}{}", name, dev.queues(), mtu,
                context.interfacePrefixes(), dev.persistent() ? " (persistent device: attached)" : "");
    }

    /** Reads packets from one queue and sends each to the peer that routes its destination. */
    private void readLoop(TunDevice dev, int queue, HandlerContext context) {
        int fd = dev.fd(queue);
        byte[] buffer = new byte[BUFFER_SIZE];
        MemorySegment heap = MemorySegment.ofArray(buffer);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LinuxSyscalls.newErrnoSegment(arena);
            MemorySegment pollfd = arena.allocate(8);
            pollfd.set(JAVA_INT, 0, fd);
            pollfd.set(JAVA_SHORT, 4, LinuxSyscalls.POLLIN);
            while (running) {
                long n = LinuxSyscalls.read(errno, fd, heap, BUFFER_SIZE);
                if (n > 0) {
                    toPeer(buffer, (int) n, context);
                    continue;
                }
                int e = n < 0 ? LinuxSyscalls.errno(errno) : 0;
                if (e == LinuxSyscalls.EAGAIN) {
                    pollfd.set(JAVA_SHORT, 6, (short) 0);
                    LinuxSyscalls.poll(errno, pollfd, POLL_MILLIS);
                } else if (e != LinuxSyscalls.EINTR && running) {
                    LOG.error("tun interface {} queue {}: read failed, this queue stops: {}", dev.name(), queue,
                            n == 0 ? "end of file" : LinuxSyscalls.describe(e));
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.error("tun interface {} queue {}: reader failed", dev.name(), queue, e);
        }
    }

    private void toPeer(byte[] b, int len, HandlerContext context) {
        int total = IpHeader.packetLength(b, 0, len);
        if (total < 0) {
            drop(TunDropReason.values()[~total], null);
            return;
        }
        PublicKey peer = context.peerForAddress(b, IpHeader.destinationOffset(b, 0), IpHeader.addressLength(b, 0));
        if (peer == null) {
            drop(TunDropReason.NO_ROUTE, null);
        } else if (context.send(peer, b, 0, total)) {
            toPeers.increment();
        } else {
            drop(TunDropReason.NO_SESSION, peer);
        }
    }

    @Override
    public void onPacket(PublicKey peer, byte[] buffer, int offset, int length, HandlerContext context) {
        TunDevice dev = device;
        int total = IpHeader.packetLength(buffer, offset, length);
        if (total < 0) {
            drop(TunDropReason.values()[~total], peer);
            return;
        }
        if (!context.isAllowedSource(peer, buffer, IpHeader.sourceOffset(buffer, offset),
                IpHeader.addressLength(buffer, offset))) {
            drop(TunDropReason.SOURCE_NOT_ALLOWED, peer);
            return;
        }
        writing.incrementAndGet();
        try {
            if (dev == null || !running) {
                drop(TunDropReason.WRITE_FAILED, peer);
            } else if (writers.get().write(dev, buffer, offset, total)) {
                fromPeers.increment();
            } else {
                drop(TunDropReason.WRITE_FAILED, peer);
            }
        } finally {
            writing.decrementAndGet();
        }
    }

    /**
     * One thread's means to write to the interface: its errno segment, a heap segment over the array
     * it was last handed (the engine hands each receive thread the same array every time) and, for
     * payloads not at offset 0, a native buffer to copy into. Created once per thread.
     */
    private final class Writer {
        private final Arena arena = Arena.ofAuto();
        private final MemorySegment errno = LinuxSyscalls.newErrnoSegment(arena);
        private final int queue = writerSeq.getAndIncrement();
        private byte[] array;
        private MemorySegment heap;
        private MemorySegment copy;

        boolean write(TunDevice dev, byte[] buffer, int offset, int length) {
            MemorySegment from;
            if (offset == 0) {
                if (buffer != array) {
                    array = buffer;
                    heap = MemorySegment.ofArray(buffer);
                }
                from = heap;
            } else {
                if (copy == null) {
                    copy = arena.allocate(BUFFER_SIZE);
                }
                MemorySegment.copy(buffer, offset, copy, JAVA_BYTE, 0, length);
                from = copy;
            }
            int fd = dev.fd(queue % dev.queues());
            long n = LinuxSyscalls.write(errno, fd, from, length);
            if (n == length) {
                return true;
            }
            if (n < 0 && LOG.isDebugEnabled()) {
                LOG.debug("tun write failed on {}: {}", dev.name(), LinuxSyscalls.describe(LinuxSyscalls.errno(errno)));
            }
            return false;
        }
    }

    /** Stops the readers, closes the queues (the kernel removes an interface it created for us). Idempotent. */
    @Override
    public synchronized void stop() {
        TunDevice dev = device;
        if (dev == null) {
            return;
        }
        running = false;
        for (Thread t : readers) {
            try {
                t.join(10L * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        readers.clear();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (writing.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        device = null;
        if (retain()) {
            RETAINED.put(dev.name(), dev); // kept for the next start: see RETAIN_PROPERTY
            LOG.info("tun interface kept open for the next start name={}", dev.name());
            return;
        }
        if (dev.persistent()) {
            InterfaceCommands.removeAddresses(dev.name(), addedToPersistent);
        }
        dev.close();
        LOG.info("tun interface closed name={} packetsToPeers={} packetsFromPeers={} drops={}", dev.name(),
                toPeers.sum(), fromPeers.sum(), dropSummary());
    }

    private static boolean retain() {
        return Boolean.getBoolean(RETAIN_PROPERTY);
    }

    private Map<TunDropReason, Long> dropSummary() {
        Map<TunDropReason, Long> out = new EnumMap<>(TunDropReason.class);
        for (TunDropReason r : TunDropReason.values()) {
            if (drops.get(r.ordinal()) > 0) {
                out.put(r, drops.get(r.ordinal()));
            }
        }
        return out;
    }

    private void drop(TunDropReason reason, PublicKey peer) {
        drops.incrementAndGet(reason.ordinal());
        if (LOG.isDebugEnabled()) {
            long now = System.nanoTime();
            long last = lastLogNanos.get(reason.ordinal());
            if (now - last > 1_000_000_000L && lastLogNanos.compareAndSet(reason.ordinal(), last, now)) {
                LOG.debug("tun packet dropped reason={} peer={} total={}", reason,
                        peer == null ? "-" : peer.shortForm(), drops.get(reason.ordinal()));
            }
        }
    }

    /** @return packets dropped for {@code reason} so far */
    public long drops(TunDropReason reason) {
        return drops.get(reason.ordinal());
    }

    /** @return packets read from the interface and handed to a peer's session (sent or staged) */
    public long packetsToPeers() {
        return toPeers.sum();
    }

    /** @return packets from peers written to the interface */
    public long packetsFromPeers() {
        return fromPeers.sum();
    }
}

package io.postern.handler.tun;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A kernel TUN interface ({@code Documentation/networking/tuntap.rst}): {@code /dev/net/tun} opened
 * once per queue and bound to the interface with {@code ioctl(TUNSETIFF)} and
 * {@code IFF_TUN | IFF_NO_PI} (raw IP packets, no packet-information header), plus
 * {@code IFF_MULTI_QUEUE} when the kernel has it and more than one queue is wanted. The kernel
 * spreads packets over the queues by flow, so each queue can have its own reader thread.
 *
 * <p>Opening a name that exists attaches to it (a persistent device made with
 * {@code ip tuntap add}); otherwise the kernel creates the interface, and it disappears when the
 * last queue is closed. Every descriptor is non-blocking: readers {@code poll} when a queue is empty,
 * so they notice a stop within the poll timeout.
 */
final class TunDevice implements AutoCloseable {
    /** {@code _IOW('T', 202, int)} */
    static final long TUNSETIFF = 0x400454caL;
    /** {@code _IOR('T', 207, unsigned int)} */
    static final long TUNGETFEATURES = 0x800454cfL;
    /** {@code _IOR('T', 210, unsigned int)} */
    static final long TUNGETIFF = 0x800454d2L;
    static final short IFF_TUN = 0x0001;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_PERSIST = 0x0800;
    static final short IFF_NO_PI = 0x1000;
    /** {@code IFNAMSIZ}: 15 characters and the terminating NUL. */
    static final int IFNAMSIZ = 16;
    /** {@code sizeof(struct ifreq)} on 64-bit Linux: the name, then a 24-byte union ({@code ifr_flags} first). */
    static final int IFREQ_SIZE = 40;
    private static final String DEVICE = "/dev/net/tun";

    private final String name;
    private final int[] fds;
    private final boolean persistent;
    private boolean closed;

    private TunDevice(String name, int[] fds, boolean persistent) {
        this.name = name;
        this.fds = fds;
        this.persistent = persistent;
    }

    /**
     * Creates or attaches interface {@code name} with up to {@code queues} queues.
     *
     * @throws TunException naming the interface and the reason (no {@code /dev/net/tun}, no
     *                      {@code CAP_NET_ADMIN}, interface busy, not a TUN device…)
     */
    static TunDevice open(String name, int queues) {
        checkName(name);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LinuxSyscalls.newErrnoSegment(arena);
            MemorySegment path = arena.allocateFrom(DEVICE);
            int first = openDevice(errno, path, name);
            int[] fds = new int[] {first};
            try {
                MemorySegment features = arena.allocate(JAVA_INT);
                boolean multi = queues > 1
                        && LinuxSyscalls.ioctl(errno, first, TUNGETFEATURES, features) == 0
                        && (features.get(JAVA_INT, 0) & IFF_MULTI_QUEUE) != 0;
                MemorySegment ifreq = arena.allocate(IFREQ_SIZE);
                int rc = setIff(errno, first, ifreq, name, multi);
                if (rc < 0 && multi && LinuxSyscalls.errno(errno) == LinuxSyscalls.EINVAL) {
                    // an existing single-queue device: attach to it with one queue
                    multi = false;
                    rc = setIff(errno, first, ifreq, name, false);
                }
                if (rc < 0) {
                    throw setIffFailed(name, LinuxSyscalls.errno(errno));
                }
                boolean persistent = LinuxSyscalls.ioctl(errno, first, TUNGETIFF, ifreq) == 0
                        && (ifreq.get(JAVA_SHORT, IFNAMSIZ) & IFF_PERSIST) != 0;
                int n = multi ? queues : 1;
                for (int q = 1; q < n; q++) {
                    int fd = openDevice(errno, path, name);
                    fds = Arrays.copyOf(fds, q + 1);
                    fds[q] = fd;
                    if (setIff(errno, fd, ifreq, name, true) < 0) {
                        throw setIffFailed(name + " (queue " + q + ")", LinuxSyscalls.errno(errno));
                    }
                }
                return new TunDevice(name, fds, persistent);
            } catch (RuntimeException e) {
                for (int fd : fds) {
                    LinuxSyscalls.close(errno, fd);
                }
                throw e;
            }
        }
    }

    /** wg-quick's rule for interface names, which also keeps {@code ip} arguments plain words. */
    static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_=+.-]{1,15}")) {
            throw new TunException("'" + name + "' is not an interface name (1-15 of letters, digits, '_', '=', '+', '.', '-'); "
                    + "set Name in [Interface]");
        }
    }

    private static int openDevice(MemorySegment errno, MemorySegment path, String name) {
        int fd = LinuxSyscalls.open(errno, path, LinuxSyscalls.O_RDWR | LinuxSyscalls.O_NONBLOCK | LinuxSyscalls.O_CLOEXEC);
        if (fd >= 0) {
            return fd;
        }
        int e = LinuxSyscalls.errno(errno);
        String why = switch (e) {
            case LinuxSyscalls.ENOENT -> "it does not exist (no tun kernel module, or a container without the device)";
            case LinuxSyscalls.EPERM, LinuxSyscalls.EACCES -> "permission denied (run as root or with CAP_NET_ADMIN)";
            default -> LinuxSyscalls.describe(e);
        };
        throw new TunException("cannot open " + DEVICE + " for interface " + name + ": " + why);
    }

    private static int setIff(MemorySegment errno, int fd, MemorySegment ifreq, String name, boolean multiQueue) {
        ifreq.fill((byte) 0);
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, 0, bytes.length);
        short flags = (short) (IFF_TUN | IFF_NO_PI | (multiQueue ? IFF_MULTI_QUEUE : 0));
        ifreq.set(JAVA_SHORT, IFNAMSIZ, flags);
        return LinuxSyscalls.ioctl(errno, fd, TUNSETIFF, ifreq);
    }

    private static TunException setIffFailed(String name, int errno) {
        String why = switch (errno) {
            case LinuxSyscalls.EPERM -> "operation not permitted: creating or attaching a TUN interface needs CAP_NET_ADMIN "
                    + "(run as root, or grant the capability)";
            case LinuxSyscalls.EBUSY -> "the interface is in use (another process holds it)";
            case LinuxSyscalls.EINVAL -> "an interface of that name exists and is not a TUN device with these flags";
            default -> LinuxSyscalls.describe(errno);
        };
        return new TunException("cannot create TUN interface " + name + ": " + why);
    }

    /** @return the interface name */
    String name() {
        return name;
    }

    /** @return how many queues (descriptors) the device has */
    int queues() {
        return fds.length;
    }

    /** @return the descriptor of queue {@code q} */
    int fd(int q) {
        return fds[q];
    }

    /** @return whether the interface existed as a persistent device and outlives {@link #close()} */
    boolean persistent() {
        return persistent;
    }

    /**
     * Closes every queue: a device the kernel created for us disappears with its addresses and routes.
     * Call it only when no thread reads or writes any more. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = LinuxSyscalls.newErrnoSegment(arena);
            for (int fd : fds) {
                LinuxSyscalls.close(errno, fd);
            }
        }
    }
}

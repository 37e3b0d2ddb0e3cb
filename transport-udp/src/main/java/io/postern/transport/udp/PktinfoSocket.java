package io.postern.transport.udp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.postern.net.Endpoint;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A Linux UDP socket bound to a wildcard address that knows, for every datagram it receives, the
 * local address the datagram was sent to ({@code IP_PKTINFO} / {@code IPV6_RECVPKTINFO}, ip(7) and
 * ipv6(7)), and sends a reply from a chosen local address with the same control message — the
 * "sticky sockets" of wireguard-go ({@code conn/sticky_linux.go}). Syscalls go through the FFM API
 * ({@code java.lang.foreign}); there is no native code of our own. Linux x86-64 and aarch64 only
 * (the struct layouts below are those of LP64 Linux); {@link #available()} says whether it works here.
 *
 * <p>Thread-safety: {@link #receive} is called by one thread only; {@link #send} from any thread
 * (each sending thread has its own native buffers); {@link #close} from any thread.
 */
final class PktinfoSocket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int SO_RCVTIMEO = 20;
    private static final int IPPROTO_IP = 0;
    private static final int IP_PKTINFO = 8;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_V6ONLY = 26;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int SHUT_RDWR = 2;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;

    // struct msghdr (LP64): name 0, namelen 8, iov 16, iovlen 24, control 32, controllen 40, flags 48
    private static final long MSGHDR_SIZE = 56;
    private static final long CMSG_HEADER = 16; // cmsg_len (size_t), cmsg_level, cmsg_type
    private static final int SOCKADDR_SIZE = 28; // sockaddr_in6, which also holds a sockaddr_in
    private static final int CONTROL_SIZE = 256;
    /** How often a blocked receive wakes up to see whether the socket was closed. */
    private static final int RECEIVE_TIMEOUT_MILLIS = 1000;

    private static final ValueLayout.OfShort NET_SHORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle BIND;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMSG;
    private static final MethodHandle SENDMSG;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final Throwable UNAVAILABLE;

    static {
        MethodHandle socket = null, setsockopt = null, bind = null, getsockname = null, recvmsg = null,
                sendmsg = null, shutdown = null, close = null;
        Throwable unavailable = null;
        try {
            String os = System.getProperty("os.name", "");
            String arch = System.getProperty("os.arch", "");
            if (!os.equals("Linux") || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
                throw new UnsupportedOperationException("IP_PKTINFO sockets need Linux on x86-64 or aarch64, not "
                        + os + "/" + arch);
            }
            Linker.Option errno = Linker.Option.captureCallState("errno");
            SymbolLookup libc = LINKER.defaultLookup();
            socket = downcall(libc, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno);
            setsockopt = downcall(libc, "setsockopt",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
            bind = downcall(libc, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno);
            getsockname = downcall(libc, "getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno);
            recvmsg = downcall(libc, "recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
            sendmsg = downcall(libc, "sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT), errno);
            shutdown = downcall(libc, "shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
            close = downcall(libc, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        } catch (Throwable t) {
            unavailable = t;
        }
        SOCKET = socket;
        SETSOCKOPT = setsockopt;
        BIND = bind;
        GETSOCKNAME = getsockname;
        RECVMSG = recvmsg;
        SENDMSG = sendmsg;
        SHUTDOWN = shutdown;
        CLOSE = close;
        UNAVAILABLE = unavailable;
    }

    private static MethodHandle downcall(SymbolLookup libc, String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = libc.find(name).orElseThrow(() -> new UnsupportedOperationException("no " + name + " in libc"));
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** @return null when this socket works here, else why not */
    static Throwable available() {
        return UNAVAILABLE;
    }

    private final int fd;
    private final boolean ipv6;
    private final int port;
    private volatile boolean closed;
    private boolean released; // guarded by this
    /** Sends between their closed check and their syscall: the descriptor is closed only when none is. */
    private final java.util.concurrent.atomic.AtomicInteger sending = new java.util.concurrent.atomic.AtomicInteger();

    // receive side: owned by the one receiving thread
    private final Arena rxArena = Arena.ofShared();
    private final MemorySegment rxData = rxArena.allocate(UdpTransport.MAX_DATAGRAM, 8);
    private final MemorySegment rxName = rxArena.allocate(SOCKADDR_SIZE, 8);
    private final MemorySegment rxControl = rxArena.allocate(CONTROL_SIZE, 8);
    private final MemorySegment rxIov = rxArena.allocate(16, 8);
    private final MemorySegment rxMsg = rxArena.allocate(MSGHDR_SIZE, 8);
    private final MemorySegment rxErrno = rxArena.allocate(ERRNO_STATE);
    // The sender of the previous datagram, by its raw sockaddr and local address: a flow's next
    // datagram reuses that Endpoint instead of allocating five objects per packet (receive thread only).
    private final MemorySegment lastName = rxArena.allocate(SOCKADDR_SIZE, 8);
    private int lastNameLength = -1;
    private InetAddress lastFromLocal;
    private Endpoint lastFrom;
    private final byte[] rxAddr = new byte[16];
    private InetAddress lastLocal; // the local address of the previous datagram, reused while it repeats
    private final byte[] lastLocalBytes = new byte[16]; // its bytes (getAddress() would copy them per packet)
    private int lastLocalLength;

    /** Per sending thread: msghdr, iovec, destination, control message and a copy of the datagram. */
    private final ThreadLocal<SendBuffers> txBuffers = ThreadLocal.withInitial(SendBuffers::new);

    /**
     * One sending thread's native buffers. {@link #name} and {@link #control} hold the address of
     * {@link #to}, the endpoint of the previous send: the engine sends a flow's datagrams to one
     * {@link Endpoint} object (immutable), so while it repeats they are not rewritten (writing them
     * copied both addresses out of their {@code InetAddress}es on every datagram).
     */
    private static final class SendBuffers {
        final Arena arena = Arena.ofAuto();
        final MemorySegment data = arena.allocate(UdpTransport.MAX_DATAGRAM, 8);
        final MemorySegment name = arena.allocate(SOCKADDR_SIZE, 8);
        final MemorySegment control = arena.allocate(64, 8);
        final MemorySegment iov = arena.allocate(16, 8);
        final MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
        final MemorySegment errno = arena.allocate(ERRNO_STATE);
        Endpoint to;
        int nameLength;
        long controlLength;

        /** Writes the destination (and the source, when {@code to} has a local address); @return false for a family the socket cannot reach */
        boolean address(Endpoint to, boolean v6Socket) {
            this.to = null;
            InetAddress dst = to.ip();
            byte[] dstBytes = dst.getAddress();
            if (!v6Socket && dstBytes.length != 4) {
                return false;
            }
            int scope = dst instanceof Inet6Address v6 ? v6.getScopeId() : 0;
            nameLength = writeSockaddr(name, v6Socket, dstBytes, scope, to.port());
            InetAddress local = to.localAddress();
            controlLength = local == null ? 0 : writePktinfo(control, local, dstBytes.length == 4);
            this.to = to;
            return true;
        }
    }

    private PktinfoSocket(int fd, boolean ipv6, int port) {
        this.fd = fd;
        this.ipv6 = ipv6;
        this.port = port;
    }

    /**
     * Opens a socket on the wildcard of {@code local}'s family ({@code ::} dual-stack, or {@code 0.0.0.0})
     * with the destination-address control messages on.
     *
     * @throws IOException naming the syscall and errno when it cannot
     */
    static PktinfoSocket bindWildcard(InetSocketAddress local, int bufferBytes) throws IOException {
        if (UNAVAILABLE != null) {
            throw new IOException("IP_PKTINFO sockets are unavailable: " + UNAVAILABLE, UNAVAILABLE);
        }
        boolean v6 = local.getAddress() instanceof Inet6Address;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(ERRNO_STATE);
            int fd = (int) SOCKET.invokeExact(errno, v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw failure("socket", errno);
            }
            try {
                MemorySegment one = arena.allocateFrom(JAVA_INT, 1);
                MemorySegment buf = arena.allocateFrom(JAVA_INT, bufferBytes);
                // a failed buffer request is not an error: the kernel caps it at rmem_max/wmem_max anyway
                setsockopt(fd, SOL_SOCKET, SO_RCVBUF, buf, errno);
                setsockopt(fd, SOL_SOCKET, SO_SNDBUF, buf, errno);
                MemorySegment timeout = arena.allocate(16, 8);
                timeout.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_MILLIS / 1000);
                timeout.set(JAVA_LONG, 8, (RECEIVE_TIMEOUT_MILLIS % 1000) * 1000L);
                check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeout, errno), "setsockopt(SO_RCVTIMEO)", errno);
                // IP_PKTINFO on an IPv6 socket too: it reports the destination of IPv4 (mapped) datagrams
                check(setsockopt(fd, IPPROTO_IP, IP_PKTINFO, one, errno), "setsockopt(IP_PKTINFO)", errno);
                if (v6) {
                    MemorySegment zero = arena.allocateFrom(JAVA_INT, 0);
                    check(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, zero, errno), "setsockopt(IPV6_V6ONLY)", errno);
                    check(setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, one, errno), "setsockopt(IPV6_RECVPKTINFO)", errno);
                }
                MemorySegment name = arena.allocate(SOCKADDR_SIZE, 8);
                int nameLen = writeSockaddr(name, v6, v6 ? new byte[16] : new byte[4], 0, local.getPort());
                check((int) BIND.invokeExact(errno, fd, name, nameLen), "bind", errno);
                MemorySegment len = arena.allocateFrom(JAVA_INT, SOCKADDR_SIZE);
                check((int) GETSOCKNAME.invokeExact(errno, fd, name, len), "getsockname", errno);
                int bound = Short.toUnsignedInt(name.get(NET_SHORT, 2));
                return new PktinfoSocket(fd, v6, bound);
            } catch (IOException | RuntimeException e) {
                int ignored = (int) CLOSE.invokeExact(fd);
                throw e;
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("IP_PKTINFO socket failed: " + t, t);
        }
    }

    private static int setsockopt(int fd, int level, int name, MemorySegment value, MemorySegment errno) throws Throwable {
        return (int) SETSOCKOPT.invokeExact(errno, fd, level, name, value, (int) value.byteSize());
    }

    private static void check(int rc, String call, MemorySegment errno) throws IOException {
        if (rc < 0) {
            throw failure(call, errno);
        }
    }

    private static IOException failure(String call, MemorySegment errno) {
        return new IOException(call + " failed: errno " + (int) ERRNO.get(errno, 0L));
    }

    /** @return the bound port */
    int port() {
        return port;
    }

    /** @return whether the socket is IPv6 (dual-stack) */
    boolean ipv6() {
        return ipv6;
    }

    /**
     * Receives one datagram into {@code into} (at least {@link UdpTransport#MAX_DATAGRAM} bytes).
     *
     * @param from receives the sender, carrying the local address the datagram was sent to
     * @return its length; -1 when the wait timed out or was interrupted (call again); -2 once closed
     * @throws IOException on any other receive error
     */
    int receive(byte[] into, Endpoint[] from) throws IOException {
        if (closed) {
            return -2;
        }
        rxIov.set(ADDRESS, 0, rxData);
        rxIov.set(JAVA_LONG, 8, UdpTransport.MAX_DATAGRAM);
        rxMsg.set(ADDRESS, 0, rxName);
        rxMsg.set(JAVA_INT, 8, SOCKADDR_SIZE);
        rxMsg.set(ADDRESS, 16, rxIov);
        rxMsg.set(JAVA_LONG, 24, 1);
        rxMsg.set(ADDRESS, 32, rxControl);
        rxMsg.set(JAVA_LONG, 40, CONTROL_SIZE);
        rxMsg.set(JAVA_INT, 48, 0);
        long n;
        try {
            n = (long) RECVMSG.invokeExact(rxErrno, fd, rxMsg, 0);
        } catch (Throwable t) {
            throw new IOException("recvmsg failed: " + t, t);
        }
        if (closed) {
            return -2;
        }
        if (n < 0) {
            int errno = (int) ERRNO.get(rxErrno, 0L);
            if (errno == EAGAIN || errno == EINTR) {
                return -1;
            }
            throw new IOException("recvmsg failed: errno " + errno);
        }
        int length = (int) n;
        MemorySegment.copy(rxData, JAVA_BYTE, 0, into, 0, length);
        InetAddress local = localAddress(rxMsg.get(JAVA_LONG, 40));
        int nameLength = Math.min(rxMsg.get(JAVA_INT, 8), SOCKADDR_SIZE);
        if (lastFrom != null && local == lastFromLocal && nameLength == lastNameLength
                && MemorySegment.mismatch(rxName, 0, nameLength, lastName, 0, nameLength) == -1) {
            from[0] = lastFrom; // cachedLocal returns the same object for the same local address
            return length;
        }
        Endpoint sender = UdpTransport.endpointOf(readSockaddr(rxName)).receivedAt(local);
        MemorySegment.copy(rxName, 0, lastName, 0, nameLength);
        lastNameLength = nameLength;
        lastFromLocal = local;
        lastFrom = sender;
        from[0] = sender;
        return length;
    }

    /** @return the destination address from the control messages, or null */
    private InetAddress localAddress(long controlLength) {
        long off = 0;
        while (off + CMSG_HEADER <= controlLength) {
            long len = rxControl.get(JAVA_LONG, off);
            if (len < CMSG_HEADER || off + len > controlLength) {
                return null;
            }
            int level = rxControl.get(JAVA_INT, off + 8);
            int type = rxControl.get(JAVA_INT, off + 12);
            if (level == IPPROTO_IP && type == IP_PKTINFO && len >= CMSG_HEADER + 12) {
                return cachedLocal(off + CMSG_HEADER + 8, 4, 0); // in_pktinfo.ipi_addr: the header's destination
            }
            if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && len >= CMSG_HEADER + 20) {
                int ifindex = rxControl.get(JAVA_INT, off + CMSG_HEADER + 16);
                return cachedLocal(off + CMSG_HEADER, 16, ifindex); // in6_pktinfo.ipi6_addr
            }
            off += (len + 7) & ~7L;
        }
        return null;
    }

    private InetAddress cachedLocal(long off, int length, int ifindex) {
        MemorySegment.copy(rxControl, JAVA_BYTE, off, rxAddr, 0, length);
        InetAddress last = lastLocal;
        if (last != null && lastLocalLength == length
                && Arrays.equals(lastLocalBytes, 0, length, rxAddr, 0, length)
                && (!(last instanceof Inet6Address v6) || !v6.isLinkLocalAddress() || v6.getScopeId() == ifindex)) {
            return last;
        }
        try {
            byte[] bytes = Arrays.copyOf(rxAddr, length);
            InetAddress a = InetAddress.getByAddress(bytes);
            if (a instanceof Inet6Address v6 && v6.isLinkLocalAddress()) {
                a = Inet6Address.getByAddress(null, bytes, ifindex); // a link-local source needs its interface
            }
            System.arraycopy(bytes, 0, lastLocalBytes, 0, length);
            lastLocalLength = length;
            lastLocal = a;
            return a;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * Sends a datagram to {@code to}, from {@code to.localAddress()} when it is set (falling back to
     * the kernel's choice when that address is gone, as wireguard-go does).
     *
     * @return whether the kernel took it
     */
    boolean send(Endpoint to, byte[] buf, int off, int len) {
        sending.incrementAndGet();
        try {
            return !closed && len <= UdpTransport.MAX_DATAGRAM && sendOpen(to, buf, off, len);
        } finally {
            sending.decrementAndGet();
        }
    }

    private boolean sendOpen(Endpoint to, byte[] buf, int off, int len) {
        SendBuffers b = txBuffers.get();
        if (b.to != to && !b.address(to, ipv6)) {
            return false;
        }
        MemorySegment.copy(buf, off, b.data, JAVA_BYTE, 0, len);
        b.iov.set(ADDRESS, 0, b.data);
        b.iov.set(JAVA_LONG, 8, len);
        try {
            long sent = sendmsg(b, b.nameLength, b.controlLength);
            if (sent < 0 && b.controlLength > 0) {
                sent = sendmsg(b, b.nameLength, 0); // the local address is gone: let the kernel choose
            }
            return sent == len;
        } catch (Throwable t) {
            return false;
        }
    }

    private long sendmsg(SendBuffers b, int nameLen, long controlLen) throws Throwable {
        b.msg.set(ADDRESS, 0, b.name);
        b.msg.set(JAVA_INT, 8, nameLen);
        b.msg.set(ADDRESS, 16, b.iov);
        b.msg.set(JAVA_LONG, 24, 1);
        b.msg.set(ADDRESS, 32, controlLen == 0 ? MemorySegment.NULL : b.control);
        b.msg.set(JAVA_LONG, 40, controlLen);
        b.msg.set(JAVA_INT, 48, 0);
        return (long) SENDMSG.invokeExact(b.errno, fd, b.msg, 0);
    }

    /** Writes an {@code IP_PKTINFO} or {@code IPV6_PKTINFO} control message choosing the source; @return its space */
    private static long writePktinfo(MemorySegment c, InetAddress local, boolean ipv4Destination) {
        byte[] src = local.getAddress();
        c.fill((byte) 0);
        if (ipv4Destination) {
            if (src.length != 4) {
                return 0;
            }
            c.set(JAVA_LONG, 0, CMSG_HEADER + 12);
            c.set(JAVA_INT, 8, IPPROTO_IP);
            c.set(JAVA_INT, 12, IP_PKTINFO);
            MemorySegment.copy(src, 0, c, JAVA_BYTE, CMSG_HEADER + 4, 4); // in_pktinfo.ipi_spec_dst: the source
            return CMSG_HEADER + 16;
        }
        if (src.length != 16) {
            return 0;
        }
        c.set(JAVA_LONG, 0, CMSG_HEADER + 20);
        c.set(JAVA_INT, 8, IPPROTO_IPV6);
        c.set(JAVA_INT, 12, IPV6_PKTINFO);
        MemorySegment.copy(src, 0, c, JAVA_BYTE, CMSG_HEADER, 16);
        c.set(JAVA_INT, CMSG_HEADER + 16, local instanceof Inet6Address v6 ? v6.getScopeId() : 0);
        return CMSG_HEADER + 24;
    }

    /** Writes a sockaddr_in, or a sockaddr_in6 (IPv4 as {@code ::ffff:a.b.c.d} on an IPv6 socket); @return its length */
    private static int writeSockaddr(MemorySegment s, boolean v6Socket, byte[] ip, int scope, int port) {
        s.fill((byte) 0);
        if (!v6Socket) {
            s.set(JAVA_SHORT, 0, (short) AF_INET);
            s.set(NET_SHORT, 2, (short) port);
            MemorySegment.copy(ip, 0, s, JAVA_BYTE, 4, 4);
            return 16;
        }
        s.set(JAVA_SHORT, 0, (short) AF_INET6);
        s.set(NET_SHORT, 2, (short) port);
        if (ip.length == 4) {
            s.set(JAVA_BYTE, 18, (byte) 0xff);
            s.set(JAVA_BYTE, 19, (byte) 0xff);
            MemorySegment.copy(ip, 0, s, JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(ip, 0, s, JAVA_BYTE, 8, 16);
            s.set(JAVA_INT, 24, scope);
        }
        return 28;
    }

    private static InetSocketAddress readSockaddr(MemorySegment s) {
        int family = Short.toUnsignedInt(s.get(JAVA_SHORT, 0));
        int port = Short.toUnsignedInt(s.get(NET_SHORT, 2));
        try {
            if (family == AF_INET) {
                byte[] a = new byte[4];
                MemorySegment.copy(s, JAVA_BYTE, 4, a, 0, 4);
                return new InetSocketAddress(Inet4Address.getByAddress(a), port);
            }
            byte[] a = new byte[16];
            MemorySegment.copy(s, JAVA_BYTE, 8, a, 0, 16);
            int scope = s.get(JAVA_INT, 24);
            InetAddress ip = scope != 0 ? Inet6Address.getByAddress(null, a, scope) : InetAddress.getByAddress(a);
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an IP address", e);
        }
    }

    /**
     * Stops the socket: later sends and receives fail, and a receive blocked in the kernel wakes up.
     * The descriptor stays open until {@link #release()}, so its number cannot be reused under a
     * thread still inside a syscall. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        try {
            int ignored = (int) SHUTDOWN.invokeExact(fd, SHUT_RDWR); // wakes a blocked recvmsg (ENOTCONN is fine)
        } catch (Throwable t) {
            // nothing to undo: the receive timeout wakes the receiver anyway
        }
    }

    /**
     * Closes the descriptor and frees the receive buffers. Call after {@link #close()} once the
     * receiving thread has ended (or from it); waits for sends in progress. Idempotent.
     */
    synchronized void release() {
        if (released) {
            return;
        }
        close();
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (sending.get() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        released = true;
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // the descriptor goes with the process at worst
        }
        rxArena.close();
    }
}

package io.postern.transport.udplinux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;

/**
 * The libc calls of the transport, through {@link Linker#nativeLinker()}, each capturing
 * {@code errno}. Linux on a 64-bit (LP64) machine only: the struct offsets below are those of
 * x86_64 and aarch64 ({@code struct msghdr} 56 bytes, {@code struct mmsghdr} 64, {@code struct
 * iovec} 16, {@code struct cmsghdr} header 16). {@link #unavailableReason()} says why not elsewhere.
 *
 * <p>Every call takes a per-thread capture segment ({@link #newErrnoSegment}) as its first argument
 * and returns what the C function returns; on -1 read {@link #errno(MemorySegment)}.
 */
final class Native {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int IPPROTO_IP = 0;
    /** Receive the local (destination) address of each IPv4 datagram; send from a given one. */
    static final int IP_PKTINFO = 8;
    static final int IPPROTO_IPV6 = 41;
    static final int IPV6_V6ONLY = 26;
    static final int IPV6_RECVPKTINFO = 49;
    static final int IPV6_PKTINFO = 50;
    static final int IPPROTO_UDP = 17;
    static final int SOL_UDP = 17;
    /** Linux 4.18: send one buffer as several datagrams of a given size (GSO). */
    static final int UDP_SEGMENT = 103;
    /** Linux 5.0: receive datagrams of one flow coalesced, with their size in a control message (GRO). */
    static final int UDP_GRO = 104;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RDWR = 2;

    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EINVAL = 22;
    static final int EMSGSIZE = 90;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;

    // struct layouts (LP64)
    static final long MMSGHDR_SIZE = 64;
    static final long MSG_NAME = 0;
    static final long MSG_NAMELEN = 8;
    static final long MSG_IOV = 16;
    static final long MSG_IOVLEN = 24;
    static final long MSG_CONTROL = 32;
    static final long MSG_CONTROLLEN = 40;
    static final long MSG_FLAGS = 48;
    static final long MSG_LEN = 56;
    static final long IOVEC_SIZE = 16;
    static final long CMSG_HEADER = 16;
    /**
     * Control-message room per message: a UDP_GRO or UDP_SEGMENT one (CMSG_SPACE(sizeof(int)) = 24)
     * beside an IP_PKTINFO (32) or IPV6_PKTINFO (40) one, with room to spare for the kernel's order.
     */
    static final long CONTROL_SPACE = 128;
    /** sizeof(struct sockaddr_in6) rounded up to 8. */
    static final long SOCKADDR_SPACE = 32;

    private static final String UNAVAILABLE;
    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle GETSOCKNAME;
    private static final MethodHandle RECVMMSG;
    private static final MethodHandle SENDMMSG;
    private static final MethodHandle SHUTDOWN;
    private static final MethodHandle CLOSE;
    private static final StructLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;

    static {
        String reason = null;
        MethodHandle socket = null, bind = null, setsockopt = null, getsockopt = null, getsockname = null;
        MethodHandle recvmmsg = null, sendmmsg = null, shutdown = null, close = null;
        StructLayout capture = null;
        VarHandle errno = null;
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux")) {
            reason = "not Linux (os.name=" + System.getProperty("os.name") + ")";
        } else if (ADDRESS.byteSize() != 8 || !(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
            reason = "struct layouts known only for x86_64 and aarch64 (os.arch=" + arch + ")";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                Linker.Option errnoOption = Linker.Option.captureCallState("errno");
                capture = Linker.Option.captureStateLayout();
                errno = capture.varHandle(PathElement.groupElement("errno"));
                socket = handle(linker, errnoOption, "socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
                bind = handle(linker, errnoOption, "bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
                setsockopt = handle(linker, errnoOption, "setsockopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
                getsockopt = handle(linker, errnoOption, "getsockopt",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
                getsockname = handle(linker, errnoOption, "getsockname",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
                recvmmsg = handle(linker, errnoOption, "recvmmsg",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
                sendmmsg = handle(linker, errnoOption, "sendmmsg",
                        FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
                shutdown = handle(linker, errnoOption, "shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
                close = handle(linker, errnoOption, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
            } catch (Throwable e) { // IllegalCallerException (native access denied), a missing symbol, ...
                reason = "cannot link libc through java.lang.foreign: " + e;
            }
        }
        UNAVAILABLE = reason;
        SOCKET = socket;
        BIND = bind;
        SETSOCKOPT = setsockopt;
        GETSOCKOPT = getsockopt;
        GETSOCKNAME = getsockname;
        RECVMMSG = recvmmsg;
        SENDMMSG = sendmmsg;
        SHUTDOWN = shutdown;
        CLOSE = close;
        CAPTURE_LAYOUT = capture;
        ERRNO = errno;
    }

    private Native() {}

    private static MethodHandle handle(Linker linker, Linker.Option errno, String name, FunctionDescriptor fd) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return linker.downcallHandle(symbol, fd, errno);
    }

    /** @return why this transport cannot run here, or null when it can */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** @return a new errno capture segment; one per thread, kept for the thread's life */
    static MemorySegment newErrnoSegment(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    /** @return the errno the last call on {@code capture} left */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static int socket(MemorySegment capture, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(capture, domain, type, protocol);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int bind(MemorySegment capture, int fd, MemorySegment addr, int len) {
        try {
            return (int) BIND.invokeExact(capture, fd, addr, len);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int setsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) SETSOCKOPT.invokeExact(capture, fd, level, name, value, len);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int getsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) GETSOCKOPT.invokeExact(capture, fd, level, name, value, len);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int getsockname(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) GETSOCKNAME.invokeExact(capture, fd, addr, len);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int recvmmsg(MemorySegment capture, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(capture, fd, msgs, vlen, flags, MemorySegment.NULL);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int sendmmsg(MemorySegment capture, int fd, MemorySegment msgs, int vlen, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(capture, fd, msgs, vlen, flags);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int shutdown(MemorySegment capture, int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(capture, fd, how);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    static int close(MemorySegment capture, int fd) {
        try {
            return (int) CLOSE.invokeExact(capture, fd);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the symbolic name of an errno value for messages, e.g. {@code EINVAL (22)} */
    static String errnoName(int errno) {
        String name = switch (errno) {
            case 1 -> "EPERM";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case 9 -> "EBADF";
            case 11 -> "EAGAIN";
            case 13 -> "EACCES";
            case 22 -> "EINVAL";
            case 90 -> "EMSGSIZE";
            case 92 -> "ENOPROTOOPT";
            case 97 -> "EAFNOSUPPORT";
            case 98 -> "EADDRINUSE";
            case 99 -> "EADDRNOTAVAIL";
            case 101 -> "ENETUNREACH";
            case 105 -> "ENOBUFS";
            case 111 -> "ECONNREFUSED";
            case 113 -> "EHOSTUNREACH";
            default -> "errno";
        };
        return name + " (" + errno + ")";
    }
}

package io.postern.handler.tun;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls the TUN device needs, bound once through the FFM {@link Linker}: {@code open},
 * {@code ioctl}, {@code read}, {@code write}, {@code poll}, {@code close} and {@code strerror}. Each
 * call takes a caller-owned {@code errno} capture segment ({@link #newErrnoSegment}), so a thread
 * that keeps one makes no allocation per call.
 *
 * <p>{@code read} and {@code write} are bound as critical functions that may take heap segments:
 * the device is non-blocking, so they return at once, and a packet goes between the kernel and a
 * Java {@code byte[]} without a copy through native memory.
 *
 * <p>Constants are Linux's generic values (x86-64 and AArch64 share them): {@code fcntl.h},
 * {@code errno.h}, {@code poll.h}.
 */
final class LinuxSyscalls {
    static final int O_RDWR = 0x2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;
    static final short POLLIN = 0x1;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    // open(const char *path, int flags, ...): the mode is variadic (unused without O_CREAT, passed as 0)
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    // ioctl(int fd, unsigned long request, ...): the argument is variadic
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), ERRNO_OPTION, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPTION, Linker.Option.critical(true));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), ERRNO_OPTION, Linker.Option.critical(true));
    private static final MethodHandle POLL = downcall("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), ERRNO_OPTION);
    private static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private LinuxSyscalls() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new TunException("the C library has no " + name + "()"));
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** @return a segment to receive {@code errno}, for the calls of one thread */
    static MemorySegment newErrnoSegment(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    /** @return the {@code errno} the last call with {@code capture} left */
    static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    static int open(MemorySegment capture, MemorySegment path, int flags) {
        try {
            return (int) OPEN.invokeExact(capture, path, flags, 0);
        } catch (Throwable t) {
            throw failed("open", t);
        }
    }

    static int ioctl(MemorySegment capture, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(capture, fd, request, argument);
        } catch (Throwable t) {
            throw failed("ioctl", t);
        }
    }

    /** @return bytes read, or -1 with {@code errno} in {@code capture} */
    static long read(MemorySegment capture, int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(capture, fd, buffer, length);
        } catch (Throwable t) {
            throw failed("read", t);
        }
    }

    /** @return bytes written, or -1 with {@code errno} in {@code capture} */
    static long write(MemorySegment capture, int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(capture, fd, buffer, length);
        } catch (Throwable t) {
            throw failed("write", t);
        }
    }

    /** {@code poll} on one {@code struct pollfd} (fd, events, revents: 8 bytes) already filled in. */
    static int poll(MemorySegment capture, MemorySegment pollfd, int timeoutMillis) {
        try {
            return (int) POLL.invokeExact(capture, pollfd, 1L, timeoutMillis);
        } catch (Throwable t) {
            throw failed("poll", t);
        }
    }

    static int close(MemorySegment capture, int fd) {
        try {
            return (int) CLOSE.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw failed("close", t);
        }
    }

    /** @return the C library's text for an errno value, with the number ("Operation not permitted (errno 1)") */
    static String describe(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0) + " (errno " + errno + ")";
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static TunException failed(String call, Throwable t) {
        return new TunException("native call " + call + "() failed: " + t, t);
    }
}

package io.postern.transport.udplinux;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Datagrams queued by the receive thread while it handles one {@code recvmmsg} batch, sent with one
 * {@code sendmmsg} when the batch is done (or when the queue is full). With GSO, consecutive datagrams
 * to the same destination whose sizes are equal (the last of a run may be shorter) become one message
 * carrying a {@code UDP_SEGMENT} control message, which the kernel splits into those datagrams again:
 * up to {@value #MAX_SEGMENTS} datagrams and {@value #MAX_GSO_BYTES} bytes per message.
 *
 * <p>Errors are per message: {@code sendmmsg} stops at the first message that fails, so a failed
 * message is counted (all its datagrams) and sending resumes with the next one; the others are not
 * lost. A GSO message the kernel refuses is sent again datagram by datagram; {@code EIO} (a device
 * that cannot segment) also turns GSO off for this socket. A message that should leave from a local
 * address the kernel no longer accepts as a source ({@code EINVAL}, {@code EADDRNOTAVAIL},
 * {@code ENETUNREACH}: the address is gone) is sent again without it, the kernel choosing the source (as wireguard-go does). Not
 * thread-safe: the receive thread's own, or one sending thread's.
 */
final class SendBatch {
    /** The kernel's UDP_MAX_SEGMENTS. */
    static final int MAX_SEGMENTS = 64;
    /** Bytes of one GSO message (under 64 KiB with IP and UDP headers). */
    static final int MAX_GSO_BYTES = 65000;

    /** Where failures go. */
    interface Errors {
        /** {@code datagrams} datagrams of one message were not sent; {@code errno} says why. */
        void sendFailed(int errno, int datagrams);

        /** GSO was turned off after the kernel refused a segmented message. */
        void gsoOff(int errno);
    }

    private final Messages m;
    private final int fd;
    private final MemorySegment errno;
    private final Errors errors;
    private final int[] segments;
    private final int[] segmentSize;
    private final byte[][] sources;
    private volatile long sourceFallbacks; // written by the owning thread only
    private volatile boolean gso;
    private volatile long segmentedMessages; // written by the receive thread only
    private int count;
    private long used;
    private byte[] lastAddress;
    private boolean lastClosed;
    private long lastLength;

    SendBatch(Messages messages, int fd, MemorySegment errno, boolean gso, Errors errors) {
        this.m = messages;
        this.fd = fd;
        this.errno = errno;
        this.gso = gso;
        this.errors = errors;
        this.segments = new int[messages.capacity];
        this.segmentSize = new int[messages.capacity];
        this.sources = new byte[messages.capacity][];
    }

    /** @return messages sent from the kernel's choice of source because their sticky one was refused */
    long sourceFallbacks() {
        return sourceFallbacks;
    }

    /** @return whether GSO is (still) used */
    boolean gso() {
        return gso;
    }

    /** @return messages sent as several datagrams (GSO) so far */
    long segmentedMessages() {
        return segmentedMessages;
    }

    /** @return datagrams queued and not yet sent */
    int queuedMessages() {
        return count;
    }

    /** Queues one datagram to {@code to} (from {@link SockAddrs}): its socket address and source. */
    void add(SockAddrs.Destination to, byte[] buf, int off, int len) {
        byte[] sockaddr = to.sockaddr();
        byte[] source = to.source();
        if (gso && count > 0 && !lastClosed && (sockaddr == lastAddress || java.util.Arrays.equals(sockaddr, lastAddress))
                && (source == sources[count - 1] || java.util.Arrays.equals(source, sources[count - 1]))
                && len <= segmentSize[count - 1] && segments[count - 1] < MAX_SEGMENTS
                && lastLength + len <= MAX_GSO_BYTES && used + len <= m.data.byteSize()) {
            // the message's data ends at `used`: append, and grow its iovec
            MemorySegment.copy(buf, off, m.data, ValueLayout.JAVA_BYTE, used, len);
            used += len;
            lastLength += len;
            segments[count - 1]++;
            lastClosed = len < segmentSize[count - 1];
            m.iovecLength(count - 1, lastLength);
            return;
        }
        if (count == m.capacity || used + len > m.data.byteSize()) {
            flush();
        }
        MemorySegment.copy(buf, off, m.data, ValueLayout.JAVA_BYTE, used, len);
        m.name(count, sockaddr);
        m.iovec(count, used, len);
        segments[count] = 1;
        segmentSize[count] = len;
        sources[count] = source;
        lastAddress = sockaddr;
        lastClosed = len == 0;
        lastLength = len;
        used += len;
        count++;
    }

    /**
     * Sends everything queued.
     *
     * @return the datagrams that were not sent (each failed message also went to {@link Errors#sendFailed})
     */
    int flush() {
        if (count == 0) {
            return 0;
        }
        long segmented = 0;
        for (int i = 0; i < count; i++) {
            boolean gsoMessage = segments[i] > 1;
            m.sendControl(i, sources[i], gsoMessage ? segmentSize[i] : 0);
            segmented += gsoMessage ? 1 : 0;
        }
        if (segmented > 0) {
            segmentedMessages = segmentedMessages + segmented;
        }
        int failed = 0;
        int i = 0;
        int interrupted = 0;
        while (i < count) {
            int r = Native.sendmmsg(errno, fd, from(i), count - i, Native.MSG_DONTWAIT);
            if (r > 0) {
                i += r;
                continue;
            }
            int e = r < 0 ? Native.errno(errno) : Native.EAGAIN;
            if (e == Native.EINTR && interrupted++ < 8) {
                continue;
            }
            if (sources[i] != null && (e == Native.EINVAL || e == Native.EADDRNOTAVAIL || e == Native.ENETUNREACH)) {
                sources[i] = null; // the local address is gone: let the kernel choose, and try this message again
                m.sendControl(i, null, segments[i] > 1 ? segmentSize[i] : 0);
                sourceFallbacks = sourceFallbacks + 1;
                continue;
            }
            if (segments[i] > 1 && (e == Native.EIO || e == Native.EINVAL || e == Native.EMSGSIZE)) {
                // EIO: the device cannot segment (off for good); EINVAL/EMSGSIZE: segments larger than the
                // path's MTU, which one datagram each may still pass (fragmented)
                if (e == Native.EIO) {
                    gso = false;
                    errors.gsoOff(e);
                }
                failed += sendOneByOne(i);
            } else {
                errors.sendFailed(e, segments[i]); // this message only; go on with the next
                failed += segments[i];
            }
            i++;
        }
        count = 0;
        used = 0;
        lastAddress = null;
        return failed;
    }

    private MemorySegment from(int i) {
        return i == 0 ? m.headers : m.headers.asSlice(Native.MMSGHDR_SIZE * i);
    }

    /** Sends the datagrams of GSO message {@code i} as one message each (its source kept); @return those not sent. */
    private int sendOneByOne(int i) {
        long base = m.iovecs.get(ValueLayout.JAVA_LONG, Native.IOVEC_SIZE * i) - m.data.address();
        long total = m.iovecs.get(ValueLayout.JAVA_LONG, Native.IOVEC_SIZE * i + 8);
        m.sendControl(i, sources[i], 0);
        int failed = 0;
        for (long o = 0; o < total; o += segmentSize[i]) {
            long len = Math.min(segmentSize[i], total - o);
            m.iovec(i, base + o, len);
            if (Native.sendmmsg(errno, fd, from(i), 1, Native.MSG_DONTWAIT) != 1) {
                errors.sendFailed(Native.errno(errno), 1);
                failed++;
            }
        }
        return failed;
    }
}

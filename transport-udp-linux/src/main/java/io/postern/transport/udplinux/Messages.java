package io.postern.transport.udplinux;

import static io.postern.transport.udplinux.Native.CMSG_HEADER;
import static io.postern.transport.udplinux.Native.CONTROL_SPACE;
import static io.postern.transport.udplinux.Native.IOVEC_SIZE;
import static io.postern.transport.udplinux.Native.MMSGHDR_SIZE;
import static io.postern.transport.udplinux.Native.MSG_CONTROL;
import static io.postern.transport.udplinux.Native.MSG_CONTROLLEN;
import static io.postern.transport.udplinux.Native.MSG_FLAGS;
import static io.postern.transport.udplinux.Native.MSG_IOV;
import static io.postern.transport.udplinux.Native.MSG_IOVLEN;
import static io.postern.transport.udplinux.Native.MSG_LEN;
import static io.postern.transport.udplinux.Native.MSG_NAME;
import static io.postern.transport.udplinux.Native.MSG_NAMELEN;
import static io.postern.transport.udplinux.Native.SOCKADDR_SPACE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A native array of {@code struct mmsghdr} for {@code recvmmsg}/{@code sendmmsg}, each with one
 * {@code iovec}, a socket-address slot and a control-message slot, over one native data area.
 * Allocated once per socket and thread role; no allocation afterwards. Not thread-safe.
 */
final class Messages {
    final int capacity;
    final MemorySegment headers;
    final MemorySegment iovecs;
    final MemorySegment names;
    final MemorySegment controls;
    final MemorySegment data;

    Messages(Arena arena, int capacity, long dataBytes) {
        this.capacity = capacity;
        this.headers = arena.allocate(MMSGHDR_SIZE * capacity, 8);
        this.iovecs = arena.allocate(IOVEC_SIZE * capacity, 8);
        this.names = arena.allocate(SOCKADDR_SPACE * capacity, 8);
        this.controls = arena.allocate(CONTROL_SPACE * capacity, 8);
        this.data = arena.allocate(dataBytes, 64);
        for (int i = 0; i < capacity; i++) {
            long h = MMSGHDR_SIZE * i;
            headers.set(ValueLayout.ADDRESS, h + MSG_NAME, names.asSlice(SOCKADDR_SPACE * i, SOCKADDR_SPACE));
            headers.set(ValueLayout.ADDRESS, h + MSG_IOV, iovecs.asSlice(IOVEC_SIZE * i, IOVEC_SIZE));
            headers.set(ValueLayout.JAVA_LONG, h + MSG_IOVLEN, 1);
        }
    }

    /** Points message {@code i}'s iovec at {@code data[offset, offset+length)}. */
    void iovec(int i, long offset, long length) {
        long v = IOVEC_SIZE * i;
        iovecs.set(ValueLayout.JAVA_LONG, v, data.address() + offset); // a pointer (LP64): no slice object per packet
        iovecs.set(ValueLayout.JAVA_LONG, v + 8, length);
    }

    /** Sets the iovec length of message {@code i} (its base unchanged). */
    void iovecLength(int i, long length) {
        iovecs.set(ValueLayout.JAVA_LONG, IOVEC_SIZE * i + 8, length);
    }

    /** Makes message {@code i} ready to receive: name and control slots at full size, flags cleared. */
    void resetForReceive(int i, boolean withControl) {
        long h = MMSGHDR_SIZE * i;
        headers.set(ValueLayout.JAVA_INT, h + MSG_NAMELEN, (int) SOCKADDR_SPACE);
        if (withControl) {
            headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROL, controls.address() + CONTROL_SPACE * i);
            headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, CONTROL_SPACE);
        } else {
            headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROL, 0L);
            headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, 0);
        }
        headers.set(ValueLayout.JAVA_INT, h + MSG_FLAGS, 0);
        headers.set(ValueLayout.JAVA_INT, h + MSG_LEN, 0);
    }

    /** Copies a socket address into message {@code i}'s name slot. */
    void name(int i, byte[] sockaddr) {
        MemorySegment.copy(sockaddr, 0, names, ValueLayout.JAVA_BYTE, SOCKADDR_SPACE * i, sockaddr.length);
        headers.set(ValueLayout.JAVA_INT, MMSGHDR_SIZE * i + MSG_NAMELEN, sockaddr.length);
    }

    /**
     * Gives message {@code i} its control messages for sending: {@code source} (a whole control
     * message choosing the source address, from {@link SockAddrs}, or null) followed by a
     * {@code UDP_SEGMENT} one holding {@code segmentSize} when that is above 0 (GSO); none when neither.
     */
    void sendControl(int i, byte[] source, int segmentSize) {
        long h = MMSGHDR_SIZE * i;
        long c = CONTROL_SPACE * i;
        long length = 0;
        if (source != null) {
            MemorySegment.copy(source, 0, controls, ValueLayout.JAVA_BYTE, c, source.length);
            length = source.length;
        }
        if (segmentSize > 0) {
            controls.set(ValueLayout.JAVA_LONG, c + length, CMSG_HEADER + 2); // CMSG_LEN(sizeof(uint16_t))
            controls.set(ValueLayout.JAVA_INT, c + length + 8, Native.SOL_UDP);
            controls.set(ValueLayout.JAVA_INT, c + length + 12, Native.UDP_SEGMENT);
            controls.set(ValueLayout.JAVA_SHORT, c + length + CMSG_HEADER, (short) segmentSize);
            length += 24; // CMSG_SPACE(sizeof(uint16_t))
        }
        headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROL, length == 0 ? 0L : controls.address() + c);
        headers.set(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN, length);
    }

    /** @return the bytes the kernel put into message {@code i} ({@code msg_len}) */
    int length(int i) {
        return headers.get(ValueLayout.JAVA_INT, MMSGHDR_SIZE * i + MSG_LEN);
    }

    /** @return the {@code msg_flags} of received message {@code i} */
    int flags(int i) {
        return headers.get(ValueLayout.JAVA_INT, MMSGHDR_SIZE * i + MSG_FLAGS);
    }

    /** @return the offset of message {@code i}'s socket address in {@link #names} */
    static long nameOffset(int i) {
        return SOCKADDR_SPACE * i;
    }

    /**
     * @return the offset in {@link #controls} of the data of the first control message
     *         {@code level/type} the kernel gave message {@code i} with at least {@code minData} bytes,
     *         or -1 when it has none
     */
    long controlData(int i, int level, int type, int minData) {
        long h = MMSGHDR_SIZE * i;
        long len = headers.get(ValueLayout.JAVA_LONG, h + MSG_CONTROLLEN);
        long c = CONTROL_SPACE * i;
        long end = c + Math.min(len, CONTROL_SPACE);
        while (c + CMSG_HEADER <= end) {
            long cmsgLen = controls.get(ValueLayout.JAVA_LONG, c);
            if (cmsgLen < CMSG_HEADER || c + cmsgLen > end) {
                return -1;
            }
            if (controls.get(ValueLayout.JAVA_INT, c + 8) == level && controls.get(ValueLayout.JAVA_INT, c + 12) == type
                    && cmsgLen >= CMSG_HEADER + minData) {
                return c + CMSG_HEADER;
            }
            c += (cmsgLen + 7) & ~7L;
        }
        return -1;
    }

    /**
     * @return the int value of the first control message {@code level/type} the kernel gave message
     *         {@code i} (UDP_GRO: the segment size), or -1 when it has none
     */
    int controlInt(int i, int level, int type) {
        long at = controlData(i, level, type, 2);
        if (at < 0) {
            return -1;
        }
        long cmsgLen = controls.get(ValueLayout.JAVA_LONG, at - CMSG_HEADER);
        // UDP_GRO gives an int; the kernel writes it as such (little-endian: the low 16 bits come first)
        return cmsgLen >= CMSG_HEADER + 4 ? controls.get(ValueLayout.JAVA_INT, at)
                : Short.toUnsignedInt(controls.get(ValueLayout.JAVA_SHORT, at));
    }
}

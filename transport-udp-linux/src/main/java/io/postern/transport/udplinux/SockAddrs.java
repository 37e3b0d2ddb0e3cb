package io.postern.transport.udplinux;

import io.postern.net.Endpoint;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * {@code struct sockaddr_in}/{@code sockaddr_in6} both ways, without allocating on the data path:
 * received source addresses map to {@link Endpoint}s through a bounded direct-mapped cache keyed by
 * address and port, and endpoints to the bytes of their socket address through a bounded cache
 * keyed by the endpoint object's identity (the engine sends to a peer's one {@code Endpoint}
 * object). Both caches have {@value #SLOTS} slots and replace on collision: a flood of spoofed
 * source addresses costs allocations, never memory. Thread-safe (slots hold immutable entries).
 *
 * <p>IPv4-mapped IPv6 sources ({@code ::ffff:a.b.c.d}, what a dual-stack socket reports for IPv4)
 * become plain IPv4 endpoints; on an IPv6 socket IPv4 destinations are sent to as IPv4-mapped.
 */
final class SockAddrs {
    static final int SLOTS = 4096;
    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt NET_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfLong NET_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private record Source(long hi, long lo, int port, InetAddress local, Endpoint endpoint) {}

    /**
     * Where a datagram goes: the socket address, and the control message that makes it leave from
     * the endpoint's local address ({@code IP_PKTINFO}/{@code IPV6_PKTINFO}), or null to let the kernel choose.
     */
    record Destination(Endpoint endpoint, byte[] sockaddr, byte[] source) {}

    private record Local(long hi, long lo, int scope, InetAddress address) {}

    private final boolean ipv6Socket;
    private final AtomicReferenceArray<Source> sources = new AtomicReferenceArray<>(SLOTS);
    private final AtomicReferenceArray<Destination> destinations = new AtomicReferenceArray<>(SLOTS);
    private final AtomicReferenceArray<Local> locals = new AtomicReferenceArray<>(LOCAL_SLOTS);
    static final int LOCAL_SLOTS = 64;

    /** @param ipv6Socket whether the socket is AF_INET6 (then every destination is written as sockaddr_in6) */
    SockAddrs(boolean ipv6Socket) {
        this.ipv6Socket = ipv6Socket;
    }

    /**
     * @param local the local address the datagram arrived at (from {@link #local}), or null when not known
     * @return the endpoint of the socket address at {@code addr} (as the kernel wrote it), received at
     *         {@code local}, or null for a family other than AF_INET/AF_INET6
     */
    Endpoint source(MemorySegment addr, long offset, InetAddress local) {
        int family = Short.toUnsignedInt(addr.get(ValueLayout.JAVA_SHORT_UNALIGNED, offset));
        int port = Short.toUnsignedInt(addr.get(NET_SHORT, offset + 2));
        long hi;
        long lo;
        if (family == Native.AF_INET) {
            hi = 0;
            lo = 0xffff_0000_0000L | Integer.toUnsignedLong(addr.get(NET_INT, offset + 4));
        } else if (family == Native.AF_INET6) {
            hi = addr.get(NET_LONG, offset + 8);
            lo = addr.get(NET_LONG, offset + 16);
        } else {
            return null;
        }
        int slot = slot(hi * 31 + lo + System.identityHashCode(local), port);
        Source s = sources.get(slot);
        if (s != null && s.hi == hi && s.lo == lo && s.port == port && s.local == local) {
            return s.endpoint;
        }
        Endpoint e = Endpoint.of(address(hi, lo), port);
        if (local != null) {
            e = e.receivedAt(local);
        }
        sources.set(slot, new Source(hi, lo, port, local, e));
        return e;
    }

    /**
     * @return the local address in the {@code in_pktinfo} ({@code ipv6} false) or {@code in6_pktinfo}
     *         at {@code offset} of {@code control}: the same object while it repeats (a bounded cache of
     *         {@value #LOCAL_SLOTS} slots that replaces on collision)
     */
    InetAddress local(MemorySegment control, long offset, boolean ipv6) {
        long hi;
        long lo;
        int scope = 0;
        if (!ipv6) {
            hi = 0; // in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }: the header's destination
            lo = 0xffff_0000_0000L | Integer.toUnsignedLong(control.get(NET_INT, offset + 8));
        } else {
            hi = control.get(NET_LONG, offset); // in6_pktinfo { in6_addr ipi6_addr; int ipi6_ifindex; }
            lo = control.get(NET_LONG, offset + 8);
            if ((hi >>> 54) == (0xfe80L >>> 6)) {
                scope = control.get(ValueLayout.JAVA_INT_UNALIGNED, offset + 16); // a link-local address needs its interface
            }
        }
        int slot = slot(hi * 31 + lo, scope) & (LOCAL_SLOTS - 1);
        Local l = locals.get(slot);
        if (l != null && l.hi == hi && l.lo == lo && l.scope == scope) {
            return l.address;
        }
        InetAddress a = address(hi, lo);
        if (scope != 0) {
            try {
                a = Inet6Address.getByAddress(null, a.getAddress(), scope);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("16 bytes are always an IPv6 address", e);
            }
        }
        locals.set(slot, new Local(hi, lo, scope, a));
        return a;
    }

    /**
     * @return the socket address bytes to send to {@code to} (sockaddr_in6 on an IPv6 socket,
     *         sockaddr_in on an IPv4 one) and the control message choosing its source address when
     *         {@code to} has a local address, or null when this socket cannot reach its family
     */
    Destination destination(Endpoint to) {
        int slot = slot(System.identityHashCode(to), 0);
        Destination d = destinations.get(slot);
        if (d != null && d.endpoint == to) {
            return d;
        }
        byte[] bytes = encode(to.ip(), to.port(), ipv6Socket);
        if (bytes == null) {
            return null;
        }
        d = new Destination(to, bytes, to.localAddress() == null ? null : pktinfo(to.localAddress(), to.ip().getAddress().length == 4));
        destinations.set(slot, d);
        return d;
    }

    /**
     * @return a whole {@code IP_PKTINFO} (IPv4 destination) or {@code IPV6_PKTINFO} control message
     *         (header and data, padded to its CMSG_SPACE) sending from {@code local}, or null when
     *         {@code local} is not of the destination's family
     */
    static byte[] pktinfo(InetAddress local, boolean ipv4Destination) {
        byte[] src = local.getAddress();
        java.nio.ByteBuffer b;
        if (ipv4Destination) {
            if (src.length != 4) {
                return null;
            }
            b = java.nio.ByteBuffer.allocate(32).order(java.nio.ByteOrder.LITTLE_ENDIAN); // CMSG_SPACE(12)
            b.putLong(Native.CMSG_HEADER + 12).putInt(Native.IPPROTO_IP).putInt(Native.IP_PKTINFO);
            b.putInt(0).put(src); // ipi_ifindex 0, ipi_spec_dst: the source; ipi_addr unused on send
            return b.array();
        }
        if (src.length != 16) {
            return null;
        }
        b = java.nio.ByteBuffer.allocate(40).order(java.nio.ByteOrder.LITTLE_ENDIAN); // CMSG_SPACE(20)
        b.putLong(Native.CMSG_HEADER + 20).putInt(Native.IPPROTO_IPV6).putInt(Native.IPV6_PKTINFO);
        b.put(src).putInt(local instanceof Inet6Address v6 ? v6.getScopeId() : 0);
        return b.array();
    }

    /** @return the sockaddr bytes of {@code ip:port} for a socket of the given family, or null if it cannot be expressed */
    static byte[] encode(InetAddress ip, int port, boolean ipv6Socket) {
        byte[] a = ip.getAddress();
        if (!ipv6Socket) {
            if (a.length != 4) {
                return null;
            }
            byte[] s = new byte[16];
            s[0] = (byte) Native.AF_INET; // sa_family is host order (little-endian on x86_64 and aarch64)
            s[2] = (byte) (port >>> 8);
            s[3] = (byte) port;
            System.arraycopy(a, 0, s, 4, 4);
            return s;
        }
        byte[] s = new byte[28];
        s[0] = (byte) Native.AF_INET6;
        s[2] = (byte) (port >>> 8);
        s[3] = (byte) port;
        if (a.length == 4) {
            s[18] = (byte) 0xff;
            s[19] = (byte) 0xff;
            System.arraycopy(a, 0, s, 20, 4);
        } else {
            System.arraycopy(a, 0, s, 8, 16);
            if (ip instanceof Inet6Address v6 && v6.getScopeId() != 0) {
                int scope = v6.getScopeId();
                s[24] = (byte) scope; // sin6_scope_id, host order
                s[25] = (byte) (scope >>> 8);
                s[26] = (byte) (scope >>> 16);
                s[27] = (byte) (scope >>> 24);
            }
        }
        return s;
    }

    private static InetAddress address(long hi, long lo) {
        byte[] b;
        if (hi == 0 && (lo >>> 32) == 0xffff) {
            b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static int slot(long key, int port) {
        long h = (key ^ (key >>> 29) ^ port) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 52) & (SLOTS - 1);
    }
}

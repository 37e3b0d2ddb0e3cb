package io.postern.gateway.ip;

import io.postern.event.ThrottledCounts;
import io.postern.key.PublicKey;
import io.postern.spi.HandlerContext;
import io.postern.spi.PacketHandler;
import io.postern.spi.PluginName;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code ip} handler. For each decrypted payload from peer P:
 * <ol>
 *   <li>parse it strictly as IPv4 or IPv6 (lengths, IPv4 header checksum);</li>
 *   <li>drop it unless its source lies in P's AllowedIPs (cryptokey routing, WireGuard paper §2);</li>
 *   <li>if it is addressed to one of the gateway's own {@code Address}es: answer an ICMP/ICMPv6 echo
 *       request with an echo reply to P, drop anything else (IPv4 fragments included: the gateway
 *       does not reassemble, {@link IpDropReason#FRAGMENT});</li>
 *   <li>otherwise decrement TTL/hop limit and send it to the peer whose AllowedIPs hold the longest
 *       matching prefix of the destination — a hub, as a WireGuard server with forwarding on.</li>
 * </ol>
 * IPv4 fragments between peers are forwarded like any packet: routing needs only the IP header, which
 * every fragment carries, and the receiving peer reassembles (as a WireGuard hub's kernel forwards
 * them). Every drop has an {@link IpDropReason} and a counter. Padding after the IP packet's own length is
 * stripped before forwarding.
 */
@PluginName("ip")
public final class IpPacketHandler implements PacketHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IpPacketHandler.class);
    private static final int IPV4_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int PROTO_ICMP = 1;
    private static final int PROTO_ICMPV6 = 58;
    private static final int ICMP_ECHO_REQUEST = 8;
    private static final int ICMP_ECHO_REPLY = 0;
    private static final int ICMPV6_ECHO_REQUEST = 128;
    private static final int ICMPV6_ECHO_REPLY = 129;
    private static final int REPLY_TTL = 64;

    private final ThrottledCounts drops = new ThrottledCounts(IpDropReason.values().length, Duration.ofSeconds(1));
    private final java.util.concurrent.atomic.AtomicLong echoReplies = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();

    /** ServiceLoader constructor. */
    public IpPacketHandler() {}

    @Override
    public String name() {
        return "ip";
    }

    @Override
    public String description() {
        return "Routes IPv4/IPv6 packets between peers by AllowedIPs and answers ping to the gateway's Address";
    }

    @Override
    public void onPacket(PublicKey peer, byte[] buf, int off, int len, HandlerContext ctx) {
        if (len < 1) {
            drop(IpDropReason.TOO_SHORT, peer);
            return;
        }
        int version = (buf[off] & 0xff) >>> 4;
        if (version == 4) {
            onIpv4(peer, buf, off, len, ctx);
        } else if (version == 6) {
            onIpv6(peer, buf, off, len, ctx);
        } else {
            drop(IpDropReason.BAD_VERSION, peer);
        }
    }

    private void onIpv4(PublicKey peer, byte[] buf, int off, int len, HandlerContext ctx) {
        if (len < IPV4_HEADER) {
            drop(IpDropReason.TOO_SHORT, peer);
            return;
        }
        int ihl = (buf[off] & 0x0f) * 4;
        if (ihl < IPV4_HEADER) {
            drop(IpDropReason.BAD_HEADER, peer);
            return;
        }
        int total = u16(buf, off + 2);
        if (ihl > len || total < ihl || total > len) {
            drop(IpDropReason.BAD_LENGTH, peer);
            return;
        }
        if (InternetChecksum.compute(buf, off, ihl) != 0) {
            drop(IpDropReason.BAD_CHECKSUM, peer);
            return;
        }
        if (!ctx.isAllowedSource(peer, buf, off + 12, 4)) {
            drop(IpDropReason.SOURCE_NOT_ALLOWED, peer);
            return;
        }
        if (isLocal(ctx.interfaceAddresses(), buf, off + 16, 4)) {
            int fragment = u16(buf, off + 6);
            if ((fragment & 0x2000) != 0 || (fragment & 0x1fff) != 0) {
                // Only ping is answered here, and a ping needs no reassembly unless it is larger than
                // the peer's MTU: such a fragment is dropped (and counted), never half-processed.
                drop(IpDropReason.FRAGMENT, peer);
                return;
            }
            int protocol = buf[off + 9] & 0xff;
            int icmp = off + ihl;
            int icmpLen = total - ihl;
            if (protocol != PROTO_ICMP || icmpLen < 8 || (buf[icmp] & 0xff) != ICMP_ECHO_REQUEST || buf[icmp + 1] != 0) {
                drop(IpDropReason.LOCAL_NOT_HANDLED, peer);
                return;
            }
            if (InternetChecksum.compute(buf, icmp, icmpLen) != 0) {
                drop(IpDropReason.BAD_CHECKSUM, peer);
                return;
            }
            byte[] reply = new byte[total];
            System.arraycopy(buf, off, reply, 0, total);
            System.arraycopy(buf, off + 16, reply, 12, 4);
            System.arraycopy(buf, off + 12, reply, 16, 4);
            reply[8] = (byte) REPLY_TTL;
            reply[10] = 0;
            reply[11] = 0;
            putU16(reply, 10, InternetChecksum.compute(reply, 0, ihl));
            reply[ihl] = (byte) ICMP_ECHO_REPLY;
            reply[ihl + 2] = 0;
            reply[ihl + 3] = 0;
            putU16(reply, ihl + 2, InternetChecksum.compute(reply, ihl, icmpLen));
            if (ctx.send(peer, reply, 0, total)) {
                echoReplies.incrementAndGet();
            } else {
                drop(IpDropReason.NO_SESSION, peer);
            }
            return;
        }
        int ttl = buf[off + 8] & 0xff;
        if (ttl <= 1) {
            drop(IpDropReason.TTL_EXPIRED, peer);
            return;
        }
        // Decrement TTL and patch the header checksum (RFC 1624: HC' = ~(~HC + ~m + m')).
        int oldWord = u16(buf, off + 8);
        buf[off + 8] = (byte) (ttl - 1);
        int newWord = u16(buf, off + 8);
        long sum = (~u16(buf, off + 10) & 0xffff) + (~oldWord & 0xffff) + newWord;
        putU16(buf, off + 10, InternetChecksum.finish(sum));
        forward(peer, buf, off, total, off + 16, 4, ctx);
    }

    private void onIpv6(PublicKey peer, byte[] buf, int off, int len, HandlerContext ctx) {
        if (len < IPV6_HEADER) {
            drop(IpDropReason.TOO_SHORT, peer);
            return;
        }
        int payload = u16(buf, off + 4);
        int total = IPV6_HEADER + payload;
        if (total > len) {
            drop(IpDropReason.BAD_LENGTH, peer);
            return;
        }
        if (!ctx.isAllowedSource(peer, buf, off + 8, 16)) {
            drop(IpDropReason.SOURCE_NOT_ALLOWED, peer);
            return;
        }
        if (isLocal(ctx.interfaceAddresses(), buf, off + 24, 16)) {
            int next = buf[off + 6] & 0xff;
            int icmp = off + IPV6_HEADER;
            if (next != PROTO_ICMPV6 || payload < 8 || (buf[icmp] & 0xff) != ICMPV6_ECHO_REQUEST || buf[icmp + 1] != 0) {
                drop(IpDropReason.LOCAL_NOT_HANDLED, peer);
                return;
            }
            if (icmpv6Checksum(buf, off, icmp, payload) != 0) {
                drop(IpDropReason.BAD_CHECKSUM, peer);
                return;
            }
            byte[] reply = new byte[total];
            System.arraycopy(buf, off, reply, 0, total);
            System.arraycopy(buf, off + 24, reply, 8, 16);
            System.arraycopy(buf, off + 8, reply, 24, 16);
            reply[7] = (byte) REPLY_TTL;
            reply[IPV6_HEADER] = (byte) ICMPV6_ECHO_REPLY;
            reply[IPV6_HEADER + 2] = 0;
            reply[IPV6_HEADER + 3] = 0;
            putU16(reply, IPV6_HEADER + 2, icmpv6Checksum(reply, 0, IPV6_HEADER, payload));
            if (ctx.send(peer, reply, 0, total)) {
                echoReplies.incrementAndGet();
            } else {
                drop(IpDropReason.NO_SESSION, peer);
            }
            return;
        }
        int hops = buf[off + 7] & 0xff;
        if (hops <= 1) {
            drop(IpDropReason.TTL_EXPIRED, peer);
            return;
        }
        buf[off + 7] = (byte) (hops - 1);
        forward(peer, buf, off, total, off + 24, 16, ctx);
    }

    private void forward(PublicKey from, byte[] buf, int off, int total, int dst, int family, HandlerContext ctx) {
        PublicKey to = ctx.peerForAddress(buf, dst, family);
        if (to == null) {
            drop(IpDropReason.NO_ROUTE, from);
            return;
        }
        if (ctx.send(to, buf, off, total)) {
            forwarded.incrementAndGet();
        } else {
            drop(IpDropReason.NO_SESSION, from);
        }
    }

    /** ICMPv6 checksum over the pseudo-header (RFC 8200 §8.1) and the ICMPv6 message. */
    private static int icmpv6Checksum(byte[] b, int ipOff, int icmpOff, int icmpLen) {
        long sum = InternetChecksum.sum(b, ipOff + 8, 32) + icmpLen + PROTO_ICMPV6;
        sum += InternetChecksum.sum(b, icmpOff, icmpLen);
        return InternetChecksum.finish(sum);
    }

    private static boolean isLocal(List<InetAddress> own, byte[] b, int off, int family) {
        for (InetAddress a : own) {
            if ((family == 4) != (a instanceof Inet4Address)) {
                continue;
            }
            byte[] x = a.getAddress();
            if (java.util.Arrays.equals(x, 0, family, b, off, off + family)) {
                return true;
            }
        }
        return false;
    }

    private void drop(IpDropReason reason, PublicKey peer) {
        drops.count(reason.ordinal());
        if (LOG.isDebugEnabled() && drops.mayLog(reason.ordinal())) {
            LOG.debug("ip packet dropped reason={} peer={} total={}", reason, peer.shortForm(),
                    drops.total(reason.ordinal()));
        }
    }

    /** @return packets dropped for {@code reason} so far */
    public long drops(IpDropReason reason) {
        return drops.total(reason.ordinal());
    }

    /** @return ICMP/ICMPv6 echo replies sent */
    public long echoReplies() {
        return echoReplies.get();
    }

    /** @return packets forwarded to another peer */
    public long forwarded() {
        return forwarded.get();
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}

package io.postern.transport.udplinux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.postern.net.Endpoint;
import io.postern.transport.udplinux.LinuxUdpTransportTest.Capture;
import io.postern.transport.udplinux.LinuxUdpTransportTest.Received;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * udp-linux on a wildcard address answers from the local address the peer sent to, as the {@code udp}
 * transport's sticky socket does (issue 12, item 8): loopback holds all of 127.0.0.0/8, so a client at
 * 127.0.0.1 talking to 127.0.0.2 sees the difference (without the sticky source the kernel answers
 * from 127.0.0.1). Replies go out in the receive thread's batches (GSO on) and from other threads.
 */
class LinuxUdpStickyTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void linuxOnly() {
        assumeTrue(Native.unavailableReason() == null, () -> "udp-linux cannot run here: " + Native.unavailableReason());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private LinuxUdpTransport wildcard(String ip) throws Exception {
        LinuxUdpTransport t = LinuxUdpTransport.bind(new InetSocketAddress(InetAddress.getByName(ip), 0),
                LinuxUdpTransport.Options.DEFAULT);
        open.add(t);
        return t;
    }

    private DatagramChannel client() throws Exception {
        DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        c.socket().setSoTimeout(10_000);
        open.add(c);
        return c;
    }

    private static java.net.DatagramPacket receive(DatagramChannel c) throws Exception {
        java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[65536], 65536);
        c.socket().receive(p); // the socket adaptor honours SO_TIMEOUT
        return p;
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void aReplyFromAnotherThreadLeavesFromTheAddressThePeerSentTo(String any) throws Exception {
        LinuxUdpTransport gw = wildcard(any);
        assertThat(gw.sticky()).isTrue();
        Capture capture = new Capture();
        gw.start(capture);
        DatagramChannel client = client();
        int port = gw.localEndpoint().port();
        for (String target : List.of("127.0.0.2", "127.0.0.3", "127.0.0.1")) {
            client.send(ByteBuffer.wrap(target.getBytes(StandardCharsets.US_ASCII)),
                    new InetSocketAddress(InetAddress.getByName(target), port));
            Received r = capture.next();
            assertThat(r.source().ip()).isEqualTo(InetAddress.getByName("127.0.0.1")); // plain IPv4, even on ::
            assertThat(r.source().localAddress()).isEqualTo(InetAddress.getByName(target));

            byte[] reply = ("reply from " + target).getBytes(StandardCharsets.US_ASCII);
            assertThat(gw.send(r.source(), reply, 0, reply.length)).isTrue();
            java.net.DatagramPacket in = receive(client);
            assertThat(in.getAddress()).as("source of the reply to a datagram sent to %s", target)
                    .isEqualTo(InetAddress.getByName(target));
            assertThat(in.getPort()).isEqualTo(port);
            assertThat(Arrays.copyOf(in.getData(), in.getLength())).isEqualTo(reply);
        }
        assertThat(gw.errors()).isZero();
    }

    /**
     * Echoes from the receive thread go out with its batch; the same client sends equal-sized datagrams
     * to two local addresses, alternating, so a GSO message that merged them would answer some from the
     * wrong address.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void batchedRepliesKeepEachDatagramsSourceAndGsoDoesNotMergeAcrossSources(String any) throws Exception {
        LinuxUdpTransport gw = wildcard(any);
        gw.start((source, buf, off, len) -> gw.send(source, buf, off, len));
        DatagramChannel client = client();
        int port = gw.localEndpoint().port();
        InetAddress[] targets = {InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3")};
        int n = 40;
        for (int i = 0; i < n; i++) {
            byte[] d = new byte[1000];
            d[0] = (byte) i;
            client.send(ByteBuffer.wrap(d), new InetSocketAddress(targets[(i / 3) % 2], port)); // runs of 3 per address
        }
        for (int i = 0; i < n; i++) {
            java.net.DatagramPacket in = receive(client);
            int seq = in.getData()[0];
            assertThat(in.getLength()).isEqualTo(1000);
            assertThat(in.getAddress()).as("source of the echo of datagram %d", seq).isEqualTo(targets[(seq / 3) % 2]);
        }
        assertThat(gw.errors()).isZero();
    }

    /** An IPv6 datagram on the dual-stack socket: IPV6_PKTINFO both ways (loopback has only ::1 to show). */
    @Test
    void anIpv6PeerGetsItsLocalAddressAndTheReplyFromIt() throws Exception {
        LinuxUdpTransport gw = wildcard("::");
        Capture capture = new Capture();
        gw.start(capture);
        DatagramChannel client;
        try {
            client = DatagramChannel.open(StandardProtocolFamily.INET6).bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
        } catch (java.io.IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        client.socket().setSoTimeout(10_000);
        open.add(client);
        client.send(ByteBuffer.wrap(new byte[] {6}), new InetSocketAddress(InetAddress.getByName("::1"), gw.localEndpoint().port()));
        Received r = capture.next();
        assertThat(r.source().address()).isEqualTo(client.getLocalAddress());
        assertThat(r.source().localAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(gw.send(r.source(), new byte[] {7}, 0, 1)).isTrue();
        java.net.DatagramPacket in = receive(client);
        assertThat(in.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(in.getData()[0]).isEqualTo((byte) 7);
        assertThat(gw.errors()).isZero();
    }

    @Test
    void sendersThatAlternateKeepTheirOwnEndpointAndLocalAddress() throws Exception {
        LinuxUdpTransport gw = wildcard("0.0.0.0");
        Capture capture = new Capture();
        gw.start(capture);
        DatagramChannel a = client();
        DatagramChannel b = client();
        int port = gw.localEndpoint().port();
        String[] to = {"127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.2", "127.0.0.3"};
        DatagramChannel[] from = {a, a, b, a, b};
        for (int i = 0; i < to.length; i++) {
            from[i].send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(InetAddress.getByName(to[i]), port));
            Received r = capture.next();
            assertThat(r.source().port()).isEqualTo(((InetSocketAddress) from[i].getLocalAddress()).getPort());
            assertThat(r.source().localAddress()).isEqualTo(InetAddress.getByName(to[i]));
        }
    }

    @Test
    void aVanishedLocalAddressFallsBackToTheKernelsChoiceAndASpecificBindIsNotSticky() throws Exception {
        LinuxUdpTransport gw = wildcard("0.0.0.0");
        DatagramChannel client = client();
        InetSocketAddress to = (InetSocketAddress) client.getLocalAddress();
        byte[] b = "x".getBytes(StandardCharsets.US_ASCII);
        assertThat(gw.send(new Endpoint(to), b, 0, 1)).isTrue();
        assertThat(receive(client).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        // 198.18.0.77 is no address of this host: the kernel refuses it as a source and chooses one
        assertThat(gw.send(new Endpoint(to).receivedAt(InetAddress.getByName("198.18.0.77")), b, 0, 1)).isTrue();
        assertThat(receive(client).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(gw.errors()).isZero();

        LinuxUdpTransport specific = LinuxUdpTransport.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0),
                LinuxUdpTransport.Options.DEFAULT);
        open.add(specific);
        assertThat(specific.sticky()).isFalse();
        Capture capture = new Capture();
        specific.start(capture);
        client.send(ByteBuffer.wrap(b), specific.localEndpoint().address());
        assertThat(capture.next().source().localAddress()).isNull();
    }
}

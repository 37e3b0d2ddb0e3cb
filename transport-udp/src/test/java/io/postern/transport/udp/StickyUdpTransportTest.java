package io.postern.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.spi.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Pins wireguard-go's sticky sockets (conn/sticky_linux.go): on a wildcard bind, a reply leaves from
 * the local address the peer's datagram was sent to. Loopback has the whole of 127.0.0.0/8, so a
 * client at 127.0.0.1 talking to 127.0.0.2 sees the difference: without the sticky source the
 * kernel answers from 127.0.0.1.
 */
class StickyUdpTransportTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void linuxOnly() {
        Throwable why = StickyUdpTransport.unavailable();
        Assumptions.assumeTrue(why == null, () -> "sticky sockets unavailable: " + why);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private Transport wildcard(String ip) throws Exception {
        Transport t = new UdpTransportProvider().bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
        open.add(t);
        return t;
    }

    private DatagramChannel client() throws Exception {
        DatagramChannel c = DatagramChannel.open(java.net.StandardProtocolFamily.INET)
                .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        open.add(c);
        return c;
    }

    /** The receive side reuses the previous sender's Endpoint while the sender repeats: it must not leak to another. */
    @Test
    void eachDatagramNamesItsOwnSenderWhenSendersAlternate() throws Exception {
        Transport gw = wildcard("0.0.0.0");
        UdpTransportTest.Capture capture = new UdpTransportTest.Capture();
        gw.start(capture);
        DatagramChannel a = client();
        DatagramChannel b = client();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName("127.0.0.2"), gw.localEndpoint().port());
        for (DatagramChannel sender : List.of(a, a, b, b, a, b, a)) {
            sender.send(ByteBuffer.wrap(new byte[] {1}), to);
            UdpTransportTest.Received r = capture.next();
            assertThat(r.source().port()).isEqualTo(((InetSocketAddress) sender.getLocalAddress()).getPort());
            assertThat(r.source().localAddress()).isEqualTo(InetAddress.getByName("127.0.0.2"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void aReplyLeavesFromTheAddressThePeerSentTo(String wildcard) throws Exception {
        Transport gw = wildcard(wildcard);
        assertThat(gw).isInstanceOf(StickyUdpTransport.class);
        UdpTransportTest.Capture capture = new UdpTransportTest.Capture();
        gw.start(capture);
        DatagramChannel client = client();
        int port = gw.localEndpoint().port();

        for (String target : List.of("127.0.0.2", "127.0.0.3", "127.0.0.1")) {
            client.send(ByteBuffer.wrap(target.getBytes(StandardCharsets.US_ASCII)),
                    new InetSocketAddress(InetAddress.getByName(target), port));
            UdpTransportTest.Received r = capture.next();
            assertThat(r.source().ip()).isEqualTo(InetAddress.getByName("127.0.0.1")); // plain IPv4, even on ::
            assertThat(r.source().port()).isEqualTo(((InetSocketAddress) client.getLocalAddress()).getPort());
            assertThat(r.source().localAddress()).isEqualTo(InetAddress.getByName(target));

            byte[] reply = ("reply from " + target).getBytes(StandardCharsets.US_ASCII);
            assertThat(gw.send(r.source(), reply, 0, reply.length)).isTrue();
            ByteBuffer in = ByteBuffer.allocate(100);
            InetSocketAddress from = (InetSocketAddress) client.receive(in);
            assertThat(from.getAddress()).as("source of the reply to a datagram sent to %s", target)
                    .isEqualTo(InetAddress.getByName(target));
            assertThat(from.getPort()).isEqualTo(port);
            assertThat(Arrays.copyOf(in.array(), in.position())).isEqualTo(reply);
        }
    }

    @Test
    void withoutALocalAddressTheKernelChoosesAndAVanishedOneFallsBackToIt() throws Exception {
        Transport gw = wildcard("0.0.0.0");
        DatagramChannel client = client();
        InetSocketAddress to = (InetSocketAddress) client.getLocalAddress();
        byte[] b = "x".getBytes(StandardCharsets.US_ASCII);
        assertThat(gw.send(new Endpoint(to), b, 0, 1)).isTrue();
        ByteBuffer in = ByteBuffer.allocate(10);
        assertThat(((InetSocketAddress) client.receive(in)).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        // 198.18.0.77 is no address of this host: sendmsg refuses it as a source, the kernel chooses
        assertThat(gw.send(new Endpoint(to).receivedAt(InetAddress.getByName("198.18.0.77")), b, 0, 1)).isTrue();
        in.clear();
        assertThat(((InetSocketAddress) client.receive(in)).getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void largestDatagramArrivesWholeAndCloseEndsTheReceiveThread() throws Exception {
        Transport gw = wildcard("::");
        UdpTransportTest.Capture capture = new UdpTransportTest.Capture();
        gw.start(capture);
        DatagramChannel client = client();
        byte[] big = new byte[65_507];
        Arrays.fill(big, (byte) 7);
        client.send(ByteBuffer.wrap(big), new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                gw.localEndpoint().port()));
        assertThat(capture.next().payload()).isEqualTo(big);
        gw.close();
        gw.close();
        assertThat(gw.send(new Endpoint((InetSocketAddress) client.getLocalAddress()), big, 0, 10)).isFalse();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(UdpTransport.RX_THREAD_NAME))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
                .doesNotContain(UdpTransport.RX_THREAD_NAME);
    }
}

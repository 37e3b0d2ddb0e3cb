package io.postern.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UdpTransportTest {
    private static final long WAIT_SECONDS = 10;

    private final List<Transport> open = new ArrayList<>();

    record Received(Endpoint source, byte[] payload) {}

    /** Copies every datagram into a queue (the transport reuses its buffer). */
    static final class Capture implements DatagramReceiver {
        final BlockingQueue<Received> queue = new LinkedBlockingQueue<>();

        @Override
        public void onDatagram(Endpoint source, byte[] buffer, int offset, int length) {
            queue.add(new Received(source, Arrays.copyOfRange(buffer, offset, offset + length)));
        }

        Received next() throws InterruptedException {
            Received r = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(r).as("a datagram within %d s", WAIT_SECONDS).isNotNull();
            return r;
        }
    }

    @AfterEach
    void closeAll() {
        open.forEach(Transport::close);
    }

    private UdpTransport bind(String ip) throws IOException {
        UdpTransport t = UdpTransport.bind(new InetSocketAddress(InetAddress.getByName(ip), 0));
        open.add(t);
        return t;
    }

    @Test
    void ipv4LoopbackRoundTrip() throws Exception {
        UdpTransport a = bind("127.0.0.1");
        UdpTransport b = bind("127.0.0.1");
        Capture atB = new Capture();
        Capture atA = new Capture();
        b.start(atB);
        a.start(atA);

        assertThat(a.send(b.localEndpoint(), bytes("xxhelloxx"), 2, 5)).isTrue();
        Received r = atB.next();
        assertThat(r.payload()).isEqualTo(bytes("hello"));
        assertThat(r.source()).isEqualTo(a.localEndpoint());

        assertThat(b.send(r.source(), bytes("back"), 0, 4)).isTrue();
        Received back = atA.next();
        assertThat(back.payload()).isEqualTo(bytes("back"));
        assertThat(back.source()).isEqualTo(b.localEndpoint());
    }

    /** What a liveness probe reads: the receive thread runs from start to close, and a dead one shows. */
    @Test
    void receivingWhileTheReceiveThreadRuns() throws Exception {
        UdpTransport t = bind("127.0.0.1");
        UdpTransport sender = bind("127.0.0.1");
        assertThat(t.receiving()).as("not started").isFalse();
        java.util.concurrent.CountDownLatch hit = new java.util.concurrent.CountDownLatch(1);
        t.start((source, buffer, offset, length) -> {
            hit.countDown();
            throw new StackOverflowError("an Error the loop rethrows: the thread ends");
        });
        assertThat(t.receiving()).isTrue();
        assertThat(sender.send(t.localEndpoint(), bytes("x"), 0, 1)).isTrue();
        assertThat(hit.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(t.awaitReceiveThreadEnd(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(t.receiving()).as("receive thread died").isFalse();

        UdpTransport closed = bind("127.0.0.1");
        closed.start(new Capture());
        closed.close();
        assertThat(closed.receiving()).as("closed").isFalse();
    }

    @Test
    void ipv6LoopbackRoundTrip() throws Exception {
        UdpTransport a = bind("::1");
        UdpTransport b = bind("::1");
        Capture atB = new Capture();
        b.start(atB);
        a.start(new Capture());

        assertThat(a.send(b.localEndpoint(), bytes("six"), 0, 3)).isTrue();
        Received r = atB.next();
        assertThat(r.payload()).isEqualTo(bytes("six"));
        assertThat(r.source()).isEqualTo(a.localEndpoint());
        assertThat(r.source().ip()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void dualStackWildcardSeesIpv4PeersAsPlainIpv4Endpoints() throws Exception {
        UdpTransport dual = bind("::");
        UdpTransport v4 = bind("127.0.0.1");
        Capture atDual = new Capture();
        Capture atV4 = new Capture();
        dual.start(atDual);
        v4.start(atV4);

        Endpoint dualViaV4 = Endpoint.parse("127.0.0.1:" + dual.localEndpoint().port());
        assertThat(v4.send(dualViaV4, bytes("one"), 0, 3)).isTrue();
        assertThat(v4.send(dualViaV4, bytes("two"), 0, 3)).isTrue();
        Received first = atDual.next();
        Received second = atDual.next();
        assertThat(first.source().ip()).isInstanceOf(Inet4Address.class);
        assertThat(first.source()).isEqualTo(v4.localEndpoint()).isEqualTo(second.source());

        // and the answer goes back to the plain IPv4 endpoint from the IPv6 socket
        assertThat(dual.send(first.source(), bytes("ack"), 0, 3)).isTrue();
        assertThat(atV4.next().payload()).isEqualTo(bytes("ack"));
    }

    @Test
    void receiverThrowingDoesNotKillTheLoop() throws Exception {
        UdpTransport a = bind("127.0.0.1");
        UdpTransport b = bind("127.0.0.1");
        Capture capture = new Capture();
        b.start((source, buffer, offset, length) -> {
            if (buffer[offset] == 'x') {
                throw new IllegalStateException("receiver bug");
            }
            capture.onDatagram(source, buffer, offset, length);
        });

        a.send(b.localEndpoint(), bytes("x1"), 0, 2);
        a.send(b.localEndpoint(), bytes("ok"), 0, 2);
        assertThat(capture.next().payload()).isEqualTo(bytes("ok"));
        assertThat(b.errors()).isEqualTo(1);
        assertThat(a.errors()).isZero();
    }

    @Test
    void largestDatagramArrivesWhole() throws Exception {
        UdpTransport a = bind("127.0.0.1");
        UdpTransport b = bind("127.0.0.1");
        Capture capture = new Capture();
        b.start(capture);
        byte[] big = new byte[65507]; // largest UDP payload over IPv4
        Arrays.fill(big, (byte) 7);
        big[big.length - 1] = 9;

        assertThat(a.send(b.localEndpoint(), big, 0, big.length)).isTrue();
        assertThat(capture.next().payload()).isEqualTo(big);
    }

    @Test
    void closeStopsTheReceiveThreadAndIsIdempotent() throws Exception {
        UdpTransport t = bind("127.0.0.1");
        t.start(new Capture());
        assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName).contains(UdpTransport.RX_THREAD_NAME);

        t.close();
        assertThat(t.awaitReceiveThreadEnd(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        t.close();

        assertThat(t.send(Endpoint.parse("127.0.0.1:9"), bytes("late"), 0, 4)).isFalse();
        assertThatThrownBy(() -> t.start(new Capture())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeFromInsideTheReceiverDoesNotDeadlock() throws Exception {
        UdpTransport a = bind("127.0.0.1");
        UdpTransport b = bind("127.0.0.1");
        b.start((source, buffer, offset, length) -> b.close());
        a.send(b.localEndpoint(), bytes("bye"), 0, 3);
        assertThat(b.awaitReceiveThreadEnd(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void portZeroGivesTheRealPort() throws Exception {
        UdpTransport t = bind("127.0.0.1");
        assertThat(t.localEndpoint().port()).isBetween(1, 65535);
        assertThat(t.localEndpoint().ip()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        // the port really is taken: a second bind to it fails and names the address
        InetSocketAddress same = t.localEndpoint().address();
        assertThatThrownBy(() -> UdpTransport.bind(same))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + same.getPort());
    }

    @Test
    void sendNeverThrowsAndCountsFailures() throws Exception {
        UdpTransport v4 = bind("127.0.0.1");
        assertThat(v4.send(Endpoint.parse("[::1]:9"), bytes("x"), 0, 1)).isFalse();
        assertThat(v4.send(Endpoint.parse("127.0.0.1:9"), bytes("x"), 5, 10)).isFalse();
        assertThat(v4.errors()).isEqualTo(2);
    }

    @Test
    void startTwiceIsRefused() throws Exception {
        UdpTransport t = bind("127.0.0.1");
        t.start(new Capture());
        assertThatThrownBy(() -> t.start(new Capture())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void ipv4MappedSourcesBecomeIpv4Endpoints() throws Exception {
        byte[] mappedBytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
        // InetAddress.getByAddress would already turn this into an Inet4Address; a socket may not
        InetAddress v6 = Inet6Address.getByAddress(null, mappedBytes, -1);
        assertThat(v6).isInstanceOf(Inet6Address.class);
        Endpoint e = UdpTransport.endpointOf(new InetSocketAddress(v6, 4000));
        assertThat(e).isEqualTo(Endpoint.parse("10.1.2.3:4000"));

        Endpoint plainV6 = UdpTransport.endpointOf(new InetSocketAddress(InetAddress.getByName("fd00::1"), 5));
        assertThat(plainV6).isEqualTo(Endpoint.parse("[fd00::1]:5"));
    }

    @Test
    void providerIsNamedUdpAndRegisteredForServiceLoader() throws Exception {
        UdpTransportProvider provider = new UdpTransportProvider();
        assertThat(provider.name()).isEqualTo("udp");
        assertThat(provider.description()).isNotBlank();
        try (Transport t = provider.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            assertThat(t.localEndpoint().port()).isPositive();
        }
        try (InputStream in = UdpTransportProvider.class.getResourceAsStream(
                "/META-INF/services/io.postern.spi.TransportProvider")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
                    .isEqualTo(UdpTransportProvider.class.getName());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.postern.transport.udplinux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The udp-linux transport on loopback: batches, truncation, GSO/GRO boundaries, errors mid-batch, IPv6, fallback. */
class LinuxUdpTransportTest {
    private static final long WAIT_SECONDS = 10;
    private static final LinuxUdpTransport.Options NO_OFFLOAD = new LinuxUdpTransport.Options(64, 65536, false, false);

    private final List<AutoCloseable> open = new ArrayList<>();

    record Received(Endpoint source, byte[] payload) {}

    /** Copies every datagram into a queue, and optionally answers from the receive thread. */
    static class Capture implements DatagramReceiver {
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

    private LinuxUdpTransport bind(String ip, LinuxUdpTransport.Options options) throws IOException {
        LinuxUdpTransport t = LinuxUdpTransport.bind(new InetSocketAddress(InetAddress.getByName(ip), 0), options);
        open.add(t);
        return t;
    }

    private DatagramChannel channel(String ip) throws IOException {
        InetAddress a = InetAddress.getByName(ip);
        DatagramChannel c = DatagramChannel.open(a instanceof Inet4Address ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        c.bind(new InetSocketAddress(a, 0));
        c.configureBlocking(true);
        c.socket().setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        open.add(c);
        return c;
    }

    private static byte[] payload(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    private static byte[] receive(DatagramChannel c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        // DatagramChannel ignores SO_TIMEOUT; its socket adaptor honours it
        java.net.DatagramPacket p = new java.net.DatagramPacket(buf.array(), buf.capacity());
        c.socket().receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    @Test
    void providerIsDeclaredUnderItsNameAndBindsWithTheDefaults() throws Exception {
        assertThat(LinuxUdpTransport.class.getModule().getDescriptor().provides())
                .anySatisfy(p -> assertThat(p.providers()).contains(LinuxUdpTransportProvider.class.getName()));
        TransportProvider provider = new LinuxUdpTransportProvider();
        assertThat(provider.name()).isEqualTo("udp-linux");
        try (var t = provider.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(t.localEndpoint().port()).isPositive();
            assertThat(((LinuxUdpTransport) t).features()).isNotNull();
        }
    }

    @Test
    void partialAndFullBatchesDeliverEveryDatagramInOrderWithItsSource() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", new LinuxUdpTransport.Options(4, 2048, false, false));
        Capture capture = new Capture();
        t.start(capture);
        DatagramChannel client = channel("127.0.0.1");
        InetSocketAddress to = t.localEndpoint().address();

        client.send(ByteBuffer.wrap(payload(10, 0)), to); // a batch of one: returned without waiting for more
        Received one = capture.next();
        assertThat(one.payload()).isEqualTo(payload(10, 0));
        assertThat(one.source().address()).isEqualTo(client.getLocalAddress());

        for (int i = 1; i <= 11; i++) { // more than the batch of 4: full batches and a partial one
            client.send(ByteBuffer.wrap(payload(100 + i, i)), to);
        }
        for (int i = 1; i <= 11; i++) {
            assertThat(capture.next().payload()).as("datagram %d", i).isEqualTo(payload(100 + i, i));
        }
        assertThat(t.errors()).isZero();
    }

    @Test
    void answersFromTheReceiveThreadGoOutWithTheBatch() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", NO_OFFLOAD);
        t.start((source, buf, off, len) -> t.send(source, buf, off, len)); // echo
        DatagramChannel client = channel("127.0.0.1");
        for (int i = 0; i < 20; i++) {
            client.send(ByteBuffer.wrap(payload(1200, i)), t.localEndpoint().address());
        }
        for (int i = 0; i < 20; i++) {
            assertThat(receive(client)).isEqualTo(payload(1200, i));
        }
    }

    @Test
    void aDatagramLargerThanTheSlotIsDroppedAndCountedAndTheNextOneIsIntact() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", new LinuxUdpTransport.Options(8, 256, false, false));
        Capture capture = new Capture();
        t.start(capture);
        DatagramChannel client = channel("127.0.0.1");
        client.send(ByteBuffer.wrap(payload(300, 1)), t.localEndpoint().address());
        client.send(ByteBuffer.wrap(payload(256, 2)), t.localEndpoint().address());
        assertThat(capture.next().payload()).isEqualTo(payload(256, 2));
        assertThat(t.truncated()).isEqualTo(1);
        assertThat(t.errors()).isEqualTo(1);
        assertThat(capture.queue).isEmpty();
        // what the gateway's metrics export (udp-linux_truncated ...)
        assertThat(t.counters()).containsEntry("truncated", 1L).containsEntry("gro_coalesced", 0L)
                .containsEntry("gso_segmented", 0L).containsEntry("source_fallbacks", 0L);
    }

    /** The receive thread answers one trigger datagram with the given datagrams to {@code dest}. */
    private static DatagramReceiver answer(LinuxUdpTransport t, List<Endpoint> dest, List<byte[]> datagrams) {
        return (source, buf, off, len) -> {
            for (int i = 0; i < datagrams.size(); i++) {
                byte[] d = datagrams.get(i);
                t.send(dest.get(i), d, 0, d.length);
            }
        };
    }

    @Test
    void gsoSendsKeepTheDatagramBoundariesForAPlainReceiverAndForAGroReceiver() throws Exception {
        LinuxUdpTransport sender = bind("127.0.0.1", LinuxUdpTransport.Options.DEFAULT);
        assumeTrue(sender.features().gso(), "the kernel has no UDP_SEGMENT");
        List<byte[]> datagrams = List.of(payload(1000, 1), payload(1000, 2), payload(1000, 3), payload(1000, 4), payload(300, 5),
                payload(1000, 6));

        DatagramChannel plain = channel("127.0.0.1");
        Endpoint plainEnd = new Endpoint((InetSocketAddress) plain.getLocalAddress());
        LinuxUdpTransport gro = bind("127.0.0.1", LinuxUdpTransport.Options.DEFAULT);
        Capture groCapture = new Capture();
        gro.start(groCapture);

        List<Endpoint> dest = new ArrayList<>();
        for (int i = 0; i < datagrams.size(); i++) {
            dest.add(plainEnd);
        }
        for (int i = 0; i < datagrams.size(); i++) {
            dest.add(gro.localEndpoint());
        }
        List<byte[]> all = new ArrayList<>(datagrams);
        all.addAll(datagrams);
        sender.start(answer(sender, dest, all));
        DatagramChannel trigger = channel("127.0.0.1");
        trigger.send(ByteBuffer.wrap(new byte[] {1}), sender.localEndpoint().address());

        for (byte[] d : datagrams) {
            assertThat(receive(plain)).isEqualTo(d);
        }
        for (byte[] d : datagrams) {
            Received r = groCapture.next();
            assertThat(r.payload()).isEqualTo(d);
            assertThat(r.source()).isEqualTo(sender.localEndpoint());
        }
        // 1000 ×4 + 300 is one GSO message per destination (the 300 ends it); the last 1000 a message of its own
        assertThat(sender.segmentedSent()).isEqualTo(2);
        assertThat(sender.errors()).isZero();
        System.out.println("GRO receiver: " + gro.features() + ", coalesced buffers received: " + gro.coalescedReceived());
    }

    @Test
    void aFailingMessageInTheMiddleOfABatchCostsOnlyThatMessage() throws Exception {
        LinuxUdpTransport sender = bind("127.0.0.1", LinuxUdpTransport.Options.DEFAULT);
        DatagramChannel r = channel("127.0.0.1");
        Endpoint good = new Endpoint((InetSocketAddress) r.getLocalAddress());
        Endpoint portZero = Endpoint.of(InetAddress.getLoopbackAddress(), 0); // the kernel refuses: EINVAL
        sender.start(answer(sender, List.of(good, portZero, good),
                List.of(payload(500, 1), payload(500, 2), payload(600, 3))));
        DatagramChannel trigger = channel("127.0.0.1");
        trigger.send(ByteBuffer.wrap(new byte[] {1}), sender.localEndpoint().address());
        assertThat(receive(r)).isEqualTo(payload(500, 1));
        assertThat(receive(r)).isEqualTo(payload(600, 3));
        assertThat(sender.errors()).isEqualTo(1);
    }

    @Test
    void ipv6LoopbackRoundTripAndDualStackReportsIpv4SourcesAsIpv4() throws Exception {
        LinuxUdpTransport v6;
        try {
            v6 = bind("::1", NO_OFFLOAD);
        } catch (IOException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
            return;
        }
        assertThat(v6.ipv6()).isTrue();
        v6.start((source, buf, off, len) -> v6.send(source, buf, off, len));
        DatagramChannel c6 = channel("::1");
        c6.send(ByteBuffer.wrap(payload(64, 6)), v6.localEndpoint().address());
        assertThat(receive(c6)).isEqualTo(payload(64, 6));

        LinuxUdpTransport dual = bind("::", NO_OFFLOAD);
        Capture capture = new Capture();
        dual.start(capture);
        DatagramChannel c4 = channel("127.0.0.1");
        c4.send(ByteBuffer.wrap(payload(64, 4)), new InetSocketAddress("127.0.0.1", dual.localEndpoint().port()));
        Received r = capture.next();
        assertThat(r.source().ip()).isInstanceOf(Inet4Address.class);
        assertThat(r.source().address()).isEqualTo(c4.getLocalAddress());
        // and the answer to that IPv4 endpoint leaves the IPv6 socket as IPv4-mapped
        assertThat(dual.send(r.source(), payload(70, 7), 0, 70)).isTrue();
        assertThat(receive(c4)).isEqualTo(payload(70, 7));
    }

    @Test
    void anIpv4SocketRefusesAnIpv6DestinationAndCountsIt() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", NO_OFFLOAD);
        assertThat(t.send(Endpoint.of(InetAddress.getByName("::1"), 9), new byte[10], 0, 10)).isFalse();
        assertThat(t.errors()).isEqualTo(1);
    }

    @Test
    void withoutGroAndGsoEverythingStillArrivesDatagramByDatagram() throws Exception {
        // what a kernel without UDP_GRO/UDP_SEGMENT gives: the transport asks, is refused, and goes on without
        LinuxUdpTransport sender = bind("127.0.0.1", NO_OFFLOAD);
        LinuxUdpTransport receiver = bind("127.0.0.1", NO_OFFLOAD);
        assertThat(sender.features()).isEqualTo(new LinuxUdpTransport.Features(false, false));
        Capture capture = new Capture();
        receiver.start(capture);
        List<byte[]> datagrams = List.of(payload(1000, 1), payload(1000, 2), payload(1000, 3));
        List<Endpoint> dest = List.of(receiver.localEndpoint(), receiver.localEndpoint(), receiver.localEndpoint());
        sender.start(answer(sender, dest, datagrams));
        DatagramChannel trigger = channel("127.0.0.1");
        trigger.send(ByteBuffer.wrap(new byte[] {1}), sender.localEndpoint().address());
        for (byte[] d : datagrams) {
            assertThat(capture.next().payload()).isEqualTo(d);
        }
        assertThat(sender.segmentedSent()).isZero();
        assertThat(receiver.coalescedReceived()).isZero();
    }

    @Test
    void closeStopsTheReceiveThreadAndLaterSendsFail() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", NO_OFFLOAD);
        t.start(new Capture());
        t.close();
        assertThat(t.send(Endpoint.of(InetAddress.getLoopbackAddress(), 9), new byte[1], 0, 1)).isFalse();
        assertThatThrownBy(() -> t.start(new Capture())).isInstanceOf(IllegalStateException.class);
        t.close(); // idempotent
    }

    @Test
    void aBusyPortIsRefusedWithTheAddressAndTheReason() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", NO_OFFLOAD);
        assertThatThrownBy(() -> LinuxUdpTransport.bind(t.localEndpoint().address(), NO_OFFLOAD))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("127.0.0.1:" + t.localEndpoint().port())
                .hasMessageContaining("EADDRINUSE");
    }

    @Test
    void aReceiverThatThrowsIsCountedAndTheLoopGoesOn() throws Exception {
        LinuxUdpTransport t = bind("127.0.0.1", NO_OFFLOAD);
        Capture capture = new Capture() {
            @Override
            public void onDatagram(Endpoint source, byte[] buffer, int offset, int length) {
                if (length == 1) {
                    throw new IllegalStateException("boom");
                }
                super.onDatagram(source, buffer, offset, length);
            }
        };
        t.start(capture);
        DatagramChannel c = channel("127.0.0.1");
        c.send(ByteBuffer.wrap(new byte[1]), t.localEndpoint().address());
        c.send(ByteBuffer.wrap(payload(20, 3)), t.localEndpoint().address());
        assertThat(capture.next().payload()).isEqualTo(payload(20, 3));
        assertThat(t.errors()).isEqualTo(1);
    }
}

package io.postern.transport.udp;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.net.Endpoint;
import io.postern.spi.DatagramReceiver;
import io.postern.spi.Transport;
import io.postern.testkit.Allocations;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sticky UDP transport's data path allocates nothing per datagram once a flow repeats: a send to
 * the same {@link Endpoint} (the engine keeps one per peer) and a receive from the same sender. Bytes
 * are counted per thread ({@link Allocations}), so the figures do not depend on time or load; the
 * bound (under 1 B per datagram) is what no object per datagram can meet (the smallest is 16 B).
 */
class StickyUdpAllocationTest {
    private static final int WARM_UP = 2_000;
    private static final int ROUNDS = 5;
    private static final int DATAGRAMS = 5_000;
    private static final int BURST = 100;

    @BeforeEach
    void linuxOnly() {
        Throwable why = StickyUdpTransport.unavailable();
        Assumptions.assumeTrue(why == null, () -> "sticky sockets unavailable: " + why);
    }

    /** A receiver that counts datagrams and remembers its thread. */
    static final class Counting implements DatagramReceiver {
        final AtomicLong received = new AtomicLong();
        volatile long threadId = -1;

        @Override
        public void onDatagram(Endpoint source, byte[] buffer, int offset, int length) {
            if (threadId < 0) {
                threadId = Thread.currentThread().threadId();
            }
            received.incrementAndGet();
        }

        void await(long count) throws InterruptedException {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (received.get() < count) {
                assertThat(System.nanoTime() - deadline).as("%d datagrams within 10 s, got %d", count, received.get())
                        .isNegative();
                Thread.sleep(1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void sendingToAPeersEndpointWithItsLocalAddressAllocatesNothingPerDatagram(String wildcard) throws Exception {
        try (Transport gw = new UdpTransportProvider().bind(new InetSocketAddress(InetAddress.getByName(wildcard), 0));
             DatagramChannel peer = DatagramChannel.open(StandardProtocolFamily.INET)
                     .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            assertThat(gw).isInstanceOf(StickyUdpTransport.class);
            // as the receive path hands it to the engine: the sender, and the local address it sent to
            Endpoint to = new Endpoint((InetSocketAddress) peer.getLocalAddress()).receivedAt(InetAddress.getByName("127.0.0.2"));
            byte[] datagram = new byte[1232];
            long[] refused = new long[1];
            double perDatagram = Allocations.bytesPerCall(() -> {
                if (!gw.send(to, datagram, 0, datagram.length)) {
                    refused[0]++;
                }
            }, WARM_UP, ROUNDS, DATAGRAMS);
            System.out.printf("sticky udp send on %s: %.3f B per datagram%n", wildcard, perDatagram);
            assertThat(refused[0]).as("sends refused").isZero();
            ByteBuffer in = ByteBuffer.allocate(2048);
            assertThat(((InetSocketAddress) peer.receive(in)).getAddress()).as("the reply's source")
                    .isEqualTo(InetAddress.getByName("127.0.0.2"));
            assertThat(perDatagram).as("bytes allocated per datagram sent").isLessThan(1.0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0", "::"})
    void receivingFromTheSameSenderAllocatesNothingPerDatagram(String wildcard) throws Exception {
        try (Transport gw = new UdpTransportProvider().bind(new InetSocketAddress(InetAddress.getByName(wildcard), 0));
             DatagramChannel peer = DatagramChannel.open(StandardProtocolFamily.INET)
                     .bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))) {
            Counting counting = new Counting();
            gw.start(counting);
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), gw.localEndpoint().port());
            ByteBuffer datagram = ByteBuffer.allocate(1232);
            long sent = 0;
            for (; sent < WARM_UP; sent += BURST) {
                burst(peer, datagram, target);
                counting.await(sent + BURST);
            }
            long[] next = {sent};
            long least = Allocations.leastPerRound(() -> {
                long before = Allocations.ofThread(counting.threadId);
                for (long end = next[0] + DATAGRAMS; next[0] < end; next[0] += BURST) {
                    burst(peer, datagram, target);
                    counting.await(next[0] + BURST);
                }
                return Allocations.ofThread(counting.threadId) - before;
            }, ROUNDS);
            sent = next[0];
            double perDatagram = (double) least / DATAGRAMS;
            System.out.printf("sticky udp receive on %s: %.3f B per datagram%n", wildcard, perDatagram);
            assertThat(counting.received.get()).isEqualTo(sent);
            assertThat(perDatagram).as("bytes allocated per datagram received").isLessThan(1.0);
        }
    }

    private static void burst(DatagramChannel from, ByteBuffer datagram, InetSocketAddress to) throws Exception {
        for (int i = 0; i < BURST; i++) {
            datagram.clear();
            from.send(datagram, to);
        }
    }
}

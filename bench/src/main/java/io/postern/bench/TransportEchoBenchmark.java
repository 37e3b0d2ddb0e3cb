package io.postern.bench;

import io.postern.spi.Transport;
import io.postern.spi.TransportProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A transport as a plain UDP echo on loopback, no crypto: the portable {@code udp} transport (one
 * {@code receive} and one {@code send} system call per datagram) against {@code udp-linux}
 * ({@code recvmmsg}/{@code sendmmsg} batches, GSO/GRO). One operation = one datagram of {@code size}
 * bytes echoed; the benchmark thread sends a burst of {@value #BURST} from a non-blocking channel and
 * reads the {@value #BURST} echoes. With {@code -prof gc}, B/op is the allocation of the client and
 * the transport together (the client allocates nothing).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportEchoBenchmark {
    static final int BURST = 32;

    @Param({"udp", "udp-linux"})
    public String transport;

    @Param({"1200"})
    public int size;

    private Transport server;
    private DatagramChannel client;
    private InetSocketAddress to;
    private ByteBuffer out;
    private ByteBuffer in;

    @Setup
    public void setUp() throws IOException {
        TransportProvider provider = ServiceLoader.load(TransportProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(transport)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no transport " + transport + " on the class path"));
        InetAddress loopback = InetAddress.getLoopbackAddress();
        server = provider.bind(new InetSocketAddress(loopback, 0));
        server.start((source, buffer, offset, length) -> server.send(source, buffer, offset, length));
        client = DatagramChannel.open().bind(new InetSocketAddress(loopback, 0));
        client.configureBlocking(true);
        to = server.localEndpoint().address();
        out = ByteBuffer.allocateDirect(size);
        in = ByteBuffer.allocateDirect(65536);
    }

    @TearDown
    public void tearDown() throws IOException {
        client.close();
        server.close();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int echo() throws IOException {
        for (int i = 0; i < BURST; i++) {
            out.clear();
            client.send(out, to);
        }
        int bytes = 0;
        for (int i = 0; i < BURST; i++) {
            in.clear();
            client.receive(in); // blocking: a lost echo would hang, loopback does not lose under a burst of 32
            bytes += in.position();
        }
        return bytes;
    }
}

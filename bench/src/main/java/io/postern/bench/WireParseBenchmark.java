package io.postern.bench;

import io.postern.wire.Parsed;
import io.postern.wire.DataMessage;
import io.postern.wire.WireCodec;
import io.postern.wire.WireMessage;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Message parse: {@link WireCodec#parse} of a 1232-byte transport message (type, length, header fields). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WireParseBenchmark {
    private final byte[] packet = new byte[DataMessage.HEADER_SIZE + 1200 + 16];

    @Setup
    public void setUp() {
        DataMessage.writeHeader(packet, 0, 0x01020304, 42);
    }

    @Benchmark
    public Parsed<? extends WireMessage> parseTransport() {
        return WireCodec.parse(packet, 0, packet.length);
    }
}

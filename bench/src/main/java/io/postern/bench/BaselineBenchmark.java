package io.postern.bench;

import io.postern.spi.crypto.Blake2s;
import io.postern.spi.crypto.Blake2sDigest;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Baselines measured in the same run as the crypto benchmarks, so results can be read as ratios
 * on a noisy shared machine: copying a 1200-byte packet, and BLAKE2s-256 of it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class BaselineBenchmark {
    private static final int SIZE = 1200;

    private final byte[] source = new byte[SIZE];
    private final byte[] target = new byte[SIZE];
    private final byte[] digest = new byte[32];
    private Blake2s blake2s;

    @Setup
    public void setUp() {
        blake2s = Providers.byName("bouncycastle").blake2s();
        for (int i = 0; i < SIZE; i++) {
            source[i] = (byte) i;
        }
    }

    @Benchmark
    public byte[] arraycopy1200() {
        System.arraycopy(source, 0, target, 0, SIZE);
        return target;
    }

    @Benchmark
    public byte[] blake2s1200() {
        Blake2sDigest d = blake2s.newDigest(32, null);
        d.update(source, 0, SIZE);
        d.doFinal(digest, 0);
        return digest;
    }
}

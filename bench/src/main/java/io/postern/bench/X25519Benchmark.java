package io.postern.bench;

import io.postern.key.StaticKeyPair;
import io.postern.spi.crypto.X25519;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** One X25519 shared-secret computation (what each handshake does 3–4 times). */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class X25519Benchmark {
    @Param({"bouncycastle", "jca"})
    public String provider;

    private X25519 x25519;
    private byte[] privateKey;
    private byte[] publicKey;
    private final byte[] out = new byte[32];

    @Setup
    public void setUp() {
        x25519 = Providers.byName(provider).x25519();
        StaticKeyPair a = x25519.generateKeyPair();
        StaticKeyPair b = x25519.generateKeyPair();
        privateKey = a.privateKey().toBytes();
        publicKey = b.publicKey().toBytes();
    }

    @Benchmark
    public byte[] sharedSecret() {
        if (!x25519.sharedSecret(privateKey, publicKey, out)) {
            throw new IllegalStateException("low-order point in a benchmark");
        }
        return out;
    }
}

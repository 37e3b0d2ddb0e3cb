package io.postern.bench;

import io.postern.spi.crypto.AeadKey;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** Seal then open one transport payload with WireGuard's counter nonce, as a sender and a receiver would. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ChaCha20Poly1305Benchmark {
    @Param({"bouncycastle", "jca", "fastest"})
    public String provider;

    /** 1200 bytes is a typical full packet under a 1280-byte MTU; 64 bytes a small one. */
    @Param({"64", "1200"})
    public int size;

    private AeadKey sender;
    private AeadKey receiver;
    private byte[] plaintext;
    private byte[] packet;
    private byte[] opened;
    private long counter;

    @Setup
    public void setUp() {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        var aead = Providers.byName(provider).chaCha20Poly1305();
        sender = aead.key(key);
        receiver = aead.key(key);
        plaintext = new byte[size];
        packet = new byte[size + 16];
        opened = new byte[size];
    }

    @Benchmark
    public int sealOpen() {
        long n = counter++;
        int sealed = sender.seal(n, null, plaintext, 0, size, packet, 0);
        int length = receiver.open(n, null, packet, 0, sealed, opened, 0);
        if (length != size) {
            throw new IllegalStateException("packet did not open");
        }
        return length;
    }
}

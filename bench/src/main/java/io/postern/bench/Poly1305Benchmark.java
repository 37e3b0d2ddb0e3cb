package io.postern.bench;

import io.postern.crypto.primitive.Poly1305;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.ChaCha20ParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.ChaCha7539Engine;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The two halves of ChaCha20-Poly1305 apart (issue 17), one packet's worth each: a Poly1305 tag as
 * the AEAD computes it (data zero-padded to 16, then the lengths block) with Postern's base-2^64
 * {@link Poly1305}, a radix-2^26 variant ({@link Poly1305Radix26}) and Bouncy Castle's; and the
 * ChaCha20 keystream as the split AEAD draws it (one init at block 0, 64 bytes for the Poly1305
 * key, then the data) from the JDK's {@code Cipher("ChaCha20")} and Bouncy Castle's engine. The
 * JDK's own Poly1305 is internal: its cost is the JDK AEAD in {@link ChaCha20Poly1305Benchmark}
 * minus {@link #jdkChaCha20} (one AEAD pass = one ChaCha20 + one Poly1305; sealOpen is two).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Poly1305Benchmark {
    @Param({"64", "1200"})
    public int size;

    private final byte[] key = new byte[32];
    private final byte[] tag = new byte[16];
    private final byte[] zeroBlock = new byte[64];
    private final byte[] block = new byte[64];
    private byte[] data;
    private byte[] out;
    private final Poly1305 base64 = new Poly1305();
    private final Poly1305Radix26 radix26 = new Poly1305Radix26();
    private final Poly1305Radix44 radix44 = new Poly1305Radix44();
    private final org.bouncycastle.crypto.macs.Poly1305 bouncyCastle = new org.bouncycastle.crypto.macs.Poly1305();
    private final ChaCha7539Engine bcChaCha = new ChaCha7539Engine();
    private Cipher jdkChaCha;
    private SecretKeySpec jdkKey;
    private final byte[] nonce = new byte[12];
    private int counter;

    @Setup
    public void setUp() throws GeneralSecurityException {
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i * 7 + 3);
        }
        data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31);
        }
        out = new byte[size];
        jdkChaCha = Cipher.getInstance("ChaCha20");
        jdkKey = new SecretKeySpec(key, "ChaCha20");
        checkVariantsAgree();
        byte[] expected = tag(postern());
        if (!Arrays.equals(expected, tag(radix26())) || !Arrays.equals(expected, tag(bouncyCastle()))
                || !Arrays.equals(expected, tag(radix44()))) {
            throw new IllegalStateException("the Poly1305 variants disagree");
        }
    }

    /** The variants against the product class on 500 random keys and lengths 0..1,300, before any timing. */
    private static void checkVariantsAgree() {
        var random = new java.util.SplittableRandom(44);
        Poly1305 reference = new Poly1305();
        Poly1305Radix26 r26 = new Poly1305Radix26();
        Poly1305Radix44 r44 = new Poly1305Radix44();
        byte[] k = new byte[32];
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        byte[] c = new byte[16];
        for (int i = 0; i < 500; i++) {
            random.nextBytes(k);
            byte[] m = new byte[random.nextInt(1301)];
            random.nextBytes(m);
            if (i % 5 == 0) {
                Arrays.fill(m, (byte) 0xff);
            }
            reference.init(k, 0);
            reference.updatePadded(m, 0, m.length);
            reference.update(7, m.length);
            reference.finish(a, 0);
            r26.init(k, 0);
            r26.updatePadded(m, 0, m.length);
            r26.update(7, m.length);
            r26.finish(b, 0);
            r44.init(k, 0);
            r44.updatePadded(m, 0, m.length);
            r44.update(7, m.length);
            r44.finish(c, 0);
            if (!Arrays.equals(a, b) || !Arrays.equals(a, c)) {
                throw new IllegalStateException("a Poly1305 variant disagrees at length " + m.length);
            }
        }
    }

    private byte[] tag(byte[] t) {
        return t.clone();
    }

    /** Postern's Poly1305 (base 2^64, {@code Math.unsignedMultiplyHigh}). */
    @Benchmark
    public byte[] postern() {
        base64.init(key, 0);
        base64.updatePadded(data, 0, size);
        base64.update(0, size);
        base64.finish(tag, 0);
        return tag;
    }

    /** The radix-2^26 variant. */
    @Benchmark
    public byte[] radix26() {
        radix26.init(key, 0);
        radix26.updatePadded(data, 0, size);
        radix26.update(0, size);
        radix26.finish(tag, 0);
        return tag;
    }

    /** The radix-2^44 variant (products split at bit 44 without carry tests). */
    @Benchmark
    public byte[] radix44() {
        radix44.init(key, 0);
        radix44.updatePadded(data, 0, size);
        radix44.update(0, size);
        radix44.finish(tag, 0);
        return tag;
    }

    /** Bouncy Castle's Poly1305 (radix 2^26 in ints), the data padded as the AEAD does. */
    @Benchmark
    public byte[] bouncyCastle() {
        bouncyCastle.init(new KeyParameter(key));
        bouncyCastle.update(data, 0, size);
        int rest = size & 15;
        if (rest != 0) {
            bouncyCastle.update(zeroBlock, 0, 16 - rest);
        }
        byte[] lengths = block; // 16 bytes: 0 ‖ le64(size)
        Arrays.fill(lengths, 0, 16, (byte) 0);
        lengths[8] = (byte) size;
        lengths[9] = (byte) (size >>> 8);
        bouncyCastle.update(lengths, 0, 16);
        bouncyCastle.doFinal(tag, 0);
        return tag;
    }

    /** The JDK's ChaCha20 (AVX2 intrinsic here) as the split AEAD uses it: init at block 0, 64 bytes, then the data. */
    @Benchmark
    public byte[] jdkChaCha20() throws GeneralSecurityException {
        nonce[0] = (byte) counter++; // a new nonce each time, as the JDK refuses a repeated encryption init
        nonce[1] = (byte) (counter >>> 8);
        nonce[2] = (byte) (counter >>> 16);
        jdkChaCha.init(Cipher.ENCRYPT_MODE, jdkKey, new ChaCha20ParameterSpec(nonce, 0));
        jdkChaCha.update(zeroBlock, 0, 64, block, 0);
        jdkChaCha.update(data, 0, size, out, 0);
        return out;
    }

    /** Bouncy Castle's ChaCha20 (pure Java), the same way. */
    @Benchmark
    public byte[] bouncyCastleChaCha20() {
        nonce[0] = (byte) counter++;
        bcChaCha.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        bcChaCha.processBytes(zeroBlock, 0, 64, block, 0);
        bcChaCha.processBytes(data, 0, size, out, 0);
        return out;
    }
}

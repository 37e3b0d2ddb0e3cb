package io.postern.bench;

import io.postern.wire.LittleEndian;
import java.util.Arrays;

/**
 * A candidate for {@link Poly1305Benchmark}: three limbs of 44, 44 and 42 bits, nine products per
 * block, each split at bit 44 without any 128-bit addition: with r pre-shifted left by 20 (r limbs
 * are below 2^44), {@code unsignedMultiplyHigh(a, r << 20)} is the product's bits from 44 up and
 * {@code (a * (r << 20)) >>> 20} its low 44 bits, so sums of three products never need a carry test.
 */
final class Poly1305Radix44 {
    private static final long M44 = (1L << 44) - 1;
    private static final long M42 = (1L << 42) - 1;
    private long r0;
    private long r1;
    private long r2;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    private final byte[] partial = new byte[16];

    void init(byte[] key, int offset) {
        long t0 = LittleEndian.getLong(key, offset);
        long t1 = LittleEndian.getLong(key, offset + 8);
        r0 = (t0 & 0xffc0fffffffL) << 20;
        r1 = (((t0 >>> 44) | (t1 << 20)) & 0xfffffc0ffffL) << 20;
        r2 = ((t1 >>> 24) & 0x00ffffffc0fL) << 20;
        pad0 = LittleEndian.getLong(key, offset + 16);
        pad1 = LittleEndian.getLong(key, offset + 24);
        h0 = h1 = h2 = 0;
    }

    void updatePadded(byte[] in, int offset, int length) {
        int full = length & ~15;
        blocks(in, offset, full);
        int rest = length - full;
        if (rest > 0) {
            System.arraycopy(in, offset + full, partial, 0, rest);
            Arrays.fill(partial, rest, 16, (byte) 0);
            blocks(partial, 0, 16);
        }
    }

    void update(long m0, long m1) {
        LittleEndian.putLong(partial, 0, m0);
        LittleEndian.putLong(partial, 8, m1);
        blocks(partial, 0, 16);
    }

    private void blocks(byte[] in, int offset, int length) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long k0 = r0;
        final long k1 = r1;
        final long k2 = r2;
        for (int i = offset, end = offset + length; i < end; i += 16) {
            long m0 = LittleEndian.getLong(in, i);
            long m1 = LittleEndian.getLong(in, i + 8);
            a0 += m0 & M44;
            a1 += ((m0 >>> 44) | (m1 << 20)) & M44;
            a2 += (m1 >>> 24) | (1L << 40);
            long g1 = a1 * 20;
            long g2 = a2 * 20;
            // d0 = a0·r0 + g1·r2 + g2·r1; d1 = a0·r1 + a1·r0 + g2·r2; d2 = a0·r2 + a1·r1 + a2·r0
            long l0 = ((a0 * k0) >>> 20) + ((g1 * k2) >>> 20) + ((g2 * k1) >>> 20);
            long u0 = Math.unsignedMultiplyHigh(a0, k0) + Math.unsignedMultiplyHigh(g1, k2)
                    + Math.unsignedMultiplyHigh(g2, k1);
            long l1 = ((a0 * k1) >>> 20) + ((a1 * k0) >>> 20) + ((g2 * k2) >>> 20);
            long u1 = Math.unsignedMultiplyHigh(a0, k1) + Math.unsignedMultiplyHigh(a1, k0)
                    + Math.unsignedMultiplyHigh(g2, k2);
            long l2 = ((a0 * k2) >>> 20) + ((a1 * k1) >>> 20) + ((a2 * k0) >>> 20);
            long u2 = Math.unsignedMultiplyHigh(a0, k2) + Math.unsignedMultiplyHigh(a1, k1)
                    + Math.unsignedMultiplyHigh(a2, k0);
            a0 = l0 & M44;
            l1 += (l0 >>> 44) + u0;
            a1 = l1 & M44;
            l2 += (l1 >>> 44) + u1;
            a2 = l2 & M42;
            long top = (l2 >>> 42) + (u2 << 2);
            a0 += top * 5;
            a1 += a0 >>> 44;
            a0 &= M44;
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    void finish(byte[] out, int offset) {
        // full carry, then h − p by mask
        long c = h1 >>> 44;
        h1 &= M44;
        h2 += c;
        c = h2 >>> 42;
        h2 &= M42;
        h0 += c * 5;
        c = h0 >>> 44;
        h0 &= M44;
        h1 += c;
        c = h1 >>> 44;
        h1 &= M44;
        h2 += c;
        c = h2 >>> 42;
        h2 &= M42;
        h0 += c * 5;
        c = h0 >>> 44;
        h0 &= M44;
        h1 += c;
        long g0 = h0 + 5;
        c = g0 >>> 44;
        g0 &= M44;
        long g1 = h1 + c;
        c = g1 >>> 44;
        g1 &= M44;
        long g2 = h2 + c - (1L << 42);
        long useG = (g2 >>> 63) - 1;
        h0 = (h0 & ~useG) | (g0 & useG);
        h1 = (h1 & ~useG) | (g1 & useG);
        h2 = (h2 & ~useG) | (g2 & useG);
        long w0 = h0 | (h1 << 44);
        long w1 = (h1 >>> 20) | (h2 << 24);
        long o0 = w0 + pad0;
        long carry = ((w0 & pad0) | ((w0 | pad0) & ~o0)) >>> 63;
        long o1 = w1 + pad1 + carry;
        LittleEndian.putLong(out, offset, o0);
        LittleEndian.putLong(out, offset + 8, o1);
    }
}

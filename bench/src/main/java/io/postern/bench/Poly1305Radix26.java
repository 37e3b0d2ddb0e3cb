package io.postern.bench;

import io.postern.wire.LittleEndian;

/**
 * The other classic Poly1305 design, for {@link Poly1305Benchmark} only: five 26-bit limbs, 25
 * 64-bit products per block, no 128-bit arithmetic (the radix-2^26 layout of RFC 8439's
 * reference implementations). Postern's own {@code io.postern.crypto.primitive.Poly1305} uses
 * base 2^64 instead; this class exists to measure that choice. The benchmark checks its tags
 * against the product class before measuring. Same methods as the product class.
 */
final class Poly1305Radix26 {
    private static final long M26 = 0x3ffffff;
    private long r0;
    private long r1;
    private long r2;
    private long r3;
    private long r4;
    private long s1;
    private long s2;
    private long s3;
    private long s4;
    private long pad0;
    private long pad1;
    private long pad2;
    private long pad3;
    private long h0;
    private long h1;
    private long h2;
    private long h3;
    private long h4;
    private final byte[] partial = new byte[16];

    void init(byte[] key, int offset) {
        long t0 = u32(key, offset);
        long t1 = u32(key, offset + 4);
        long t2 = u32(key, offset + 8);
        long t3 = u32(key, offset + 12);
        r0 = t0 & 0x3ffffff;
        r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
        r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
        r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
        r4 = (t3 >>> 8) & 0x00fffff;
        s1 = r1 * 5;
        s2 = r2 * 5;
        s3 = r3 * 5;
        s4 = r4 * 5;
        pad0 = u32(key, offset + 16);
        pad1 = u32(key, offset + 20);
        pad2 = u32(key, offset + 24);
        pad3 = u32(key, offset + 28);
        h0 = h1 = h2 = h3 = h4 = 0;
    }

    void updatePadded(byte[] in, int offset, int length) {
        int full = length & ~15;
        for (int i = offset; i < offset + full; i += 16) {
            block(in, i);
        }
        int rest = length - full;
        if (rest > 0) {
            System.arraycopy(in, offset + full, partial, 0, rest);
            java.util.Arrays.fill(partial, rest, 16, (byte) 0);
            block(partial, 0);
        }
    }

    void update(long m0, long m1) {
        LittleEndian.putLong(partial, 0, m0);
        LittleEndian.putLong(partial, 8, m1);
        block(partial, 0);
    }

    private void block(byte[] m, int i) {
        long a0 = h0 + (u32(m, i) & M26);
        long a1 = h1 + ((u32(m, i + 3) >>> 2) & M26);
        long a2 = h2 + ((u32(m, i + 6) >>> 4) & M26);
        long a3 = h3 + ((u32(m, i + 9) >>> 6) & M26);
        long a4 = h4 + ((u32(m, i + 12) >>> 8) | (1L << 24));
        long d0 = a0 * r0 + a1 * s4 + a2 * s3 + a3 * s2 + a4 * s1;
        long d1 = a0 * r1 + a1 * r0 + a2 * s4 + a3 * s3 + a4 * s2;
        long d2 = a0 * r2 + a1 * r1 + a2 * r0 + a3 * s4 + a4 * s3;
        long d3 = a0 * r3 + a1 * r2 + a2 * r1 + a3 * r0 + a4 * s4;
        long d4 = a0 * r4 + a1 * r3 + a2 * r2 + a3 * r1 + a4 * r0;
        long c = d0 >>> 26;
        a0 = d0 & M26;
        d1 += c;
        c = d1 >>> 26;
        a1 = d1 & M26;
        d2 += c;
        c = d2 >>> 26;
        a2 = d2 & M26;
        d3 += c;
        c = d3 >>> 26;
        a3 = d3 & M26;
        d4 += c;
        c = d4 >>> 26;
        a4 = d4 & M26;
        a0 += c * 5;
        c = a0 >>> 26;
        a0 &= M26;
        a1 += c;
        h0 = a0;
        h1 = a1;
        h2 = a2;
        h3 = a3;
        h4 = a4;
    }

    void finish(byte[] out, int offset) {
        long c = h1 >>> 26;
        h1 &= M26;
        h2 += c;
        c = h2 >>> 26;
        h2 &= M26;
        h3 += c;
        c = h3 >>> 26;
        h3 &= M26;
        h4 += c;
        c = h4 >>> 26;
        h4 &= M26;
        h0 += c * 5;
        c = h0 >>> 26;
        h0 &= M26;
        h1 += c;
        long g0 = h0 + 5;
        c = g0 >>> 26;
        g0 &= M26;
        long g1 = h1 + c;
        c = g1 >>> 26;
        g1 &= M26;
        long g2 = h2 + c;
        c = g2 >>> 26;
        g2 &= M26;
        long g3 = h3 + c;
        c = g3 >>> 26;
        g3 &= M26;
        long g4 = h4 + c - (1L << 26);
        long useG = (g4 >>> 63) - 1;
        h0 = (h0 & ~useG) | (g0 & useG);
        h1 = (h1 & ~useG) | (g1 & useG);
        h2 = (h2 & ~useG) | (g2 & useG);
        h3 = (h3 & ~useG) | (g3 & useG);
        h4 = (h4 & ~useG) | (g4 & useG);
        long w0 = (h0 | (h1 << 26)) & 0xffffffffL;
        long w1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
        long w2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
        long w3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;
        long f = w0 + pad0;
        LittleEndian.putInt(out, offset, (int) f);
        f = w1 + pad1 + (f >>> 32);
        LittleEndian.putInt(out, offset + 4, (int) f);
        f = w2 + pad2 + (f >>> 32);
        LittleEndian.putInt(out, offset + 8, (int) f);
        f = w3 + pad3 + (f >>> 32);
        LittleEndian.putInt(out, offset + 12, (int) f);
    }

    private static long u32(byte[] b, int offset) {
        return LittleEndian.getInt(b, offset) & 0xffffffffL;
    }
}

package io.postern.crypto.primitive;

import io.postern.wire.LittleEndian;
import java.util.Arrays;

/**
 * Poly1305 (RFC 8439 §2.5) with the accumulator in base 2<sup>64</sup>: two 64-bit limbs and a
 * third of a few bits, the clamped {@code r} in two limbs, every 64×64-bit product taken whole
 * with {@link Math#unsignedMultiplyHigh} (one {@code mul}/{@code mulx} on x86_64 and aarch64).
 * Four wide products per 16-byte block where a radix-2<sup>26</sup> design needs 25 (the JMH
 * comparison is in BENCHMARKS.md, issue 17).
 *
 * <p>Why it exists: the JDK's own Poly1305 is an intrinsic only on CPUs with AVX-512 (or
 * AVX-IFMA); elsewhere it is generic field arithmetic in Java, three times the cost of the
 * ChaCha20 it is paired with (docs/fast-path.md).
 *
 * <p>Allocation-free and constant-time: the only branches depend on lengths, never on the key,
 * the message or the accumulator; the final reduction modulo 2<sup>130</sup> − 5 selects with a
 * mask. One instance is one computation at a time ({@link #init}, blocks, {@link #finish});
 * reusable, not thread-safe. {@link #finish} wipes the key from the instance.
 */
public final class Poly1305 {
    /** The tag length, and the block length. */
    public static final int TAG_LENGTH = 16;
    private static final int BLOCK = 16;
    /** RFC 8439 §2.5: r &= 0x0ffffffc0ffffffc0ffffffc0fffffff, as two little-endian limbs. */
    private static final long CLAMP_R0 = 0x0FFFFFFC0FFFFFFFL;
    private static final long CLAMP_R1 = 0x0FFFFFFC0FFFFFFCL;

    private long r0;
    private long r1;
    /** r1 + r1/4 = r1 × 5/4: 2<sup>128</sup> ≡ 5/4 modulo p, exact because clamping clears r1's two low bits. */
    private long s1;
    private long pad0;
    private long pad1;
    private long h0;
    private long h1;
    private long h2;
    private final byte[] partial = new byte[BLOCK];

    /** Creates an instance with no key: call {@link #init} before the first block. */
    public Poly1305() {}

    /** Starts a tag under the 32-byte one-time key {@code key[offset, offset+32)}: r, then s. */
    public void init(byte[] key, int offset) {
        r0 = LittleEndian.getLong(key, offset) & CLAMP_R0;
        r1 = LittleEndian.getLong(key, offset + 8) & CLAMP_R1;
        s1 = r1 + (r1 >>> 2);
        pad0 = LittleEndian.getLong(key, offset + 16);
        pad1 = LittleEndian.getLong(key, offset + 24);
        h0 = 0;
        h1 = 0;
        h2 = 0;
    }

    /**
     * Absorbs {@code in[offset, offset+length)} zero-padded to a multiple of 16 bytes, every block
     * with the 2<sup>128</sup> bit: ChaCha20-Poly1305's "data ‖ pad16" (RFC 8439 §2.8).
     */
    public void updatePadded(byte[] in, int offset, int length) {
        update(in, offset, length, false);
    }

    /**
     * Absorbs the message's last bytes as RFC 8439 §2.5 does for a message of any length: full
     * blocks, then a short final block with a 1 byte appended instead of the 2<sup>128</sup> bit.
     * Only for a whole message (the AEAD uses {@link #updatePadded}).
     */
    public void updateFinal(byte[] in, int offset, int length) {
        update(in, offset, length, true);
    }

    private void update(byte[] in, int offset, int length, boolean rfcFinal) {
        int full = length & ~(BLOCK - 1);
        blocks(in, offset, full, 1);
        int rest = length - full;
        if (rest > 0) {
            byte[] p = partial;
            System.arraycopy(in, offset + full, p, 0, rest);
            Arrays.fill(p, rest, BLOCK, (byte) 0);
            if (rfcFinal) {
                p[rest] = 1;
            }
            blocks(p, 0, BLOCK, rfcFinal ? 0 : 1);
        }
    }

    /** Absorbs one full block given as two little-endian longs, e.g. ChaCha20-Poly1305's lengths block. */
    public void update(long m0, long m1) {
        LittleEndian.putLong(partial, 0, m0);
        LittleEndian.putLong(partial, 8, m1);
        blocks(partial, 0, BLOCK, 1);
    }

    /** Writes the 16-byte tag to {@code out[offset…]} and wipes key and state. */
    public void finish(byte[] out, int offset) {
        // h < 2p here (h2 ≤ 4 after each block's partial reduction), so one conditional subtraction
        // of p suffices: g = h + 5 reaches 2^130 exactly when h ≥ p, and then h − p is g's low 130 bits.
        long g0 = h0 + 5;
        long c = carry(h0, 5, g0);
        long g1 = h1 + c;
        c = carry(h1, c, g1);
        long g2 = h2 + c;
        long useG = -(g2 >>> 2); // all ones when h ≥ p, else zero
        long t0 = (h0 & ~useG) | (g0 & useG);
        long t1 = (h1 & ~useG) | (g1 & useG);
        long o0 = t0 + pad0;
        c = carry(t0, pad0, o0);
        long o1 = t1 + pad1 + c;
        LittleEndian.putLong(out, offset, o0);
        LittleEndian.putLong(out, offset + 8, o1);
        r0 = 0;
        r1 = 0;
        s1 = 0;
        pad0 = 0;
        pad1 = 0;
        h0 = 0;
        h1 = 0;
        h2 = 0;
        Arrays.fill(partial, (byte) 0);
    }

    /**
     * Full 16-byte blocks of {@code in[offset, offset+length)}, length a multiple of 16, each with
     * {@code hibit} (1, or 0 for RFC 8439's short final block) at 2^128: h = (h + m) × r, partially
     * reduced. Carries are computed with bit operations, never compared and branched on.
     */
    private void blocks(byte[] in, int offset, int length, long hibit) {
        long a0 = h0;
        long a1 = h1;
        long a2 = h2;
        final long k0 = r0;
        final long k1 = r1;
        final long ks1 = s1;
        for (int i = offset, end = offset + length; i < end; i += BLOCK) {
            long m0 = LittleEndian.getLong(in, i);
            long m1 = LittleEndian.getLong(in, i + 8);
            // h += m + hibit·2^128
            long x0 = a0 + m0;
            long c = carry(a0, m0, x0);
            long x1 = a1 + m1;
            long c1 = carry(a1, m1, x1);
            long y1 = x1 + c;
            c1 += carryOfSmall(x1, y1);
            long x2 = a2 + hibit + c1;
            // h × r: d0 = h0·r0 + h1·s1, d1 = h0·r1 + h1·r0 + h2·s1, d2 = h2·r0 (h2 small)
            long d0lo = x0 * k0;
            long d0hi = Math.unsignedMultiplyHigh(x0, k0);
            long p = y1 * ks1;
            long sum = d0lo + p;
            d0hi += Math.unsignedMultiplyHigh(y1, ks1) + carry(d0lo, p, sum);
            d0lo = sum;

            long d1lo = x0 * k1;
            long d1hi = Math.unsignedMultiplyHigh(x0, k1);
            p = y1 * k0;
            sum = d1lo + p;
            d1hi += Math.unsignedMultiplyHigh(y1, k0) + carry(d1lo, p, sum);
            d1lo = sum;
            p = x2 * ks1; // x2 < 8 and s1 < 2^61: no high part
            sum = d1lo + p;
            d1hi += carryOfSmall(d1lo, sum);
            d1lo = sum;
            sum = d1lo + d0hi; // d0 < 2^126: d0hi < 2^62
            d1hi += carryOfSmall(d1lo, sum);
            d1lo = sum;
            long d2 = x2 * k0 + d1hi;

            // partial reduction: the bits from 2^130 up, times 5, go back to the bottom
            long fold = (d2 >>> 2) + (d2 & ~3L);
            a2 = d2 & 3;
            a0 = d0lo + fold;
            c = carry(d0lo, fold, a0);
            a1 = d1lo + c;
            a2 += carryOfSmall(d1lo, a1);
        }
        h0 = a0;
        h1 = a1;
        h2 = a2;
    }

    /** The carry out of {@code sum = a + b} (mod 2^64), as 0 or 1, without a branch. */
    private static long carry(long a, long b, long sum) {
        return ((a & b) | ((a | b) & ~sum)) >>> 63;
    }

    /** The carry out of {@code sum = a + b} for a {@code b} below 2^63: it wrapped iff a's top bit is set and sum's is not. */
    private static long carryOfSmall(long a, long sum) {
        return (a & ~sum) >>> 63;
    }
}

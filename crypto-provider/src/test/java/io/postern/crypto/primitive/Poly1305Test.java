package io.postern.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Poly1305} against RFC 8439's vectors (§2.5.2 and the edge cases of Appendix A.3, which
 * aim at carries and the final reduction) and against Bouncy Castle's Poly1305 on random keys and
 * messages.
 */
class Poly1305Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void rfc8439Section252() {
        byte[] key = HEX.parseHex("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b");
        byte[] message = "Cryptographic Forum Research Group".getBytes(StandardCharsets.US_ASCII);
        assertThat(HEX.formatHex(tag(key, message))).isEqualTo("a8061dc1305136c6c22b8baf0c0127a9");
    }

    /** RFC 8439 Appendix A.3, vectors 1 and 5–11: key (r ‖ s), message, tag. */
    @ParameterizedTest(name = "A.3 #{0}")
    @CsvSource({
        "1, 0000000000000000000000000000000000000000000000000000000000000000,"
                + " 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000,"
                + " 00000000000000000000000000000000",
        "5, 0200000000000000000000000000000000000000000000000000000000000000, ffffffffffffffffffffffffffffffff,"
                + " 03000000000000000000000000000000",
        "6, 02000000000000000000000000000000ffffffffffffffffffffffffffffffff, 02000000000000000000000000000000,"
                + " 03000000000000000000000000000000",
        "7, 0100000000000000000000000000000000000000000000000000000000000000,"
                + " fffffffffffffffffffffffffffffffff0ffffffffffffffffffffffffffffff11000000000000000000000000000000,"
                + " 05000000000000000000000000000000",
        "8, 0100000000000000000000000000000000000000000000000000000000000000,"
                + " fffffffffffffffffffffffffffffffffbfefefefefefefefefefefefefefefe01010101010101010101010101010101,"
                + " 00000000000000000000000000000000",
        "9, 0200000000000000000000000000000000000000000000000000000000000000, fdffffffffffffffffffffffffffffff,"
                + " faffffffffffffffffffffffffffffff",
        "10, 0100000000000000040000000000000000000000000000000000000000000000,"
                + " e33594d7505e43b900000000000000003394d7505e4379cd01000000000000000000000000000000000000000000000001000000000000000000000000000000,"
                + " 14000000000000005500000000000000",
        "11, 0100000000000000040000000000000000000000000000000000000000000000,"
                + " e33594d7505e43b900000000000000003394d7505e4379cd010000000000000000000000000000000000000000000000,"
                + " 13000000000000000000000000000000",
    })
    void rfc8439AppendixA3(int number, String key, String message, String tag) {
        assertThat(HEX.formatHex(tag(HEX.parseHex(key), HEX.parseHex(message)))).isEqualTo(tag);
        assertThat(HEX.formatHex(bouncyCastle(HEX.parseHex(key), HEX.parseHex(message)))).isEqualTo(tag);
    }

    /** Random keys (also r and s with all bits set), every length 0..300 and random ones up to 2,000. */
    @Test
    void agreesWithBouncyCastleOnRandomInput() {
        SplittableRandom random = new SplittableRandom(17);
        Poly1305 reused = new Poly1305();
        for (int i = 0; i < 4_000; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            if (i % 10 == 1) {
                java.util.Arrays.fill(key, (byte) 0xff); // largest clamped r, largest s
            }
            int length = i < 301 ? i : random.nextInt(2001);
            byte[] message = new byte[length + 3];
            if (i % 7 == 2) {
                java.util.Arrays.fill(message, (byte) 0xff); // every limb all ones: the longest carries
            } else {
                random.nextBytes(message);
            }
            byte[] expected = bouncyCastle(key, java.util.Arrays.copyOfRange(message, 3, 3 + length));
            reused.init(key, 0);
            reused.updateFinal(message, 3, length);
            byte[] actual = new byte[16];
            reused.finish(actual, 0);
            assertThat(actual).as("key %s, length %d", HEX.formatHex(key), length).isEqualTo(expected);
        }
    }

    /**
     * A carry random data almost never triggers: the middle limb becomes all ones just as the low
     * limb carries into it, so the carry must reach the top limb. With r = 4 the top limb comes back
     * down as 5 × (its value) (4 · 2^128 = 2^130 ≡ 5): block 1 (zeros) leaves h = 5; block 2 adds
     * 2^64 − 5 to the low limb and 2^64 − 1 to the middle one.
     */
    @Test
    void carriesThroughAnAllOnesMiddleLimb() {
        byte[] key = HEX.parseHex("0400000000000000000000000000000000000000000000000000000000000000");
        byte[] message = HEX.parseHex("00000000000000000000000000000000" + "fbffffffffffffffffffffffffffffff");
        assertThat(HEX.formatHex(tag(key, message))).isEqualTo(HEX.formatHex(bouncyCastle(key, message)))
                .isEqualTo("0a000000000000000000000000000000");
    }

    /**
     * Structured fuzz: keys with r in {1, 2, 4, the largest clamped r, random} and s in {0, all ones,
     * random}, messages whose 64-bit limbs are 0, 1, 2^63, all ones or random, so that every carry
     * in the block, the partial reduction and the final reduction gets its edge cases.
     */
    @Test
    void agreesWithBouncyCastleOnEdgeLimbs() {
        SplittableRandom random = new SplittableRandom(1305);
        long[] limbs = {0, 1, Long.MIN_VALUE, -1, -2, Long.MAX_VALUE};
        Poly1305 poly = new Poly1305();
        byte[] actual = new byte[16];
        for (int i = 0; i < 20_000; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            switch (random.nextInt(5)) {
                case 0 -> java.util.Arrays.fill(key, 0, 16, (byte) 0xff);
                case 1, 2 -> {
                    java.util.Arrays.fill(key, 0, 16, (byte) 0);
                    key[0] = (byte) (1 << random.nextInt(3));
                }
                default -> { }
            }
            switch (random.nextInt(3)) {
                case 0 -> java.util.Arrays.fill(key, 16, 32, (byte) 0);
                case 1 -> java.util.Arrays.fill(key, 16, 32, (byte) 0xff);
                default -> { }
            }
            int length = random.nextInt(100);
            byte[] message = new byte[length + 8];
            for (int at = 0; at < length; at += 8) {
                long limb = random.nextInt(4) == 0 ? random.nextLong() : limbs[random.nextInt(limbs.length)];
                io.postern.wire.LittleEndian.putLong(message, at, limb);
            }
            message = java.util.Arrays.copyOf(message, length);
            poly.init(key, 0);
            poly.updateFinal(message, 0, length);
            poly.finish(actual, 0);
            assertThat(actual).as("key %s, message %s", HEX.formatHex(key), HEX.formatHex(message))
                    .isEqualTo(bouncyCastle(key, message));
        }
    }

    /** The AEAD's form: zero-padded to 16 with the 2^128 bit, then a lengths block. */
    @Test
    void paddedUpdatesEqualTheExplicitlyPaddedMessage() {
        SplittableRandom random = new SplittableRandom(8439);
        for (int length = 0; length <= 70; length++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            byte[] data = new byte[length];
            random.nextBytes(data);
            int padded = (length + 15) & ~15;
            byte[] explicit = new byte[padded + 16];
            System.arraycopy(data, 0, explicit, 0, length);
            explicit[padded] = 5;
            explicit[padded + 8] = (byte) length;
            Poly1305 poly = new Poly1305();
            poly.init(key, 0);
            poly.updatePadded(data, 0, length);
            poly.update(5, length);
            byte[] actual = new byte[16];
            poly.finish(actual, 0);
            assertThat(actual).as("length %d", length).isEqualTo(bouncyCastle(key, explicit));
        }
    }

    private static byte[] tag(byte[] key, byte[] message) {
        Poly1305 poly = new Poly1305();
        poly.init(key, 0);
        poly.updateFinal(message, 0, message.length);
        byte[] tag = new byte[16];
        poly.finish(tag, 0);
        return tag;
    }

    private static byte[] bouncyCastle(byte[] key, byte[] message) {
        var mac = new org.bouncycastle.crypto.macs.Poly1305();
        mac.init(new KeyParameter(key));
        mac.update(message, 0, message.length);
        byte[] tag = new byte[16];
        mac.doFinal(tag, 0);
        return tag;
    }
}

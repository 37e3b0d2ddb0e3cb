package io.postern.crypto.jca;

import static org.assertj.core.api.Assertions.assertThat;

import io.postern.crypto.bc.BouncyCastleCryptoProvider;
import io.postern.crypto.primitive.CounterNonceAeadKey;
import io.postern.crypto.primitive.NonceAead;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The split AEAD (JDK ChaCha20, our Poly1305) against the JDK's and Bouncy Castle's
 * ChaCha20-Poly1305 on random keys, nonces, AAD and lengths 0..2,000 (every length up to 100, so
 * the 15/16/17-byte edges of both the data and the AAD), and every tampered packet refused. The
 * RFC and Wycheproof vectors run on it through {@code FastestSplitAeadTest}.
 */
class SplitChaCha20Poly1305Test {
    private static final int TAG = 16;

    @Test
    void agreesWithTheJdkAndBouncyCastleAndRefusesEveryTamperedPacket() {
        SplittableRandom random = new SplittableRandom(20_26_12_01L);
        for (int i = 0; i < 3_000; i++) {
            byte[] key = bytes(random, 32);
            byte[] nonce = bytes(random, 12);
            byte[] aad = i % 3 == 0 ? null : bytes(random, i % 3 == 1 ? random.nextInt(40) : 32);
            int length = i <= 100 ? i : random.nextInt(2001);
            byte[] plain = bytes(random, length);
            String what = "key " + HexFormat.of().formatHex(key) + " length " + length;

            NonceAead split = new SplitChaChaNonceAead(key);
            byte[] sealed = new byte[length + TAG];
            assertThat(split.seal(nonce, aad, plain, 0, length, sealed, 0)).as(what).isEqualTo(length + TAG);
            assertThat(sealed).as(what).isEqualTo(seal(new JcaChaChaNonceAead(key), nonce, aad, plain))
                    .isEqualTo(seal(bouncyCastle(key), nonce, aad, plain));

            byte[] opened = new byte[length];
            assertThat(split.open(nonce, aad, sealed, 0, sealed.length, opened, 0)).as(what).isEqualTo(length);
            assertThat(opened).as(what).isEqualTo(plain);

            byte[] tampered = sealed.clone();
            tampered[random.nextInt(tampered.length)] ^= (byte) (1 << random.nextInt(8));
            assertThat(split.open(nonce, aad, tampered, 0, tampered.length, new byte[length], 0)).as(what).isEqualTo(-1);
            byte[] otherNonce = nonce.clone();
            otherNonce[random.nextInt(12)] ^= 1;
            assertThat(split.open(otherNonce, aad, sealed, 0, sealed.length, new byte[length], 0)).as(what).isEqualTo(-1);
            if (aad != null && aad.length > 0) {
                byte[] otherAad = aad.clone();
                otherAad[random.nextInt(aad.length)] ^= 0x40;
                assertThat(split.open(nonce, otherAad, sealed, 0, sealed.length, new byte[length], 0)).as(what)
                        .isEqualTo(-1);
            }
        }
    }

    @Test
    void sealsAndOpensInPlaceAtAnOffset() {
        byte[] key = bytes(new SplittableRandom(1), 32);
        byte[] nonce = new byte[12];
        NonceAead split = new SplitChaChaNonceAead(key);
        byte[] plain = bytes(new SplittableRandom(2), 1200);
        byte[] buffer = new byte[16 + 1200 + TAG];
        System.arraycopy(plain, 0, buffer, 16, plain.length);
        assertThat(split.seal(nonce, null, buffer, 16, 1200, buffer, 16)).isEqualTo(1200 + TAG);
        assertThat(Arrays.copyOfRange(buffer, 16, 16 + 1200 + TAG))
                .isEqualTo(seal(new JcaChaChaNonceAead(key), nonce, null, plain));
        assertThat(split.open(nonce, null, buffer, 16, 1200 + TAG, buffer, 16)).isEqualTo(1200);
        assertThat(Arrays.copyOfRange(buffer, 16, 16 + 1200)).isEqualTo(plain);
    }

    /** The JDK refuses a second encryption init with the same key and nonce; the AEAD still seals. */
    @Test
    void sealingTheSameNonceTwiceInARowStillSeals() {
        byte[] key = bytes(new SplittableRandom(3), 32);
        NonceAead split = new SplitChaChaNonceAead(key);
        byte[] first = new byte[64 + TAG];
        byte[] second = new byte[64 + TAG];
        assertThat(split.seal(new byte[12], null, new byte[64], 0, 64, first, 0)).isEqualTo(64 + TAG);
        assertThat(split.seal(new byte[12], null, new byte[64], 0, 64, second, 0)).isEqualTo(64 + TAG);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void refusesBadInputWithoutThrowing() {
        NonceAead split = new SplitChaChaNonceAead(new byte[32]);
        byte[] out = new byte[100];
        assertThat(split.seal(new byte[11], null, new byte[10], 0, 10, out, 0)).isEqualTo(-1);
        assertThat(split.seal(null, null, new byte[10], 0, 10, out, 0)).isEqualTo(-1);
        assertThat(split.seal(new byte[12], null, new byte[10], 0, 10, new byte[20], 0)).isEqualTo(-1); // no room for the tag
        assertThat(split.open(new byte[12], null, new byte[15], 0, 15, out, 0)).isEqualTo(-1);
        assertThat(split.open(new byte[12], null, new byte[16], 0, 16, out, 0)).isEqualTo(-1);
        split.destroy();
        assertThat(split.seal(new byte[12], null, new byte[10], 0, 10, out, 0)).isEqualTo(-1);
    }

    private static byte[] seal(NonceAead aead, byte[] nonce, byte[] aad, byte[] plain) {
        byte[] out = new byte[plain.length + TAG];
        assertThat(aead.seal(nonce, aad, plain, 0, plain.length, out, 0)).isEqualTo(plain.length + TAG);
        return out;
    }

    private static NonceAead bouncyCastle(byte[] key) {
        return ((CounterNonceAeadKey) new BouncyCastleCryptoProvider().chaCha20Poly1305().key(key)).raw();
    }

    private static byte[] bytes(SplittableRandom random, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        return b;
    }
}

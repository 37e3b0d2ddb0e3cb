package io.postern.crypto.primitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class CounterNonceAeadKeyTest {

    /** Records the nonces it is given. */
    private static final class RecordingAead implements NonceAead {
        final List<String> nonces = new ArrayList<>();
        boolean destroyed;

        @Override
        public int nonceLength() {
            return 12;
        }

        @Override
        public int seal(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            nonces.add(HexFormat.of().formatHex(nonce));
            return length + 16;
        }

        @Override
        public int open(byte[] nonce, byte[] aad, byte[] in, int inOffset, int length, byte[] out, int outOffset) {
            nonces.add(HexFormat.of().formatHex(nonce));
            return -1;
        }

        @Override
        public void destroy() {
            destroyed = true;
        }
    }

    @Test
    void nonceIsFourZeroBytesThenTheLittleEndianCounter() {
        RecordingAead aead = new RecordingAead();
        CounterNonceAeadKey key = new CounterNonceAeadKey(aead);
        key.seal(0, null, new byte[0], 0, 0, new byte[16], 0);
        key.seal(0x0102030405060708L, null, new byte[0], 0, 0, new byte[16], 0);
        key.open(-1L, null, new byte[16], 0, 16, new byte[16], 0);
        assertThat(aead.nonces).containsExactly(
                "000000000000000000000000", "000000000807060504030201", "00000000ffffffffffffffff");
        key.destroy();
        assertThat(aead.destroyed).isTrue();
    }
}

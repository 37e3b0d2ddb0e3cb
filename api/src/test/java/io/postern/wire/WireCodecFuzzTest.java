package io.postern.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.postern.testkit.SeedMutations;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the parser of the four wire messages: any bytes at any offset parse or are rejected with a
 * reason — never an exception — and what parses has exactly its type's size and writes back to the
 * very bytes it came from.
 */
class WireCodecFuzzTest {
    /** Mutated inputs per CI build, on top of the seeds (a few hundred milliseconds). */
    private static final long CI_EXECUTIONS = 200_000;

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        check(data);
    }

    @Test
    void boundedRandomExecutionsFromTheSeeds() {
        long ran = SeedMutations.run(SeedMutations.seeds(WireCodecFuzzTest.class, "parse"), CI_EXECUTIONS,
                0x77_1e_c0_de_cL, WireCodecFuzzTest::check);
        System.out.println("WireCodecFuzzTest: " + ran + " executions");
        assertThat(ran).isGreaterThan(CI_EXECUTIONS);
    }

    static void check(byte[] data) {
        checkAt(data, 0);
        byte[] shifted = new byte[data.length + 3]; // the same bytes inside a larger buffer
        Arrays.fill(shifted, 0, 3, (byte) 0xee);
        System.arraycopy(data, 0, shifted, 3, data.length);
        checkAt(shifted, 3);
        assertThat(WireCodec.parse(shifted, 3, data.length).getClass()).isEqualTo(WireCodec.parse(data, 0, data.length)
                .getClass());
    }

    private static void checkAt(byte[] data, int offset) {
        int length = data.length - offset;
        Parsed<? extends WireMessage> parsed = WireCodec.parse(data, offset, length);
        assertThat(parsed).isNotNull();
        if (parsed instanceof Parsed.Ok<? extends WireMessage> ok) {
            WireMessage m = ok.message();
            assertThat(data[offset] & 0xff).isEqualTo(m.type().code());
            assertThat(Arrays.copyOfRange(data, offset + 1, offset + 4)).containsOnly(0);
            byte[] original = Arrays.copyOfRange(data, offset, offset + length);
            switch (m) {
                case HandshakeInitiation i -> assertThat(i.bytes()).isEqualTo(original);
                case HandshakeResponse r -> assertThat(r.bytes()).isEqualTo(original);
                case CookieReply c -> assertThat(c.bytes()).isEqualTo(original);
                case DataMessage t -> {
                    assertThat(t.length()).isEqualTo(length).isGreaterThanOrEqualTo(DataMessage.MIN_SIZE);
                    assertThat(t.receiver()).isEqualTo(LittleEndian.getInt(data, offset + 4));
                    assertThat(t.ciphertextLength()).isEqualTo(length - DataMessage.HEADER_SIZE);
                }
            }
        }
    }
}

package io.postern.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WireCodecDataCheckTest {
    @Test
    void theInPlaceCheckAcceptsExactlyWhatParseAcceptsAsADataMessage() {
        SplittableRandom random = new SplittableRandom(13);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[random.nextInt(80)];
            random.nextBytes(buf);
            if (buf.length > 0 && random.nextBoolean()) {
                buf[0] = 4; // mostly data messages, some with reserved bytes set, some too short
                if (buf.length > 3 && random.nextBoolean()) {
                    buf[1] = buf[2] = buf[3] = 0;
                }
            }
            int offset = buf.length == 0 ? 0 : random.nextInt(Math.min(buf.length, 4));
            int length = buf.length - offset - (buf.length > offset ? random.nextInt(2) : 0);
            boolean parsed = WireCodec.parse(buf, offset, length) instanceof Parsed.Ok<?>(DataMessage m);
            assertThat(WireCodec.isWellFormedData(buf, offset, length)).as("datagram %d", i).isEqualTo(parsed);
            accepted += parsed ? 1 : 0;
        }
        assertThat(accepted).as("the sample holds well-formed data messages too").isGreaterThan(500);
        assertThat(WireCodec.isWellFormedData(null, 0, 32)).isFalse();
        assertThat(WireCodec.isWellFormedData(new byte[32], 1, 32)).as("past the buffer").isFalse();
    }
}

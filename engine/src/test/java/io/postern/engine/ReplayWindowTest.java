package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The replay window against wireguard-go's replay_test.go sequences (vectors committed in src/test/vectors). */
class ReplayWindowTest {

    private static JsonNode vectors() throws IOException {
        String dir = System.getProperty("postern.vectors.dir");
        if (dir == null) {
            fail("system property postern.vectors.dir is not set");
        }
        Path file = Path.of(dir, "wireguard", "wireguard-go-replay.json");
        if (!Files.isRegularFile(file)) {
            fail("missing test vectors: " + file);
        }
        return new ObjectMapper().readTree(file.toFile());
    }

    private static long u64(JsonNode n) {
        return new BigInteger(n.asText()).longValue();
    }

    @Test
    void parametersMatchTheImplementation() throws IOException {
        JsonNode p = vectors().get("parameters");
        assertThat(p.get("window_size").asLong()).isEqualTo(ReplayWindow.WINDOW_SIZE);
        assertThat(u64(p.get("reject_after_messages"))).isEqualTo(ProtocolConstants.REJECT_AFTER_MESSAGES);
    }

    @TestFactory
    List<DynamicTest> wireguardGoSequences() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode seq : vectors().get("sequences")) {
            tests.add(DynamicTest.dynamicTest(seq.get("name").asText(), () -> run(seq)));
        }
        assertThat(tests).hasSize(7);
        return tests;
    }

    private static void run(JsonNode seq) {
        ReplayWindow window = new ReplayWindow();
        int step = 0;
        for (JsonNode s : seq.get("steps")) {
            step++;
            boolean accept = s.get("accept").asBoolean();
            if (s.has("range")) {
                long from = u64(s.get("range").get("from"));
                long to = u64(s.get("range").get("to"));
                long dir = from <= to ? 1 : -1;
                for (long c = from; ; c += dir) {
                    assertThat(window.accept(c)).as("step %d, counter %s", step, Long.toUnsignedString(c))
                            .isEqualTo(accept);
                    if (c == to) {
                        break;
                    }
                }
            } else {
                long c = u64(s.get("counter"));
                assertThat(window.accept(c)).as("step %d (%s), counter %s", step, s.path("expr").asText(),
                        Long.toUnsignedString(c)).isEqualTo(accept);
            }
        }
    }

    @Test
    void countersAtOrAboveRejectAfterMessagesAreRejected() {
        ReplayWindow window = new ReplayWindow();
        assertThat(window.accept(ProtocolConstants.REJECT_AFTER_MESSAGES)).isFalse();
        assertThat(window.accept(-1L)).isFalse();
        assertThat(window.accept(ProtocolConstants.REJECT_AFTER_MESSAGES - 1)).isTrue();
        assertThat(window.accept(0)).isFalse(); // far behind the window now
    }
}

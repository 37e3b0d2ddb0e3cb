package io.postern.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.postern.testkit.SeedMutations;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the wg-quick config parser: whatever the file holds, it yields a config or a
 * {@link ConfigException} naming the place — never any other exception.
 */
class WgQuickConfigParserFuzzTest {
    private static final long CI_EXECUTIONS = 30_000;

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        check(data);
    }

    @Test
    void boundedRandomExecutionsFromTheSeeds() {
        long ran = SeedMutations.run(SeedMutations.seeds(WgQuickConfigParserFuzzTest.class, "parse"), CI_EXECUTIONS,
                0xc0_4f_16L, WgQuickConfigParserFuzzTest::check);
        System.out.println("WgQuickConfigParserFuzzTest: " + ran + " executions");
        assertThat(ran).isGreaterThan(CI_EXECUTIONS);
    }

    static void check(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            NodeConfig c = WgQuickConfigParser.parse("fuzz.conf", text.lines().toList());
            assertThat(c).isNotNull();
        } catch (ConfigException expected) {
            assertThat(expected.getMessage()).startsWith("fuzz.conf");
        }
    }
}

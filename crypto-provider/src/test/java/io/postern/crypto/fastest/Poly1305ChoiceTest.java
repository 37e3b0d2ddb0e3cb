package io.postern.crypto.fastest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Poly1305ChoiceTest {
    @Test
    void splitOnX86WithoutIfma() {
        Set<String> epyc = Set.of("fpu", "sse2", "avx", "avx2", "bmi2", "adx");
        assertThat(Poly1305Choice.of("amd64", epyc)).isEqualTo(Poly1305Choice.SPLIT);
        assertThat(Poly1305Choice.of("x86_64", epyc)).isEqualTo(Poly1305Choice.SPLIT);
        // AVX-512 without IFMA (e.g. Skylake-SP): still no intrinsic
        assertThat(Poly1305Choice.of("amd64", Set.of("avx2", "avx512f", "avx512vl", "avx512bw")))
                .isEqualTo(Poly1305Choice.SPLIT);
    }

    @Test
    void jdkWhereItsPoly1305IsAnIntrinsicOrNothingIsKnown() {
        assertThat(Poly1305Choice.of("amd64", Set.of("avx2", "avx512f", "avx512ifma", "avx512vl", "avx512bw")))
                .isEqualTo(Poly1305Choice.JDK);
        assertThat(Poly1305Choice.of("amd64", Set.of("avx2", "avx_ifma"))).isEqualTo(Poly1305Choice.JDK);
        assertThat(Poly1305Choice.of("aarch64", Set.of("fp", "asimd"))).isEqualTo(Poly1305Choice.JDK);
        assertThat(Poly1305Choice.of("amd64", Set.of())).isEqualTo(Poly1305Choice.JDK);
    }

    @Test
    void readsTheFirstFlagsLine(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, """
                processor\t: 0
                model name\t: AMD EPYC
                flags\t\t: fpu sse2 AVX2 avx512ifma
                bugs\t\t: sysret_ss_attrs

                processor\t: 1
                flags\t\t: other
                """);
        assertThat(Poly1305Choice.flags(cpuinfo)).containsExactlyInAnyOrder("fpu", "sse2", "avx2", "avx512ifma");
        assertThat(Poly1305Choice.flags(dir.resolve("absent"))).isEmpty();
    }
}

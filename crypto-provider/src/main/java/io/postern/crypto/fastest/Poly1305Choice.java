package io.postern.crypto.fastest;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which ChaCha20-Poly1305 the {@code fastest} provider uses, decided once per JVM from the CPU:
 * the JDK's {@code Cipher("ChaCha20-Poly1305")} where HotSpot compiles its Poly1305 to an
 * intrinsic, our {@link io.postern.crypto.jca.SplitChaCha20Poly1305} (the JDK's ChaCha20, our
 * Poly1305) where it does not.
 *
 * <p>HotSpot (JDK 25) turns its Poly1305 intrinsic on for x86_64 CPUs with AVX-512 IFMA, VL and BW
 * (later JDKs also with AVX-IFMA), and on aarch64. Elsewhere on x86_64 its Poly1305 is generic
 * field arithmetic in Java, and the split AEAD measured faster (BENCHMARKS.md, issue 17
 * "Poly1305"). So: x86_64 whose {@code /proc/cpuinfo} flags lack those features → split; every
 * other case (aarch64, other architectures, an unreadable {@code /proc/cpuinfo}) → the JDK's, the
 * choice measured before. A CPU-feature test rather than a timing at start: it costs one short
 * file read, adds nothing to the start-up CPU the cold path is short of, and cannot be swayed by
 * a busy machine.
 */
enum Poly1305Choice {
    /** The JDK's ChaCha20-Poly1305 Cipher: its Poly1305 is an intrinsic here. */
    JDK,
    /** The JDK's ChaCha20 with our Poly1305. */
    SPLIT;

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");

    /** The choice for this JVM's CPU, computed on first use. */
    static Poly1305Choice forThisMachine() {
        return Holder.CHOICE;
    }

    /**
     * @param arch  {@code os.arch}
     * @param flags the CPU's feature flags as Linux names them in {@code /proc/cpuinfo}; empty when unknown
     */
    static Poly1305Choice of(String arch, Set<String> flags) {
        boolean x86 = "amd64".equals(arch) || "x86_64".equals(arch);
        if (!x86 || flags.isEmpty()) {
            return JDK;
        }
        boolean avx512Ifma = flags.contains("avx512ifma") && flags.contains("avx512vl") && flags.contains("avx512bw");
        boolean avxIfma = flags.contains("avx_ifma");
        return avx512Ifma || avxIfma ? JDK : SPLIT;
    }

    /** The first {@code flags} line of {@code cpuinfo}, split; empty when there is none or it cannot be read. */
    static Set<String> flags(Path cpuinfo) {
        try (BufferedReader in = Files.newBufferedReader(cpuinfo, StandardCharsets.ISO_8859_1)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("flags")) {
                    return Arrays.stream(line.substring(colon + 1).trim().split("\\s+"))
                            .map(f -> f.toLowerCase(Locale.ROOT))
                            .collect(Collectors.toUnmodifiableSet());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no /proc: the JDK's AEAD, as before
        }
        return Set.of();
    }

    private static final class Holder {
        static final Poly1305Choice CHOICE = of(System.getProperty("os.arch", ""), flags(CPUINFO));
    }
}

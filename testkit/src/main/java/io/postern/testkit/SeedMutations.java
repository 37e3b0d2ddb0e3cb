package io.postern.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Bounded random executions for a fuzz target in CI: Jazzer's regression mode replays only the
 * committed seeds, so this feeds the same target a fixed number of inputs made by mutating those
 * seeds (bit flips, byte changes, truncation, extension, splicing) from a fixed random seed —
 * reproducible, and cheap enough for every build. Longer, coverage-guided runs: {@code JAZZER_FUZZ=1}.
 */
public final class SeedMutations {
    private SeedMutations() {}

    /** @return the seed files of {@code testClass}'s fuzz method {@code method} (the Jazzer inputs directory) */
    public static List<byte[]> seeds(Class<?> testClass, String method) {
        String dir = "src/test/resources/" + testClass.getPackageName().replace('.', '/') + "/"
                + testClass.getSimpleName() + "Inputs/" + method;
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            throw new IllegalStateException("no seed corpus at " + path.toAbsolutePath());
        }
        try (Stream<Path> files = Files.list(path)) {
            List<byte[]> out = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                out.add(Files.readAllBytes(f));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code target} on every seed and then on {@code executions} mutants of them.
     *
     * @return how many inputs ran
     */
    public static long run(List<byte[]> seeds, long executions, long randomSeed, Consumer<byte[]> target) {
        SplittableRandom random = new SplittableRandom(randomSeed);
        long ran = 0;
        for (byte[] s : seeds) {
            target.accept(s.clone());
            ran++;
        }
        for (long i = 0; i < executions; i++) {
            target.accept(mutate(seeds.get(random.nextInt(seeds.size())), seeds, random));
            ran++;
        }
        return ran;
    }

    private static byte[] mutate(byte[] seed, List<byte[]> seeds, SplittableRandom random) {
        byte[] b = seed.clone();
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            switch (random.nextInt(7)) {
                case 0 -> { // flip a bit
                    if (b.length > 0) {
                        b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> { // set a byte to an interesting value
                    if (b.length > 0) {
                        int[] interesting = {0, 1, 2, 3, 4, 5, 0x7f, 0x80, 0xff};
                        b[random.nextInt(b.length)] = (byte) interesting[random.nextInt(interesting.length)];
                    }
                }
                case 2 -> b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length)); // truncate
                case 3 -> { // extend with random bytes
                    byte[] ext = new byte[1 + random.nextInt(64)];
                    random.nextBytes(ext);
                    byte[] n = java.util.Arrays.copyOf(b, b.length + ext.length);
                    System.arraycopy(ext, 0, n, b.length, ext.length);
                    b = n;
                }
                case 4 -> { // splice with another seed
                    byte[] other = seeds.get(random.nextInt(seeds.size()));
                    int cut = b.length == 0 ? 0 : random.nextInt(b.length + 1);
                    int from = other.length == 0 ? 0 : random.nextInt(other.length + 1);
                    byte[] n = java.util.Arrays.copyOf(b, cut + other.length - from);
                    System.arraycopy(other, from, n, cut, other.length - from);
                    b = n;
                }
                case 5 -> { // random bytes over a range
                    if (b.length > 0) {
                        int at = random.nextInt(b.length);
                        int len = Math.min(b.length - at, 1 + random.nextInt(16));
                        for (int i = 0; i < len; i++) {
                            b[at + i] = (byte) random.nextInt(256);
                        }
                    }
                }
                default -> { // entirely random, random length
                    b = new byte[random.nextInt(300)];
                    random.nextBytes(b);
                }
            }
        }
        return b;
    }
}

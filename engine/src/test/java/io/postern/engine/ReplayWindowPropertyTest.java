package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The replay window against a reference model that anyone can check by eye: the set of counters
 * seen, the greatest one, the window of {@link ReplayWindow#WINDOW_SIZE} behind it and the
 * REJECT_AFTER_MESSAGES limit. Random sequences mix steps forward, steps back into and beyond the
 * window, repeats, arbitrary jumps and counters around the limit.
 *
 * <p>The sequences come from fixed seeds (one dynamic test per seed, named by it), so a failure is
 * reproducible from its name. A plain generator rather than a property-testing library: jqwik 1.10.1
 * prints a notice that AI agents must not use it, and this project respects that.
 */
class ReplayWindowPropertyTest {

    /** How the next counter is chosen, relative to the greatest counter seen so far. */
    enum Kind { AHEAD, BEHIND, WINDOW_EDGE, REPEAT, JUMP, NEAR_LIMIT }

    /** One step of a sequence. */
    record Step(Kind kind, long amount) {}

    /** The reference: a plain set of everything accepted, and the greatest accepted counter. */
    static final class Model {
        private final Set<Long> seen = new HashSet<>();
        private long greatest;
        private long lastCounter;

        boolean accept(long counter) {
            if (Long.compareUnsigned(counter, ProtocolConstants.REJECT_AFTER_MESSAGES) >= 0) {
                return false;
            }
            if (Long.compareUnsigned(counter, greatest) < 0
                    && Long.compareUnsigned(greatest - counter, ReplayWindow.WINDOW_SIZE) > 0) {
                return false; // behind the window
            }
            if (!seen.add(counter)) {
                return false;
            }
            if (Long.compareUnsigned(counter, greatest) > 0) {
                greatest = counter;
            }
            return true;
        }

        long next(Step step) {
            long c = switch (step.kind()) {
                case AHEAD -> greatest + Math.floorMod(step.amount(), 300);
                case BEHIND -> greatest - Math.floorMod(step.amount(), ReplayWindow.WINDOW_SIZE + 200);
                case WINDOW_EDGE -> greatest - (ReplayWindow.WINDOW_SIZE - 2 + Math.floorMod(step.amount(), 5));
                case REPEAT -> lastCounter;
                case JUMP -> step.amount();
                case NEAR_LIMIT -> ProtocolConstants.REJECT_AFTER_MESSAGES - 3 + Math.floorMod(step.amount(), 6);
            };
            lastCounter = c;
            return c;
        }
    }

    private static final int SEQUENCES = 400;

    @TestFactory
    Stream<DynamicTest> acceptsExactlyWhatTheModelAccepts() {
        return seeds().mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            ReplayWindow window = new ReplayWindow();
            Model model = new Model();
            for (Step step : sequence(seed)) {
                long counter = model.next(step);
                boolean expected = model.accept(counter);
                assertThat(window.accept(counter)).as("seed %d: counter %s after %s", seed,
                        Long.toUnsignedString(counter), step).isEqualTo(expected);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> aCounterIsNeverAcceptedTwice() {
        return seeds().limit(100).mapToObj(seed -> DynamicTest.dynamicTest("seed " + seed, () -> {
            ReplayWindow window = new ReplayWindow();
            Model model = new Model();
            Set<Long> accepted = new HashSet<>();
            for (Step step : sequence(seed)) {
                long counter = model.next(step);
                model.accept(counter);
                if (window.accept(counter)) {
                    assertThat(accepted.add(counter)).as("seed %d: accepted twice: %s", seed,
                            Long.toUnsignedString(counter)).isTrue();
                }
            }
        }));
    }

    private static LongStream seeds() {
        return LongStream.range(0, SEQUENCES).map(i -> 0x5EED_0000L + i);
    }

    /** 1–400 steps; kinds weighted 6:5:2:2:1:1 as AHEAD:BEHIND:WINDOW_EDGE:REPEAT:JUMP:NEAR_LIMIT. */
    static List<Step> sequence(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1 + r.nextInt(400);
        List<Step> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int w = r.nextInt(17);
            Kind kind = w < 6 ? Kind.AHEAD : w < 11 ? Kind.BEHIND : w < 13 ? Kind.WINDOW_EDGE
                    : w < 15 ? Kind.REPEAT : w < 16 ? Kind.JUMP : Kind.NEAR_LIMIT;
            long amount = r.nextBoolean() ? r.nextLong(20_001) : r.nextLong();
            steps.add(new Step(kind, amount));
        }
        return steps;
    }
}

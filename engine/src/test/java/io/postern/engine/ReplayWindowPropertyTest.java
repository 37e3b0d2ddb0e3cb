package io.postern.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The replay window against a reference model that anyone can check by eye: the set of counters
 * seen, the greatest one, the window of {@link ReplayWindow#WINDOW_SIZE} behind it and the
 * REJECT_AFTER_MESSAGES limit. Random sequences mix steps forward, steps back into and beyond the
 * window, repeats, arbitrary jumps and counters around the limit.
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

    @Property(tries = 300)
    void acceptsExactlyWhatTheModelAccepts(@ForAll("sequences") List<Step> steps) {
        ReplayWindow window = new ReplayWindow();
        Model model = new Model();
        for (Step step : steps) {
            long counter = model.next(step);
            boolean expected = model.accept(counter);
            assertThat(window.accept(counter)).as("counter %s after %s", Long.toUnsignedString(counter), step)
                    .isEqualTo(expected);
        }
    }

    @Property(tries = 100)
    void aCounterIsNeverAcceptedTwice(@ForAll("sequences") List<Step> steps) {
        ReplayWindow window = new ReplayWindow();
        Model model = new Model();
        Set<Long> accepted = new HashSet<>();
        for (Step step : steps) {
            long counter = model.next(step);
            model.accept(counter);
            if (window.accept(counter)) {
                assertThat(accepted.add(counter)).as("accepted twice: %s", Long.toUnsignedString(counter)).isTrue();
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> sequences() {
        Arbitrary<Kind> kind = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(6, Kind.AHEAD), net.jqwik.api.Tuple.of(5, Kind.BEHIND),
                net.jqwik.api.Tuple.of(2, Kind.WINDOW_EDGE),
                net.jqwik.api.Tuple.of(2, Kind.REPEAT), net.jqwik.api.Tuple.of(1, Kind.JUMP),
                net.jqwik.api.Tuple.of(1, Kind.NEAR_LIMIT));
        Arbitrary<Long> amount = Arbitraries.oneOf(Arbitraries.longs().between(0, 20_000), Arbitraries.longs());
        Arbitrary<Step> step = Combinators.combine(kind, amount).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(400);
    }
}

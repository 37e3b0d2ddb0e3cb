package io.postern.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ThrottledCountsTest {
    private final AtomicLong ticker = new AtomicLong(42);
    private final ThrottledCounts counts = new ThrottledCounts(2, Duration.ofSeconds(1), ticker::get);

    @Test
    void countsEveryOccurrenceButAllowsOneLinePerKeyPerInterval() {
        int lines = 0;
        for (int i = 0; i < 1_000; i++) {
            counts.count(0);
            lines += counts.mayLog(0) ? 1 : 0;
            ticker.addAndGet(1_000_000); // 1 ms apart: 1 s in all
        }
        assertThat(counts.total(0)).isEqualTo(1_000);
        assertThat(lines).as("the first at once, then one per second").isEqualTo(1);
        counts.count(0);
        assertThat(counts.mayLog(0)).as("a second after the first line").isTrue();
        assertThat(counts.mayLog(0)).isFalse();
    }

    @Test
    void keysAreIndependent() {
        counts.count(0);
        assertThat(counts.mayLog(0)).isTrue();
        counts.count(1);
        assertThat(counts.mayLog(1)).as("another key's line does not silence this one").isTrue();
        assertThat(counts.total(1)).isEqualTo(1);
    }

    @Test
    void reportsWhatHappenedSinceTheLastLine() {
        for (int i = 0; i < 5; i++) {
            counts.count(1);
        }
        assertThat(counts.takeSinceLastLine(1)).isEqualTo(5);
        counts.count(1);
        assertThat(counts.takeSinceLastLine(1)).isEqualTo(1);
        assertThat(counts.total(1)).isEqualTo(6);
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new ThrottledCounts(0, Duration.ofSeconds(1))).hasMessageContaining("keys");
        assertThatThrownBy(() -> new ThrottledCounts(1, Duration.ZERO)).hasMessageContaining("interval");
    }
}

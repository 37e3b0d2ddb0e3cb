package io.postern.engine;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a latency histogram: how many observations fell at or below each bucket's upper
 * bound (cumulative, as Prometheus histograms count), their total count and their sum.
 *
 * @param upperBounds the buckets' upper bounds, ascending (the implicit last bucket is +Inf)
 * @param cumulative  for each bound, how many observations were at or below it
 * @param count       every observation (the +Inf bucket)
 * @param sum         the observations added up
 */
public record LatencyHistogram(List<Duration> upperBounds, List<Long> cumulative, long count, Duration sum) {
    public LatencyHistogram {
        upperBounds = List.copyOf(upperBounds);
        cumulative = List.copyOf(cumulative);
        Objects.requireNonNull(sum, "sum");
        if (upperBounds.size() != cumulative.size()) {
            throw new IllegalArgumentException("one cumulative count per bound");
        }
    }
}

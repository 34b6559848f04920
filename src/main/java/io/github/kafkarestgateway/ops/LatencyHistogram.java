package io.github.kafkarestgateway.ops;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;

/**
 * How many requests took how long, as a timer's percentile histogram counts them: for each bucket bound, the requests
 * that took at most that long (cumulative over the buckets, as Prometheus' {@code le}), and how many there were in
 * all (the ones above the last bound included). Micrometer's Prometheus timers count from their start and never
 * decay, so the difference of two readings ({@link #minus}) is what was answered between them, and its percentile is
 * that of the interval alone. Immutable.
 */
public final class LatencyHistogram {

    /** No request yet (and no buckets): adds and subtracts as zeros. */
    public static final LatencyHistogram EMPTY = new LatencyHistogram(new double[0], new double[0], 0);

    private final double[] boundsMs;
    private final double[] atMost;
    private final long count;

    private LatencyHistogram(double[] boundsMs, double[] atMost, long count) {
        this.boundsMs = boundsMs;
        this.atMost = atMost;
        this.count = count;
    }

    /** The histogram of a timer's snapshot (of a timer that publishes a percentile histogram). */
    public static LatencyHistogram of(HistogramSnapshot snapshot) {
        CountAtBucket[] buckets = snapshot.histogramCounts();
        double[] bounds = new double[buckets.length];
        double[] counts = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
            counts[i] = buckets[i].count();
        }
        return new LatencyHistogram(bounds, counts, snapshot.count());
    }

    /** The requests of both (of timers with the same buckets, as those of one builder are). */
    public LatencyHistogram plus(LatencyHistogram other) {
        return combine(other, 1);
    }

    /** The requests counted here and not in the earlier reading of the same timers. */
    public LatencyHistogram minus(LatencyHistogram earlier) {
        return combine(earlier, -1);
    }

    private LatencyHistogram combine(LatencyHistogram other, int sign) {
        if (boundsMs.length > 0 && other.boundsMs.length > 0 && !Arrays.equals(boundsMs, other.boundsMs)) {
            throw new IllegalArgumentException("histograms of different buckets cannot be combined");
        }
        double[] bounds = boundsMs.length > 0 ? boundsMs : other.boundsMs;
        double[] counts = new double[bounds.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = atMost(i) + sign * other.atMost(i);
        }
        return new LatencyHistogram(bounds, counts, count + sign * other.count);
    }

    /** The requests of at most the i-th bound; none when there are no buckets (EMPTY). */
    private double atMost(int i) {
        return atMost.length == 0 ? 0 : atMost[i];
    }

    /** How many requests. */
    public long count() {
        return count;
    }

    /**
     * The {@code quantile} (0.99 for p99) in milliseconds, interpolated linearly within the bucket it falls in (as
     * Prometheus' {@code histogram_quantile} does); the last bound when it falls above it; null without requests.
     */
    public Double quantileMs(double quantile) {
        if (count <= 0) {
            return null;
        }
        double rank = quantile * count;
        double lowerBound = 0;
        double lowerCount = 0;
        for (int i = 0; i < boundsMs.length; i++) {
            if (atMost[i] >= rank) {
                return lowerBound + (boundsMs[i] - lowerBound) * (rank - lowerCount) / (atMost[i] - lowerCount);
            }
            lowerBound = boundsMs[i];
            lowerCount = atMost[i];
        }
        return boundsMs.length == 0 ? null : lowerBound;
    }
}

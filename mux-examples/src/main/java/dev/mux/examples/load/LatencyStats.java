package dev.mux.examples.load;

import java.util.Arrays;
import java.util.Objects;

/**
 * Exact summary of a set of durations in nanoseconds: count, min, mean, p50, p99, p99.9, max.
 *
 * <p>Percentiles use the nearest-rank definition: the p-th percentile of {@code n} sorted values
 * is the value at rank {@code ceil(p / 100 * n)} (ranks start at 1), computed in integer
 * arithmetic so that, for example, the p99.9 of 1000 values is the 999th and not the 1000th.
 * No value is interpolated or bucketed. An empty set summarises to {@link #EMPTY}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param count number of values
 * @param min smallest value, nanoseconds
 * @param mean arithmetic mean, nanoseconds
 * @param p50 median (nearest rank), nanoseconds
 * @param p99 99th percentile (nearest rank), nanoseconds
 * @param p999 99.9th percentile (nearest rank), nanoseconds
 * @param max largest value, nanoseconds
 */
public record LatencyStats(long count, long min, double mean, long p50, long p99, long p999, long max) {

    /** The summary of no values: every field zero. */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0, 0, 0);

    private static final long PARTS_PER_MILLION = 1_000_000L;

    /**
     * Summarises the given values; the array is not modified.
     *
     * @param values durations in nanoseconds, in any order
     * @return the exact summary, or {@link #EMPTY} for no values
     * @throws NullPointerException if {@code values} is null
     */
    public static LatencyStats of(long[] values) {
        Objects.requireNonNull(values, "values");
        return ofSorted(sortedCopy(values, values.length));
    }

    /**
     * Summarises the first {@code length} values of the array; the array is not modified.
     *
     * @param values durations in nanoseconds, in any order
     * @param length how many leading values to summarise
     * @return the exact summary, or {@link #EMPTY} for no values
     * @throws IllegalArgumentException if {@code length} is negative or beyond the array
     */
    public static LatencyStats of(long[] values, int length) {
        Objects.requireNonNull(values, "values");
        if (length < 0 || length > values.length) {
            throw new IllegalArgumentException("length must be in [0, " + values.length + "]: " + length);
        }
        return ofSorted(sortedCopy(values, length));
    }

    /**
     * Returns the nearest-rank percentile of sorted values.
     *
     * @param sorted values in ascending order, at least one
     * @param partsPerMillion the percentile in parts per million (p99.9 is 999_000)
     * @return the value at rank {@code ceil(partsPerMillion / 1e6 * n)}
     * @throws IllegalArgumentException if {@code sorted} is empty or the percentile is not in
     *     (0, 1_000_000]
     */
    public static long percentile(long[] sorted, long partsPerMillion) {
        Objects.requireNonNull(sorted, "sorted");
        if (sorted.length == 0) {
            throw new IllegalArgumentException("sorted must not be empty");
        }
        if (partsPerMillion <= 0 || partsPerMillion > PARTS_PER_MILLION) {
            throw new IllegalArgumentException("partsPerMillion must be in (0, 1000000]: " + partsPerMillion);
        }
        long n = sorted.length;
        // ceil(n * ppm / 1e6) without floating point: 0.999 * 1000 is 999.0000000000001 in doubles.
        long rank = (n * partsPerMillion + PARTS_PER_MILLION - 1) / PARTS_PER_MILLION;
        return sorted[(int) Math.max(1, rank) - 1];
    }

    private static long[] sortedCopy(long[] values, int length) {
        long[] copy = Arrays.copyOf(values, length);
        Arrays.sort(copy);
        return copy;
    }

    private static LatencyStats ofSorted(long[] sorted) {
        if (sorted.length == 0) {
            return EMPTY;
        }
        double sum = 0;
        for (long v : sorted) {
            sum += v;
        }
        return new LatencyStats(
                sorted.length,
                sorted[0],
                sum / sorted.length,
                percentile(sorted, 500_000),
                percentile(sorted, 990_000),
                percentile(sorted, 999_000),
                sorted[sorted.length - 1]);
    }

    /**
     * Returns this summary in milliseconds, for reports.
     *
     * @return the same summary with every duration in milliseconds
     */
    public Millis toMillis() {
        return new Millis(count, ms(min), ms(mean), ms(p50), ms(p99), ms(p999), ms(max));
    }

    private static double ms(double nanos) {
        // Microsecond resolution is what the clocks and the network give; more digits are noise.
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /**
     * A {@link LatencyStats} in milliseconds, rounded to the microsecond, as reports show it.
     *
     * <p>Immutable and thread-safe.
     *
     * @param count number of values
     * @param min smallest value, milliseconds
     * @param mean arithmetic mean, milliseconds
     * @param p50 median, milliseconds
     * @param p99 99th percentile, milliseconds
     * @param p999 99.9th percentile, milliseconds
     * @param max largest value, milliseconds
     */
    public record Millis(long count, double min, double mean, double p50, double p99, double p999, double max) {
        /** The summary of no values. */
        public static final Millis EMPTY = new Millis(0, 0, 0, 0, 0, 0, 0);
    }
}

package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    @Test
    void percentilesOfOneToThousandAreNearestRank() {
        long[] values = LongStream.rangeClosed(1, 1000).toArray();

        LatencyStats s = LatencyStats.of(values);

        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.min()).isEqualTo(1);
        assertThat(s.p50()).isEqualTo(500);
        assertThat(s.p99()).isEqualTo(990);
        assertThat(s.p999()).isEqualTo(999);
        assertThat(s.max()).isEqualTo(1000);
        assertThat(s.mean()).isEqualTo(500.5);
    }

    @Test
    void percentilesDoNotDependOnInputOrderAndLeaveTheInputAlone() {
        long[] values = {50, 10, 40, 20, 30};

        LatencyStats s = LatencyStats.of(values);

        assertThat(s.p50()).isEqualTo(30);
        assertThat(s.p99()).isEqualTo(50);
        assertThat(s.min()).isEqualTo(10);
        assertThat(values).containsExactly(50, 10, 40, 20, 30);
    }

    @Test
    void smallSetsRoundRanksUp() {
        LatencyStats s = LatencyStats.of(new long[] {7, 3, 5});

        // ceil(0.5 * 3) = 2nd value; ceil(0.99 * 3) = 3rd.
        assertThat(s.p50()).isEqualTo(5);
        assertThat(s.p99()).isEqualTo(7);
        assertThat(s.p999()).isEqualTo(7);
    }

    @Test
    void oneValueIsEveryPercentile() {
        LatencyStats s = LatencyStats.of(new long[] {42});

        assertThat(s).isEqualTo(new LatencyStats(1, 42, 42.0, 42, 42, 42, 42));
    }

    @Test
    void tailPercentilesSeeARareOutlier() {
        long[] values = new long[10_000];
        java.util.Arrays.fill(values, 1_000);
        values[1234] = 9_000_000;
        values[4321] = 8_000_000;

        LatencyStats s = LatencyStats.of(values);

        assertThat(s.p99()).isEqualTo(1_000);
        // Rank ceil(0.999 * 10000) = 9990 of 10000: still below the two outliers.
        assertThat(s.p999()).isEqualTo(1_000);
        assertThat(s.max()).isEqualTo(9_000_000);
    }

    @Test
    void noValuesSummariseToEmpty() {
        assertThat(LatencyStats.of(new long[0])).isEqualTo(LatencyStats.EMPTY);
        assertThat(LatencyStats.of(new long[] {1, 2, 3}, 0)).isEqualTo(LatencyStats.EMPTY);
    }

    @Test
    void aPrefixSummarisesOnlyThatManyValues() {
        LatencyStats s = LatencyStats.of(new long[] {5, 1, 999, 999}, 2);

        assertThat(s.count()).isEqualTo(2);
        assertThat(s.max()).isEqualTo(5);
    }

    @Test
    void aPrefixLongerThanTheArrayIsRefused() {
        assertThatThrownBy(() -> LatencyStats.of(new long[3], 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length")
                .hasMessageContaining("4");
    }

    @Test
    void percentileOutsideZeroToOneMillionPartsIsRefused() {
        long[] sorted = {1, 2};
        assertThatThrownBy(() -> LatencyStats.percentile(sorted, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partsPerMillion");
        assertThatThrownBy(() -> LatencyStats.percentile(sorted, 1_000_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1000001");
        assertThatThrownBy(() -> LatencyStats.percentile(new long[0], 500_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    @Test
    void millisecondsAreRoundedToTheMicrosecond() {
        LatencyStats.Millis m = new LatencyStats(3, 1_234_567, 2_000_000.4, 1_500_499, 2_000_500, 3_000_000, 3_000_000)
                .toMillis();

        assertThat(m.min()).isEqualTo(1.235);
        assertThat(m.mean()).isEqualTo(2.0);
        assertThat(m.p50()).isEqualTo(1.5);
        assertThat(m.p99()).isEqualTo(2.001);
        assertThat(m.max()).isEqualTo(3.0);
    }
}

package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoopbackFloorTest {

    @Test
    void everyRoundIsMeasuredOnBothCountsAndReadsBackFromJson() throws Exception {
        LoopbackFloor.Floor floor = LoopbackFloor.measure(20, Duration.ofMillis(2));

        assertThat(floor.samples()).isEqualTo(20);
        assertThat(floor.intervalMillis()).isEqualTo(2);
        for (LatencyStats.Millis m : new LatencyStats.Millis[] {floor.timerLateMillis(), floor.tcpRoundTripMillis()}) {
            assertThat(m.count()).isEqualTo(20);
            assertThat(m.min()).isGreaterThanOrEqualTo(0);
            assertThat(m.p50()).isLessThanOrEqualTo(m.p99());
            assertThat(m.p99()).isLessThanOrEqualTo(m.max());
        }
        // A round trip sends and receives bytes: it cannot take no time at all.
        assertThat(floor.tcpRoundTripMillis().min()).isPositive();
        assertThat(LoopbackFloor.Floor.fromJson(floor.toJson())).isEqualTo(floor);
        assertThat(floor.toText()).contains("timer late ms", "TCP echo ms", "(n=20)");
    }

    @Test
    void aProbeOfNoRoundsIsRefused() {
        assertThatThrownBy(() -> LoopbackFloor.measure(0, Duration.ofMillis(50)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("samples must be at least 1");
        assertThatThrownBy(() -> LoopbackFloor.measure(5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval must be positive");
    }

    @Test
    void textThatIsNotAFloorResultIsRefused() {
        assertThatThrownBy(() -> LoopbackFloor.Floor.fromJson("{\"samples\": 1}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a loopback floor result");
    }
}

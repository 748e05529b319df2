package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.examples.load.BenchMessage.Phase;
import org.junit.jupiter.api.Test;

class BenchMessageTest {

    @Test
    void textParsesBackToTheSameMessage() {
        BenchMessage m = new BenchMessage("3f9a1c", Phase.MEASURED, 2, 17, 81_234_567_890_123L);

        assertThat(m.text(0)).isEqualTo("mux-load:3f9a1c:m:2:17:81234567890123:");
        assertThat(BenchMessage.parse(m.text(0))).contains(m);
    }

    @Test
    void paddingReachesTheMinimumLengthAndStillParses() {
        BenchMessage m = new BenchMessage("ab", Phase.WARMUP, 0, 0, -5);

        String text = m.text(200);

        assertThat(text).hasSize(200).endsWith("xxxx");
        assertThat(BenchMessage.parse(text)).contains(m);
    }

    @Test
    void negativeTimestampsSurviveBecauseNanoTimeMayBeNegative() {
        BenchMessage m = new BenchMessage("1", Phase.MEASURED, 0, 1, Long.MIN_VALUE);

        assertThat(BenchMessage.parse(m.text(0))).contains(m);
    }

    @Test
    void otherChatTextIsNotABenchmarkMessage() {
        assertThat(BenchMessage.parse("hello")).isEmpty();
        assertThat(BenchMessage.parse("")).isEmpty();
        assertThat(BenchMessage.parse(null)).isEmpty();
        assertThat(BenchMessage.parse("mux-load:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:ab:m:0:1:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:ab:q:0:1:2:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:AB:m:0:1:2:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:ab:m:x:1:2:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:ab:m:0:-1:2:")).isEmpty();
        assertThat(BenchMessage.parse("mux-load:ab:m:0:1:99999999999999999999:")).isEmpty();
    }

    @Test
    void invalidFieldsAreRefusedWithTheirValues() {
        assertThatThrownBy(() -> new BenchMessage("XYZ", Phase.MEASURED, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XYZ");
        assertThatThrownBy(() -> new BenchMessage("ab", Phase.MEASURED, -1, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sender must be >= 0: -1");
        assertThatThrownBy(() -> new BenchMessage("ab", Phase.MEASURED, 0, -2, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("seq must be >= 0: -2");
    }
}

package dev.mux.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerOptionsTest {

    @Test
    void defaultsAreOneReceiverAndThirtySecondsToStop() {
        WorkerOptions d = WorkerOptions.defaults();
        assertThat(d.concurrency()).isEqualTo(WorkerOptions.DEFAULT_CONCURRENCY).isEqualTo(1);
        assertThat(d.stopTimeout()).isEqualTo(WorkerOptions.DEFAULT_STOP_TIMEOUT).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.maxRetryBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(WorkerOptions.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
    }

    @Test
    void toBuilderRoundTripsEveryOption() {
        WorkerOptions o = WorkerOptions.builder().concurrency(8).stopTimeout(Duration.ofSeconds(3))
                .retryBackoff(Duration.ofMillis(5)).maxRetryBackoff(Duration.ofSeconds(1)).build();
        assertThat(o.toBuilder().build()).isEqualTo(o);
        assertThat(o).isNotEqualTo(WorkerOptions.defaults());
        assertThat(o.toString()).contains("concurrency=8", "stopTimeout=PT3S");
    }

    @Test
    void invalidValuesAreRejectedNamingTheOptionAndValue() {
        assertThatThrownBy(() -> WorkerOptions.builder().concurrency(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency must be between 1 and 1024, was 0");
        assertThatThrownBy(() -> WorkerOptions.builder().concurrency(1025))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 1025");
        assertThatThrownBy(() -> WorkerOptions.builder().stopTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stopTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> WorkerOptions.builder().retryBackoff(null))
                .isInstanceOf(NullPointerException.class).hasMessage("retryBackoff must not be null");
        assertThatThrownBy(() -> WorkerOptions.builder().retryBackoff(Duration.ofSeconds(5))
                .maxRetryBackoff(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxRetryBackoff (PT1S) must not be shorter than retryBackoff (PT5S)");
    }
}

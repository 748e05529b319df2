package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectionLimitsTest {

    @Test
    void defaultsAreTheDocumentedConstants() {
        ConnectionLimits d = ConnectionLimits.defaults();
        assertThat(d.maxFrameBytes()).isEqualTo(1024 * 1024);
        assertThat(d.maxQueuedMessages()).isEqualTo(ConnectionLimits.DEFAULT_MAX_QUEUED_MESSAGES);
        assertThat(d.maxQueuedBytes()).isEqualTo(ConnectionLimits.DEFAULT_MAX_QUEUED_BYTES);
        assertThat(d.maxPendingFrames()).isEqualTo(ConnectionLimits.DEFAULT_MAX_PENDING_FRAMES);
        assertThat(d.handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.toBuilder().build()).isEqualTo(d).hasSameHashCodeAs(d);
    }

    @Test
    void invalidValuesAreRejectedNamingTheSettingAndTheValue() {
        assertThatThrownBy(() -> ConnectionLimits.builder().maxFrameBytes(0)).hasMessage("maxFrameBytes must be >= 1, was 0");
        assertThatThrownBy(() -> ConnectionLimits.builder().maxQueuedBytes(-5)).hasMessageContaining("was -5");
        assertThatThrownBy(() -> ConnectionLimits.builder().handshakeTimeout(Duration.ZERO))
                .hasMessageContaining("positive");
    }

    @Test
    void rateLimitAndAddressCapAreOffByDefaultAndTheBurstDefaultsToTheRate() {
        ConnectionLimits d = ConnectionLimits.defaults();
        assertThat(d.maxInboundFramesPerSecond()).isZero();
        assertThat(d.inboundFrameBurst()).isZero();
        assertThat(d.maxConnectionsPerAddress()).isZero();
        ConnectionLimits rate = ConnectionLimits.builder().maxInboundFramesPerSecond(50).build();
        assertThat(rate.inboundFrameBurst()).isEqualTo(50);
        ConnectionLimits burst = ConnectionLimits.builder().maxInboundFramesPerSecond(50, 200)
                .maxConnectionsPerAddress(3).build();
        assertThat(burst.inboundFrameBurst()).isEqualTo(200);
        assertThat(burst.maxConnectionsPerAddress()).isEqualTo(3);
        assertThat(burst.toBuilder().build()).isEqualTo(burst).isNotEqualTo(rate).hasSameHashCodeAs(burst);
        assertThat(burst.toString()).contains("maxInboundFramesPerSecond=50", "maxConnectionsPerAddress=3");
    }

    @Test
    void negativeRatesBurstsAndCapsAreRejectedNamingTheSetting() {
        assertThatThrownBy(() -> ConnectionLimits.builder().maxInboundFramesPerSecond(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInboundFramesPerSecond")
                .hasMessageContaining("was -1");
        assertThatThrownBy(() -> ConnectionLimits.builder().maxInboundFramesPerSecond(10, -2))
                .hasMessageContaining("inboundFrameBurst").hasMessageContaining("was -2");
        assertThatThrownBy(() -> ConnectionLimits.builder().maxConnectionsPerAddress(-3))
                .hasMessageContaining("maxConnectionsPerAddress").hasMessageContaining("was -3");
    }

    @Test
    void connectResultsAreValidated() {
        assertThat(ConnectResult.accepted("v1").status()).isEqualTo(101);
        assertThatThrownBy(() -> ConnectResult.refused(200, "x")).hasMessageContaining("4xx or 5xx");
        assertThat(CloseCodes.isSendable(1000)).isTrue();
        assertThat(CloseCodes.isSendable(1006)).isFalse();
        assertThat(CloseCodes.isSendable(4999)).isTrue();
        assertThat(CloseCodes.isSendable(5000)).isFalse();
    }
}

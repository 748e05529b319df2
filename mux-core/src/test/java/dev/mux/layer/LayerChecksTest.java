package dev.mux.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayerChecksTest {

    private static final Message M = Message.of("type", "x");

    @Test
    void validArgumentsPass() {
        assertThatCode(() -> {
            LayerChecks.requireSend("specific.abc!def", M);
            LayerChecks.requireGroupMember("room-1", "specific.abc!def");
            LayerChecks.requireGroupSend("room-1", M);
        }).doesNotThrowAnyException();
    }

    @Test
    void nullArgumentsAreRejectedNamingTheArgument() {
        assertThatThrownBy(() -> LayerChecks.requireSend(null, M)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> LayerChecks.requireSend("c", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertThatThrownBy(() -> LayerChecks.requireGroupMember(null, "c")).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> LayerChecks.requireGroupMember("g", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> LayerChecks.requireGroupSend(null, M)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> LayerChecks.requireGroupSend("g", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
    }

    @Test
    void invalidNamesAreRejectedQuotingTheValue() {
        assertThatThrownBy(() -> LayerChecks.requireSend("has space", M))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'has space'");
        assertThatThrownBy(() -> LayerChecks.requireGroupMember("g!x", "c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'g!x'");
        assertThatThrownBy(() -> LayerChecks.requireGroupMember("g", "a!b!c"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a!b!c'");
        assertThatThrownBy(() -> LayerChecks.requireGroupSend("semi;colon", M))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'semi;colon'");
    }

    @Test
    void theNameIsCheckedBeforeTheMessage() {
        assertThatThrownBy(() -> LayerChecks.requireSend("bad name", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LayerChecks.requireGroupSend("bad name", null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theClosedExceptionNamesTheLayerAndTheOperation() {
        assertThat(LayerChecks.closed("SomeLayer#3", "groupAdd"))
                .isInstanceOf(LayerClosedException.class)
                .hasMessage("SomeLayer#3 is closed; groupAdd refused");
    }
}

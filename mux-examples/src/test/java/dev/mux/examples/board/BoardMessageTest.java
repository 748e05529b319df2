package dev.mux.examples.board;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BoardMessageTest {

    @Test
    void aMessageNotYetStoredHasNoIdAndNoCreationTime() {
        BoardMessage message = new BoardMessage(null, "lobby", "Hello", null);

        assertThat(message.id()).isNull();
        assertThat(message.created()).isNull();
    }

    @Test
    void roomNamesAreLettersDigitsUnderscoresAndDashesUpTo64() {
        assertThat(BoardMessage.checkRoom("room_1-a")).isEqualTo("room_1-a");
        assertThat(BoardMessage.checkRoom("r".repeat(64))).hasSize(64);
        assertThatThrownBy(() -> BoardMessage.checkRoom("r".repeat(65))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoardMessage.checkRoom("a b")).hasMessage(
                "room must be 1 to 64 letters, digits, '_' or '-', was 'a b'");
        assertThatThrownBy(() -> BoardMessage.checkRoom("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoardMessage.checkRoom("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BoardMessage.checkRoom(null)).hasMessage("room is required");
    }

    @Test
    void textsMustHaveSomethingAndAtMost1000Characters() {
        assertThat(BoardMessage.checkText("x".repeat(1000))).hasSize(1000);
        assertThatThrownBy(() -> BoardMessage.checkText("x".repeat(1001)))
                .hasMessage("message must be at most 1000 characters, was 1001");
        assertThatThrownBy(() -> BoardMessage.checkText("  \n")).hasMessage("message must not be blank");
        assertThatThrownBy(() -> BoardMessage.checkText(null)).hasMessage("message is required");
    }

    @Test
    void theConstructorRefusesInvalidFieldsWithMessagesForPeople() {
        Instant now = Instant.now();
        assertThatThrownBy(() -> new BoardMessage(0L, "lobby", "x", now)).hasMessage("id must be positive, was 0");
        assertThatThrownBy(() -> new BoardMessage(1L, "no room", "x", now)).hasMessageStartingWith("room must be");
        assertThatThrownBy(() -> new BoardMessage(1L, "lobby", "", now)).hasMessage("message must not be blank");
    }
}

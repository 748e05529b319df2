package dev.mux.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageTest {

    @Test
    void smallIntegersBecomeLongsAndFloatsBecomeDoubles() {
        Message m = Message.of("i", 1, "s", (short) 2, "f", 1.5f);
        assertThat(m.get("i")).isEqualTo(1L);
        assertThat(m.get("s")).isEqualTo(2L);
        assertThat(m.get("f")).isEqualTo(1.5d);
    }

    @Test
    void bytesAreCopiedAndKeptDistinctFromText() {
        byte[] raw = {1, 2, 3};
        Message m = Message.of("b", raw, "t", "abc");
        raw[0] = 9;
        assertThat(m.getBytes("b").toByteArray()).containsExactly(1, 2, 3);
        assertThat(m.get("t")).isInstanceOf(String.class);
    }

    @Test
    void unsupportedValuesAreRejectedNamingTheKeyAndTheClass() {
        assertThatThrownBy(() -> Message.of("when", Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'when'")
                .hasMessageContaining("java.time.Instant");
        assertThatThrownBy(() -> Message.of("data", Map.of("items", List.of(1, new Object()))))
                .hasMessageContaining("'data.items[1]'");
    }

    @Test
    void nestedCollectionsAreUnmodifiable() {
        Message m = Message.of("list", List.of(1, 2), "map", Map.of("a", 1));
        assertThatThrownBy(() -> m.getList("list").add(3L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> m.getMap("map").put("b", 2L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void jsonRoundTripKeepsEveryJsonType() throws Exception {
        String json = "{\"type\":\"chat.message\",\"n\":9223372036854775807,\"x\":1.25,\"ok\":true,"
                + "\"none\":null,\"list\":[1,\"two\",{\"three\":3}],\"text\":\"héllo ✓\"}";
        Message m = Message.fromJson(json);
        assertThat(m.type()).isEqualTo("chat.message");
        assertThat(m.getLong("n")).isEqualTo(Long.MAX_VALUE);
        assertThat(new ObjectMapper().readTree(m.toJsonString())).isEqualTo(new ObjectMapper().readTree(json));
    }

    @Test
    void integersBeyondInt64AreRejected() {
        assertThatThrownBy(() -> Message.fromJson("{\"n\":92233720368547758070}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("int64");
    }

    @Test
    void recordsConvertBothWays() {
        record Chat(String room, long count) {
        }
        Message m = Message.fromObject(new Chat("lobby", 3));
        assertThat(m.getString("room")).isEqualTo("lobby");
        assertThat(m.toObject(Chat.class)).isEqualTo(new Chat("lobby", 3));
    }

    @Test
    void withAndWithoutReturnChangedCopies() {
        Message m = Message.of("type", "a");
        assertThat(m.with("x", 1).get("x")).isEqualTo(1L);
        assertThat(m.get("x")).isNull();
        assertThat(m.with("x", 1).without("x")).isEqualTo(m);
    }

    @Test
    void valuesNestedDeeperThanTheLimitOrContainingThemselvesAreRefusedNotOverflowingTheStack() {
        Object deep = "leaf";
        for (int i = 0; i < Message.MAX_DEPTH + 1; i++) {
            deep = java.util.List.of(deep);
        }
        Object tooDeep = deep;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Message.of("type", "x", "deep", tooDeep))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper than");
        java.util.List<Object> loop = new java.util.ArrayList<>();
        loop.add(loop);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Message.of("type", "x", "loop", loop))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains itself");
        Object ok = "leaf";
        for (int i = 0; i < Message.MAX_DEPTH - 1; i++) {
            ok = java.util.List.of(ok);
        }
        org.assertj.core.api.Assertions.assertThat(Message.of("type", "x", "ok", ok).get("ok")).isNotNull();
    }
}

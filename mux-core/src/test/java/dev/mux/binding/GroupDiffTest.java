package dev.mux.binding;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class GroupDiffTest {

    @Test
    void aCreatedInstanceJoinsAllItsGroups() {
        GroupDiff d = GroupDiff.of(Set.of(), Set.of("b", "a"));

        assertThat(d.left()).isEmpty();
        assertThat(d.stayed()).isEmpty();
        assertThat(d.joined()).containsExactly("a", "b");
    }

    @Test
    void aDeletedInstanceLeavesAllItsGroups() {
        GroupDiff d = GroupDiff.of(Set.of("a", "b"), Set.of());

        assertThat(d.left()).containsExactly("a", "b");
        assertThat(d.stayed()).isEmpty();
        assertThat(d.joined()).isEmpty();
    }

    @Test
    void aMovedInstanceLeavesStaysAndJoins() {
        GroupDiff d = GroupDiff.of(Set.of("room-a", "all"), Set.of("room-b", "all"));

        assertThat(d.left()).containsExactly("room-a");
        assertThat(d.stayed()).containsExactly("all");
        assertThat(d.joined()).containsExactly("room-b");
    }

    @Test
    void noGroupsBeforeOrAfterMeansNothingToSend() {
        assertThat(GroupDiff.of(Set.of(), Set.of()).isEmpty()).isTrue();
        assertThat(GroupDiff.of(Set.of("a"), Set.of("a")).isEmpty()).isFalse();
    }
}

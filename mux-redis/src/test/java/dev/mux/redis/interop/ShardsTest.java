package dev.mux.redis.interop;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The tests' copy of the consistent hash agrees with channels_redis 4.0.0's own results. */
class ShardsTest {

    @Test
    void shardsMatchChannelsRedisConsistentHash() {
        // Expected values printed by channels_redis.utils._consistent_hash(name, ring).
        assertThat(new int[] {Shards.of("chat_lobby", 2), Shards.of("chat_lobby", 3), Shards.of("chat_lobby", 5)})
                .containsExactly(1, 1, 2);
        String process = "specific.0123456789abcdef0123456789abcdef!";
        assertThat(new int[] {Shards.of(process, 2), Shards.of(process, 3), Shards.of(process, 5)})
                .containsExactly(0, 1, 1);
        assertThat(new int[] {Shards.of("group-ü", 2), Shards.of("group-ü", 3), Shards.of("group-ü", 5)})
                .containsExactly(1, 2, 3);
        assertThat(new int[] {Shards.of("a", 2), Shards.of("a", 3), Shards.of("a", 5)})
                .containsExactly(1, 2, 4);
        assertThat(Shards.of("anything", 1)).isZero();
    }

    @Test
    void nonLocalKeepsEverythingUpToTheBang() {
        assertThat(Shards.nonLocal("specific.abc!def")).isEqualTo("specific.abc!");
        assertThat(Shards.nonLocal("worker")).isEqualTo("worker");
    }
}

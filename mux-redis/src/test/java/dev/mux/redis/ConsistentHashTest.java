package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsistentHashTest {

    @Test
    void matchesChannelsRedisForKnownNames() {
        // Values from channels_redis.utils._consistent_hash (Debian python3-channels-redis 4.0.0).
        assertThat(ConsistentHash.index("chat_lobby", 2)).isEqualTo(1);
        assertThat(ConsistentHash.index("specific.abc!", 2)).isEqualTo(1);
        assertThat(ConsistentHash.index("specific.abc!", 3)).isEqualTo(2);
        assertThat(ConsistentHash.index("group-ü", 3)).isEqualTo(2);
        assertThat(ConsistentHash.index("x", 7)).isEqualTo(2);
    }

    @Test
    void oneShardIsAlwaysIndexZero() {
        assertThat(ConsistentHash.index("anything", 1)).isZero();
    }
}

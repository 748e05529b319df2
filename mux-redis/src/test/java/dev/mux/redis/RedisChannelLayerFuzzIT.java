package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerFuzz;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fuzzes the Redis layer's arguments and message values through msgpack and a real Redis. */
class RedisChannelLayerFuzzIT extends ChannelLayerFuzz {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        redis.flushAll();
        return RedisChannelLayer.create(RedisLayerOptions.builder().host(redis.uri()).layerOptions(options).build());
    }

    @Test
    void aStringWithALoneSurrogateIsRefusedAtOnceNamingWhereItIsBecauseUtf8CannotCarryIt() {
        try (RedisChannelLayer layer = RedisChannelLayer.create(RedisLayerOptions.builder().host(redis.uri()).build())) {
            Message bad = Message.of("type", "x", "nested", Map.of("list", List.of("ok", "bad\ud800")));
            assertThatThrownBy(() -> layer.send("c", bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("nested.list[1]").hasMessageContaining("lone surrogate");
            assertThatThrownBy(() -> layer.groupSend("g", Message.of("type", "\udc00")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'type'");
            Message paired = Message.of("type", "x", "emoji", "\ud83d\ude00");
            layer.send("c", paired).toCompletableFuture().join();
            assertThat(layer.receive("c").toCompletableFuture().join()).isEqualTo(paired);
        }
    }
}

package dev.mux.redis;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.LayerOptions;
import dev.mux.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs the channel layer contract, unchanged, against a Redis layer sharded over two real Redis servers. */
class ShardedRedisChannelLayerIT extends ChannelLayerContract {

    private static RedisServer first;
    private static RedisServer second;

    @BeforeAll
    static void startRedis() {
        first = RedisServer.start();
        second = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        first.close();
        second.close();
    }

    @Override
    protected ChannelLayer createLayer(LayerOptions options) {
        return RedisChannelLayer.create(RedisLayerOptions.builder()
                .host(first.uri())
                .host(second.uri())
                .layerOptions(options)
                .build());
    }
}

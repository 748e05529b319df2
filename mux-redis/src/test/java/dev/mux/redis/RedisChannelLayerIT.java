package dev.mux.redis;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.LayerOptions;
import dev.mux.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Runs the channel layer contract, unchanged, against a Redis layer on one real Redis. */
class RedisChannelLayerIT extends ChannelLayerContract {

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
        return RedisChannelLayer.create(RedisLayerOptions.builder()
                .host(redis.uri())
                .layerOptions(options)
                .build());
    }
}

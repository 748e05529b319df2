package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisSentinel;
import dev.mux.redis.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A layer that finds its master through a real Redis Sentinel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisSentinelIT {

    /** Loads the client's classes once, so that the timed operations measure Redis, not the JVM. */
    @BeforeAll
    static void warmUpTheJvm() throws Exception {
        try (RedisServer redis = RedisServer.start();
                RedisChannelLayer layer = RedisChannelLayer.builder().host(redis.uri())
                        .commandTimeout(Duration.ofSeconds(30)).build()) {
            String channel = layer.newChannel();
            layer.send(channel, Message.of("type", "warm")).toCompletableFuture().get(30, TimeUnit.SECONDS);
            layer.receive(channel).toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLayerFindsItsMasterThroughSentinelAndWorksOnIt() throws Exception {
        try (RedisServer master = RedisServer.start();
                RedisSentinel sentinel = RedisSentinel.start(master, "mymaster");
                RedisChannelLayer layer = RedisChannelLayer.builder()
                        .sentinel("mymaster", List.of(sentinel.uri()))
                        .build()) {
            assertThat(layer.redisOptions().endpoints().get(0))
                    .hasToString("redis-sentinel://127.0.0.1:" + sentinel.port() + "#mymaster");
            String channel = layer.newChannel();
            layer.groupAdd("watchers", channel).toCompletableFuture().get(20, TimeUnit.SECONDS);

            GroupSendResult result = layer.groupSend("watchers", Message.of("type", "seen"))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);

            assertThat(result).isEqualTo(new GroupSendResult(1, 0));
            assertThat(layer.receive(channel).toCompletableFuture().get(20, TimeUnit.SECONDS).type()).isEqualTo("seen");
            assertThat(master.command("ZRANGE", "asgi:group:watchers", "0", "-1"))
                    .as("the data lives on the master the Sentinel named").isEqualTo(List.of(channel));
        }
    }
}

package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelLayerContract;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the channel layer contract, unchanged, against a Redis without {@code BZMPOP}, as Redis
 * before 7.0 is: the receive loop must notice the refusal and pop one message per round trip.
 */
class RedisWithoutMultiPopContractIT extends ChannelLayerContract {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() {
        redis = RedisServer.builder().withoutCommands("BZMPOP").start();
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

    @Test
    void theServerReallyRefusesBzmpopAndProcessChannelsStillReceiveEveryMessage() throws Exception {
        assertThat(String.valueOf(commandError("BZMPOP", "1", "1", "k", "MIN"))).contains("unknown command");
        try (ChannelLayer layer = createLayer(LayerOptions.defaults())) {
            String a = layer.newChannel();
            String b = layer.newChannel();
            layer.groupAdd("g", a).toCompletableFuture().get(10, TimeUnit.SECONDS);
            layer.groupAdd("g", b).toCompletableFuture().get(10, TimeUnit.SECONDS);
            for (int i = 0; i < 50; i++) {
                layer.groupSend("g", Message.of("type", "t", "n", (long) i)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
            for (String channel : new String[] {a, b}) {
                for (int i = 0; i < 50; i++) {
                    Message m = layer.receive(channel).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    assertThat(m.get("n")).as("message %d on %s", i, channel).isEqualTo((long) i);
                }
            }
        }
    }

    private static Object commandError(String... args) {
        try {
            return redis.command(args);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
    }
}

package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.CapacityRule;
import dev.mux.layer.LayerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedisLayerOptionsTest {

    @Test
    void defaultsAreChannelsRedisDefaults() {
        RedisLayerOptions defaults = RedisLayerOptions.defaults();
        assertThat(defaults.endpoints()).containsExactly(RedisEndpoint.host("redis://localhost:6379"));
        assertThat(defaults.prefix()).isEqualTo("asgi");
        assertThat(defaults.layerOptions()).isEqualTo(LayerOptions.defaults());
        assertThat(defaults.symmetricEncryptionKeys()).isEmpty();
        assertThat(defaults.commandTimeout()).isEqualTo(RedisLayerOptions.DEFAULT_COMMAND_TIMEOUT);
        assertThat(defaults.maxReconnectDelay()).isEqualTo(RedisLayerOptions.DEFAULT_MAX_RECONNECT_DELAY);
    }

    @Test
    void theLayerBuilderProducesTheOptionsItWasGiven() {
        RedisLayerOptions options = RedisChannelLayer.builder()
                .host("redis://127.0.0.1:6379")
                .host("rediss://:pw@10.0.0.2:6380/3")
                .prefix("myapp")
                .capacity(7)
                .channelCapacity(CapacityRule.glob("x*", 5))
                .expiry(Duration.ofSeconds(30))
                .groupExpiry(Duration.ofSeconds(300))
                .symmetricEncryptionKeys(List.of("new", "old"))
                .commandTimeout(Duration.ofSeconds(2))
                .options();

        assertThat(options.endpoints()).extracting(RedisEndpoint::uri)
                .containsExactly("redis://127.0.0.1:6379", "rediss://:pw@10.0.0.2:6380/3");
        assertThat(options.prefix()).isEqualTo("myapp");
        assertThat(options.layerOptions().capacityFor("xyz")).isEqualTo(5);
        assertThat(options.layerOptions().capacityFor("abc")).isEqualTo(7);
        assertThat(options.layerOptions().expiry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.layerOptions().groupExpiry()).isEqualTo(Duration.ofSeconds(300));
        assertThat(options.symmetricEncryptionKeys()).containsExactly("new", "old");
        assertThat(options.commandTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.toBuilder().build()).isEqualTo(options);
    }

    @Test
    void layerOptionsReplaceTheFourSettingsAndLaterCallsAdjustThem() {
        LayerOptions layer = LayerOptions.builder().capacity(3).expiry(Duration.ofSeconds(9)).build();
        RedisLayerOptions options = RedisLayerOptions.builder().capacity(50).layerOptions(layer).capacity(4).build();
        assertThat(options.layerOptions().capacity()).isEqualTo(4);
        assertThat(options.layerOptions().expiry()).isEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void toStringShowsNeitherPasswordsNorKeys() {
        RedisLayerOptions options = RedisLayerOptions.builder()
                .host("redis://:hunter2@10.0.0.5:6379/1")
                .sentinel("mymaster", List.of("redis-sentinel://:sentinel-pw@10.0.0.7"))
                .symmetricEncryptionKeys(List.of("top-secret"))
                .build();
        assertThat(options.toString()).doesNotContain("hunter2", "sentinel-pw", "top-secret")
                .contains("redis://10.0.0.5:6379/1", "redis-sentinel://10.0.0.7:26379#mymaster", "encryptionKeys=1");
    }

    @Test
    void invalidHostsAreRejectedNamingTheProblemWithoutThePassword() {
        RedisLayerOptions.Builder b = RedisLayerOptions.builder();
        assertThatThrownBy(() -> b.host(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("uri");
        assertThatThrownBy(() -> b.host("http://:pw@localhost:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schemes").hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> b.host("localhost:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schemes");
        assertThatThrownBy(() -> b.host("redis://")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("host");
        assertThatThrownBy(() -> b.host("redis://host:99999")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> b.host("redis://host:6379/abc")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(() -> b.host("redis://ho st")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed");
        assertThat(b.build().endpoints()).as("nothing invalid was added").containsExactly(
                RedisEndpoint.host(RedisLayerOptions.DEFAULT_HOST));
    }

    @Test
    void invalidSentinelsAreRejected() {
        RedisLayerOptions.Builder b = RedisLayerOptions.builder();
        assertThatThrownBy(() -> b.sentinel(" ", List.of("redis-sentinel://h"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("masterName");
        assertThatThrownBy(() -> b.sentinel("m", List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> b.sentinel("m", List.of("redis://h:26379"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis-sentinel");
        assertThatThrownBy(() -> b.sentinel(null, List.of())).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("masterName");
    }

    @Test
    void invalidPrefixesKeysAndDurationsAreRejectedNamingTheValue() {
        RedisLayerOptions.Builder b = RedisLayerOptions.builder();
        assertThatThrownBy(() -> b.prefix("")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("''");
        assertThatThrownBy(() -> b.prefix("a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
        assertThatThrownBy(() -> b.symmetricEncryptionKeys(List.of("ok", ""))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key 1");
        assertThatThrownBy(() -> b.commandTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("commandTimeout").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> b.maxReconnectDelay(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxReconnectDelay");
        assertThatThrownBy(() -> b.capacity(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> b.expiry(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("expiry");
        assertThat(b.build()).as("nothing invalid was kept").isEqualTo(RedisLayerOptions.defaults());
    }

    @Test
    void aLayerIsBuiltWithoutConnectingAndClosesCleanly() {
        // Port 1 on loopback refuses connections; building must not try.
        RedisChannelLayer layer = RedisChannelLayer.builder().host("redis://127.0.0.1:1").build();
        assertThat(layer.newChannel("x")).startsWith("x." + layer.clientPrefix() + "!");
        assertThat(layer.clientPrefix()).matches("[0-9a-f]{32}");
        layer.close();
        layer.close();
    }
}

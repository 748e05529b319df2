package dev.mux.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ChannelNameRouterTest {

    static final class Noop extends WorkerConsumer {
    }

    @Test
    void routesKeepTheirOrderAndOptionalConcurrency() {
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("thumbnails-generate", Noop::new)
                .route("emails", 4, Noop::new)
                .build();
        assertThat(router.channels()).containsExactly("thumbnails-generate", "emails");
        assertThat(router.require("emails").concurrency()).isEqualTo(OptionalInt.of(4));
        assertThat(router.require("thumbnails-generate").concurrency()).isEmpty();
        assertThat(router.route("nope")).isEmpty();
        assertThat(router.routes()).extracting(ChannelNameRouter.Route::channel)
                .containsExactly("thumbnails-generate", "emails");
        assertThat(router).hasToString("ChannelNameRouter[thumbnails-generate, emails]");
    }

    @Test
    void ofTakesAMapLikeChannelsDoes() {
        Map<String, Supplier<Noop>> map = new LinkedHashMap<>();
        map.put("b", Noop::new);
        map.put("a", Noop::new);
        assertThat(ChannelNameRouter.of(map).channels()).containsExactly("b", "a");
    }

    @Test
    void processLocalInvalidAndDuplicateChannelsAreRejected() {
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("specific.abc!def", Noop::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'specific.abc!def' is process-local");
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("has space", Noop::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid channel name 'has space'");
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("x".repeat(100), Noop::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shorter than 100");
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("a", Noop::new).route("a", Noop::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("channel 'a' is already routed");
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("a", 0, Noop::new))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("concurrency of channel 'a' must be between 1 and 1024, was 0");
        assertThatThrownBy(() -> ChannelNameRouter.builder().route("a", null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("factory must not be null");
        assertThatThrownBy(() -> ChannelNameRouter.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one route");
    }

    @Test
    void requireNamesTheRoutedChannelsWhenOneIsMissing() {
        ChannelNameRouter router = ChannelNameRouter.builder().route("a", Noop::new).build();
        assertThatThrownBy(() -> router.require("b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no route for channel 'b'; routed channels are [a]");
    }

    @Test
    void aWorkerScopeIsChannelsWorkerScope() {
        WorkerScope scope = new WorkerScope("w", "thumbnails-generate", 2);
        assertThat(scope.type()).isEqualTo("channel");
        assertThatThrownBy(() -> new WorkerScope("w", "a!b", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WorkerScope("w", "a", -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("receiver must be >= 0, was -1");
    }
}

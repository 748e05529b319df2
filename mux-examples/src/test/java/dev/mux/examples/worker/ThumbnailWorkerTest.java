package dev.mux.examples.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.Message;
import dev.mux.worker.ChannelNameRouter;
import dev.mux.worker.Worker;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThumbnailWorkerTest {

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();
    private final ThumbnailStore store = new ThumbnailStore();
    private Worker worker;
    private String listener;

    @BeforeEach
    void startWorker() {
        listener = layer.newChannel();
        layer.groupAdd(ThumbnailWorker.DEFAULT_GROUP, listener).toCompletableFuture().join();
        worker = Worker.builder(layer, ChannelNameRouter.builder()
                        .route(ThumbnailWorker.CHANNEL, () -> new ThumbnailWorker(store))
                        .build())
                .build()
                .start();
    }

    @AfterEach
    void stop() throws Exception {
        worker.stop(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        layer.close();
    }

    private Message next() throws Exception {
        return layer.receive(listener).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aGenerateRequestStoresTheThumbnailAndTellsTheGroup() throws Exception {
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate", "id", 42)).toCompletableFuture().join();

        assertThat(next()).isEqualTo(Message.of("type", "thumbnail.done", "id", 42, "size", 128,
                "url", "/thumbnails/42-128.png"));
        Thumbnail stored = store.get(42).orElseThrow();
        assertThat(stored.size()).isEqualTo(128);
        assertThat(stored.byteLen()).isGreaterThan(50); // a real PNG was encoded
    }

    @Test
    void theRequestedSizeIsHonoured() throws Exception {
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate", "id", 7, "size", 32))
                .toCompletableFuture().join();
        assertThat(next().getString("url")).isEqualTo("/thumbnails/7-32.png");
        assertThat(store.get(7).orElseThrow().size()).isEqualTo(32);
    }

    @Test
    void badRequestsAreAnsweredWithTheReasonAndTheWorkerGoesOn() throws Exception {
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate", "id", "forty-two")).toCompletableFuture().join();
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate")).toCompletableFuture().join();
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate", "id", 5, "size", 4096)).toCompletableFuture().join();
        layer.send(ThumbnailWorker.CHANNEL, Message.of("type", "generate", "id", 6)).toCompletableFuture().join();

        assertThat(next()).isEqualTo(Message.of("type", "thumbnail.failed", "id", "forty-two",
                "error", "'id' must be an integer, was String forty-two"));
        assertThat(next()).isEqualTo(Message.of("type", "thumbnail.failed", "id", null,
                "error", "'id' must be an integer, was missing"));
        assertThat(next()).isEqualTo(Message.of("type", "thumbnail.failed", "id", 5,
                "error", "'size' must be an integer from 16 to 1024, was Long 4096"));
        assertThat(next().type()).isEqualTo("thumbnail.done");
        assertThat(store.size()).isEqualTo(1);
        assertThat(worker.stats().failed()).isZero();
    }

    @Test
    void anInvalidGroupNameIsRejectedAtConstruction() {
        assertThatThrownBy(() -> new ThumbnailWorker(store, "bad group"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad group'");
    }
}

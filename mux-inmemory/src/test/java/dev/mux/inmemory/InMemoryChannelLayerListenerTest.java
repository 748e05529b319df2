package dev.mux.inmemory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.ChannelFullException;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.observe.CountingListener;
import dev.mux.observe.DropCause;
import dev.mux.observe.LayerOperation;
import dev.mux.observe.MuxListener;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryChannelLayerListenerTest {

    private final CountingListener counts = new CountingListener();
    private InMemoryChannelLayer layer;

    @AfterEach
    void close() {
        if (layer != null) {
            layer.close();
        }
    }

    @Test
    void sendsReceivesAndGroupSendsAreReported() {
        layer = new InMemoryChannelLayer(LayerOptions.defaults(), counts);
        String me = layer.newChannel();
        CompletableFuture<Message> waiting = layer.receive(me).toCompletableFuture();
        layer.send(me, Message.of("type", "a")).toCompletableFuture().join();
        assertThat(waiting.join().type()).isEqualTo("a");
        layer.send("worker", Message.of("type", "b")).toCompletableFuture().join();
        layer.receive("worker").toCompletableFuture().join();
        layer.groupAdd("g", me).toCompletableFuture().join();
        layer.groupSend("g", Message.of("type", "c")).toCompletableFuture().join();
        assertThat(counts.layerSent()).isEqualTo(2);
        assertThat(counts.layerReceived()).isEqualTo(2);
        assertThat(counts.layerGroupSends()).isEqualTo(1);
        assertThat(counts.layerFailed()).isZero();
    }

    @Test
    void aFullChannelIsReportedAsAFailedSendAndADropAndGroupSkipsAsDrops() {
        layer = new InMemoryChannelLayer(LayerOptions.builder().capacity(1).build(), counts);
        layer.send("full", Message.of("type", "x")).toCompletableFuture().join();
        assertThatThrownBy(() -> layer.send("full", Message.of("type", "x")).toCompletableFuture().join())
                .isInstanceOf(CompletionException.class).hasCauseInstanceOf(ChannelFullException.class);
        assertThat(counts.layerFailed(LayerOperation.SEND)).isEqualTo(1);
        assertThat(counts.dropped(DropCause.CHANNEL_FULL)).isEqualTo(1);

        layer.groupAdd("g", "full").toCompletableFuture().join();
        layer.groupAdd("g", "empty").toCompletableFuture().join();
        assertThat(layer.groupSend("g", Message.of("type", "y")).toCompletableFuture().join().dropped()).isEqualTo(1);
        assertThat(counts.dropped(DropCause.CHANNEL_FULL)).isEqualTo(2);
        assertThat(counts.layerFailed(LayerOperation.GROUP_SEND)).isZero();
    }

    @Test
    void expiredMessagesAreReportedWithTheirCount() {
        layer = new InMemoryChannelLayer(LayerOptions.builder().expiry(Duration.ofMillis(50)).build(), counts);
        for (int i = 0; i < 3; i++) {
            layer.send("slow", Message.of("type", "x")).toCompletableFuture().join();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        // Either the sweeper or the next operation on the channel drops them; wait for either.
        while (counts.dropped(DropCause.EXPIRED) < 3 && System.nanoTime() < deadline) {
            layer.send("other", Message.of("type", "tick"));
            layer.receive("other");
            if (System.nanoTime() > deadline - Duration.ofSeconds(4).toNanos()) {
                layer.receive("slow").toCompletableFuture().cancel(false);
            }
            pause();
        }
        assertThat(counts.dropped(DropCause.EXPIRED)).isEqualTo(3);
    }

    @Test
    void operationsOnAClosedLayerAreReportedAsFailures() {
        layer = new InMemoryChannelLayer(LayerOptions.defaults(), counts);
        layer.close();
        assertThatThrownBy(() -> layer.send("c", Message.of("type", "x")).toCompletableFuture().join())
                .hasCauseInstanceOf(LayerClosedException.class);
        assertThatThrownBy(() -> layer.groupSend("g", Message.of("type", "x")).toCompletableFuture().join())
                .hasCauseInstanceOf(LayerClosedException.class);
        assertThat(counts.layerFailed(LayerOperation.SEND)).isEqualTo(1);
        assertThat(counts.layerFailed(LayerOperation.GROUP_SEND)).isEqualTo(1);
    }

    @Test
    void aThrowingListenerNeverBreaksTheLayer() {
        layer = new InMemoryChannelLayer(LayerOptions.defaults(), new MuxListener() {
            @Override
            public void layerSent(String layerName, String channel) {
                throw new IllegalStateException("broken listener");
            }
        });
        layer.send("c", Message.of("type", "x")).toCompletableFuture().join();
        assertThat(layer.receive("c").toCompletableFuture().join().type()).isEqualTo("x");
    }

    private static void pause() {
        try {
            Thread.sleep(10); // polling interval of a bounded wait
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

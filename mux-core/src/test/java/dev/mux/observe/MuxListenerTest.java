package dev.mux.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MuxListenerTest {

    @Test
    void theCompositeForwardsEveryEventToEachListenerInOrder() {
        List<String> heard = new ArrayList<>();
        MuxListener a = new MuxListener() {
            @Override
            public void dropped(String source, DropCause cause, int count) {
                heard.add("a:" + cause + ":" + count);
            }
        };
        MuxListener b = new MuxListener() {
            @Override
            public void dropped(String source, DropCause cause, int count) {
                heard.add("b:" + cause + ":" + count);
            }
        };
        MuxListener.composite(a, b).dropped("layer", DropCause.EXPIRED, 3);
        assertThat(heard).containsExactly("a:EXPIRED:3", "b:EXPIRED:3");
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheOthersNorTheCaller() {
        CountingListener counts = new CountingListener();
        MuxListener broken = new MuxListener() {
            @Override
            public void connectionClosed(String connectionId, int code) {
                throw new IllegalStateException("broken listener");
            }
        };
        MuxListener composite = MuxListener.composite(broken, counts);
        for (int i = 0; i < 3; i++) {
            composite.connectionClosed("ws-1", 1008);
        }
        assertThat(counts.closed(1008)).isEqualTo(3);
    }

    @Test
    void guardedShieldsTheCallerFromASingleListener() {
        MuxListener broken = new MuxListener() {
            @Override
            public void frameIn(String connectionId, boolean binary, long bytes) {
                throw new IllegalStateException("broken listener");
            }
        };
        MuxListener.guarded(broken).frameIn("ws-1", false, 10);
        assertThat(MuxListener.guarded(MuxListener.NOOP)).isSameAs(MuxListener.NOOP);
    }

    @Test
    void compositesOfNothingOrOnlyNoopAreNoop() {
        assertThat(MuxListener.composite()).isSameAs(MuxListener.NOOP);
        assertThat(MuxListener.composite(List.of(MuxListener.NOOP, MuxListener.NOOP))).isSameAs(MuxListener.NOOP);
    }

    @Test
    void nestedCompositesAreFlattenedAndStillDeliverOnce() {
        CountingListener counts = new CountingListener();
        MuxListener nested = MuxListener.composite(MuxListener.composite(counts), MuxListener.NOOP);
        nested.layerSent("layer", "chan");
        assertThat(counts.layerSent()).isEqualTo(1);
    }

    @Test
    void nullListenersAreRefusedNamingTheArgument() {
        assertThatThrownBy(() -> MuxListener.composite((List<MuxListener>) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> MuxListener.composite(new CountingListener(), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MuxListener.guarded(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("listener");
    }

    @Test
    void theCountingListenerCountsByCauseOperationCodeAndStatus() {
        CountingListener c = new CountingListener();
        c.connectionOpened("ws-1", "/p");
        c.connectionClosed("ws-1", 1000);
        c.connectionClosed("ws-2", 1013);
        c.connectionRefused("/p", 429, "cap");
        c.frameIn("ws-1", false, 5);
        c.frameOut("ws-1", true, 7);
        c.layerFailed("l", LayerOperation.GROUP_SEND, new RuntimeException());
        c.dropped("l", DropCause.CHANNEL_FULL, 4);
        c.layerDisconnected("l", "redis://127.0.0.1:1");
        c.layerReconnected("l", "redis://127.0.0.1:1");
        assertThat(c.opened()).isEqualTo(1);
        assertThat(c.closed()).isEqualTo(2);
        assertThat(c.closed(1013)).isEqualTo(1);
        assertThat(c.refused(429)).isEqualTo(1);
        assertThat(c.refused(403)).isZero();
        assertThat(c.bytesIn()).isEqualTo(5);
        assertThat(c.bytesOut()).isEqualTo(7);
        assertThat(c.layerFailed(LayerOperation.GROUP_SEND)).isEqualTo(1);
        assertThat(c.layerFailed()).isEqualTo(1);
        assertThat(c.dropped(DropCause.CHANNEL_FULL)).isEqualTo(4);
        assertThat(c.layerDisconnects()).isEqualTo(1);
        assertThat(c.layerReconnects()).isEqualTo(1);
        assertThat(c.snapshot()).containsEntry("dropped.CHANNEL_FULL", 4L).doesNotContainKey("dropped.EXPIRED");
    }
}

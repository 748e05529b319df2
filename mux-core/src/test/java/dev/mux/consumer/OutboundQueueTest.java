package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** Records sends; completes them at once or when told to. */
    static final class RecordingTransport implements Transport {
        final List<String> log = new ArrayList<>();
        final List<SendCallback> pending = new ArrayList<>();
        boolean completeAtOnce = true;

        @Override
        public void sendText(String text, SendCallback done) {
            log.add(text);
            if (completeAtOnce) {
                done.completed(null);
            } else {
                pending.add(done);
            }
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            log.add("bin" + data.remaining());
            done.completed(null);
        }

        @Override
        public void close(int code, String reason) {
            log.add("close " + code + " " + reason);
        }

        void completeOne() {
            pending.remove(0).completed(null);
        }
    }

    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    @Test
    void framesQueuedBeforeTheTransportGoOutInOrderOnceAttached() {
        OutboundQueue q = new OutboundQueue(10, 1000, failure::set);
        q.offerText("a");
        q.offerBinary(ByteBuffer.wrap(new byte[3]));
        q.close(1000, "done");
        assertThat(q.offerText("late")).isEqualTo(OutboundQueue.Offer.DROPPED);
        RecordingTransport t = new RecordingTransport();
        q.attach(t);
        assertThat(t.log).containsExactly("a", "bin3", "close 1000 done");
    }

    @Test
    void onlyOneSendIsOutstandingAndSynchronousCompletionsDoNotRecurse() {
        OutboundQueue q = new OutboundQueue(100_000, Long.MAX_VALUE, failure::set);
        RecordingTransport t = new RecordingTransport();
        q.attach(t);
        for (int i = 0; i < 50_000; i++) {
            q.offerText("m");
        }
        assertThat(t.log).hasSize(50_000);
        assertThat(q.queuedMessages()).isZero();
        assertThat(q.queuedBytes()).isZero();
    }

    @Test
    void aQueueAtItsMessageLimitOverflowsAndClosesAtOnceWith1013() {
        OutboundQueue q = new OutboundQueue(3, 1000, failure::set);
        RecordingTransport t = new RecordingTransport();
        t.completeAtOnce = false;
        q.attach(t);
        assertThat(q.offerText("1")).isEqualTo(OutboundQueue.Offer.QUEUED); // in flight
        assertThat(q.offerText("2")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(q.offerText("3")).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(q.offerText("4")).isEqualTo(OutboundQueue.Offer.OVERFLOW);
        assertThat(t.log).containsExactly("1", "close 1013 outbound queue full");
        assertThat(q.overflowDescription()).contains("3 messages");
        t.completeOne();
        assertThat(t.log).hasSize(2);
        assertThat(q.offerText("5")).isEqualTo(OutboundQueue.Offer.DROPPED);
    }

    @Test
    void aQueueOverItsByteLimitOverflowsButOneBigMessageAloneGoesOut() {
        OutboundQueue q = new OutboundQueue(100, 10, failure::set);
        RecordingTransport t = new RecordingTransport();
        t.completeAtOnce = false;
        q.attach(t);
        assertThat(q.offerText("x".repeat(50))).isEqualTo(OutboundQueue.Offer.QUEUED);
        assertThat(q.offerText("y")).isEqualTo(OutboundQueue.Offer.OVERFLOW);
    }

    @Test
    void aFailedSendAbandonsTheQueueAndReportsTheFailure() {
        OutboundQueue q = new OutboundQueue(10, 1000, failure::set);
        q.attach(new Transport() {
            @Override
            public void sendText(String text, SendCallback done) {
                done.completed(new java.io.IOException("broken pipe"));
            }

            @Override
            public void sendBinary(ByteBuffer data, SendCallback done) {
                throw new IllegalStateException("closed");
            }

            @Override
            public void close(int code, String reason) {
            }
        });
        q.offerText("a");
        assertThat(failure.get()).hasMessage("broken pipe");
        assertThat(q.offerText("b")).isEqualTo(OutboundQueue.Offer.DROPPED);
    }
}

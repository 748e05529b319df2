package dev.mux.redis.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.layer.ChannelFullException;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import dev.mux.redis.RedisChannelLayer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Mux and channels_redis on one Redis: the core cases, plus capacity, which both sides count on
 * the same sorted set.
 */
class SingleRedisInteropIT extends InteropScenarios {

    @Override
    int shards() {
        return 1;
    }

    @Test
    void javaSendFailsWithChannelFullWhenPythonFilledTheChannel() {
        String channel = "interop-full-worker";
        try (RedisChannelLayer small = javaLayer(List.of(), 3)) {
            for (long i = 0; i < 3; i++) {
                python.send(channel, Message.of("type", "worker.job", "n", i));
            }

            assertThatThrownBy(() -> join(small.send(channel, Message.of("type", "worker.job", "n", 3L))))
                    .satisfiesAnyOf(
                            e -> assertThat(e).isInstanceOf(ChannelFullException.class),
                            e -> assertThat(e).isInstanceOf(CompletionException.class)
                                    .hasCauseInstanceOf(ChannelFullException.class));

            // Nothing was lost to the failed send: the three queued messages are all there.
            for (long i = 0; i < 3; i++) {
                assertThat(receiveJava(channel).getLong("n")).isEqualTo(i);
            }
            assertNothingForJava(channel);
        }
    }

    @Test
    void pythonSendFailsWithChannelFullWhenJavaFilledTheChannel() {
        String channel = "interop-full-worker-2";
        for (long i = 0; i < 100; i++) {
            join(mux.send(channel, Message.of("type", "worker.job", "n", i)));
        }

        assertThatThrownBy(() -> python.send(channel, Message.of("type", "worker.job", "n", 100L)))
                .isInstanceOfSatisfying(PeerException.class, e -> assertThat(e.error()).isEqualTo("ChannelFull"));
        for (long i = 0; i < 100; i++) {
            assertThat(receiveJava(channel).getLong("n")).isEqualTo(i);
        }
    }

    @Test
    void javaGroupSendCountsAFullPythonMemberAsDroppedAndDeliversToTheRest() {
        String group = "interop-capacity";
        String pythonMember = python.newChannel();
        String javaMember = mux.newChannel();
        python.groupAdd(group, pythonMember);
        python.groupAdd(group, javaMember);
        try (RedisChannelLayer small = javaLayer(List.of(), 2)) {
            join(small.send(pythonMember, Message.of("type", "fill", "n", 0L)));
            join(small.send(pythonMember, Message.of("type", "fill", "n", 1L)));

            GroupSendResult result = join(small.groupSend(group, Message.of("type", "capacity.probe")));

            assertThat(result).isEqualTo(new GroupSendResult(1, 1));
        }
        assertThat(receiveJava(javaMember).type()).isEqualTo("capacity.probe");
        assertThat(python.receive(pythonMember, WAIT).getLong("n")).isEqualTo(0L);
        assertThat(python.receive(pythonMember, WAIT).getLong("n")).isEqualTo(1L);
        assertThat(python.poll(pythonMember, QUIET)).isEmpty();
    }

    @Test
    void anIntegerBeyondInt64FromPythonIsCountedUndeliverableAndLosesNothingElse() {
        String channel = mux.newChannel();
        CompletableFuture<Message> receive = mux.receive(channel).toCompletableFuture();
        long before = mux.undeliverableMessages();

        // msgpack carries it as uint64; a Java message has no type for it.
        python.sendTaggedJson(channel, "{\"type\": \"too.big\", \"n\": 18446744073709551615}");

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (mux.undeliverableMessages() <= before && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        assertThat(mux.undeliverableMessages()).isEqualTo(before + 1);
        assertThat(receive).isNotDone();
        python.send(channel, Message.of("type", "fits", "n", Long.MAX_VALUE));
        assertThat(join(receive)).isEqualTo(Message.of("type", "fits", "n", Long.MAX_VALUE));
    }
}

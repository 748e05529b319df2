package dev.mux.redis.worker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.consumer.Handles;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.Message;
import dev.mux.worker.ChannelNameRouter;
import dev.mux.worker.Worker;
import dev.mux.worker.WorkerConsumer;
import dev.mux.worker.WorkerOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Workers on the Redis layer: layer instances stand for processes sharing one Redis. */
class RedisWorkerIT extends RedisWorkerTestSupport {

    /** Records which worker handled each id; the first message of each waits for the other. */
    static final class Sharing extends WorkerConsumer {
        final Map<Long, List<String>> handledBy;
        final CountDownLatch bothBusy;
        final Map<String, Boolean> firstSeen;

        Sharing(Map<Long, List<String>> handledBy, CountDownLatch bothBusy, Map<String, Boolean> firstSeen) {
            this.handledBy = handledBy;
            this.bothBusy = bothBusy;
            this.firstSeen = firstSeen;
        }

        @Handles("job")
        void job(Message m) throws InterruptedException {
            if (firstSeen.putIfAbsent(scope().worker(), true) == null) {
                bothBusy.countDown();
                if (!bothBusy.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the other process never took a message");
                }
            }
            handledBy.computeIfAbsent(m.getLong("id"), k -> new CopyOnWriteArrayList<>()).add(scope().worker());
        }
    }

    @Test
    void twoProcessesShareAChannelAndHandleEachMessageExactlyOnce() throws Exception {
        Map<Long, List<String>> handledBy = new ConcurrentHashMap<>();
        CountDownLatch bothBusy = new CountDownLatch(2);
        Map<String, Boolean> firstSeen = new ConcurrentHashMap<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("shared-jobs", () -> new Sharing(handledBy, bothBusy, firstSeen))
                .build();
        WorkerOptions two = WorkerOptions.builder().concurrency(2).build();
        Worker a = start(Worker.builder(newLayer(), router).name("process-a").options(two));
        Worker b = start(Worker.builder(newLayer(), router).name("process-b").options(two));
        ChannelLayer sender = newLayer();

        int count = 1000;
        for (int i = 0; i < count; i++) {
            sender.send("shared-jobs", Message.of("type", "job", "id", i)).toCompletableFuture().join();
        }
        await(count + " distinct messages", () -> handledBy.size() == count);
        assertThat(a.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(b.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(handledBy.values()).allSatisfy(by -> assertThat(by).hasSize(1));
        assertThat(a.stats().handled() + b.stats().handled()).isEqualTo(count);
        assertThat(a.stats().handled()).isPositive();
        assertThat(b.stats().handled()).isPositive();
        assertThat(redis.command("ZCARD", "asgishared-jobs")).isEqualTo(0L);
        assertThat(redis.command("EXISTS", "asgishared-jobs$inflight")).isEqualTo(0L);
    }

    static final class Recorder extends WorkerConsumer {
        final List<Long> ids;
        final CountDownLatch entered;
        final CountDownLatch release;

        Recorder(List<Long> ids, CountDownLatch entered, CountDownLatch release) {
            this.ids = ids;
            this.entered = entered;
            this.release = release;
        }

        @Handles("job")
        void job(Message m) throws InterruptedException {
            entered.countDown();
            if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            ids.add(m.getLong("id"));
        }
    }

    @Test
    void aStoppedWorkerLeavesTheMessagesItDidNotTakeInRedis() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ChannelLayer sender = newLayer();
        Worker worker = start(Worker.builder(newLayer(),
                ChannelNameRouter.builder().route("slow-jobs", () -> new Recorder(ids, entered, release)).build()));
        for (int i = 0; i < 5; i++) {
            sender.send("slow-jobs", Message.of("type", "job", "id", i)).toCompletableFuture().join();
        }
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        var stopped = worker.stop(Duration.ofSeconds(WAIT_SECONDS)).toCompletableFuture();
        assertThat(stopped).isNotDone(); // the handler in flight holds the stop
        release.countDown();
        assertThat(stopped.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(ids).containsExactly(0L);
        assertThat(redis.command("ZCARD", "asgislow-jobs")).isEqualTo(4L);
        // and the next process takes them, in order
        ChannelLayer next = newLayer();
        for (long expected = 1; expected < 5; expected++) {
            assertThat(next.receive("slow-jobs").toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)
                    .getLong("id")).isEqualTo(expected);
        }
    }

    @Test
    void stoppingAnIdleWorkerDoesNotStrandTheNextMessageInItsProcess() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch released = new CountDownLatch(0);
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("idle-jobs", 3, () -> new Recorder(ids, new CountDownLatch(1), released))
                .build();
        ChannelLayer first = newLayer();
        Worker idle = start(Worker.builder(first, router).name("idle"));
        // Let the receivers reach Redis: one message goes through first.
        newLayer().send("idle-jobs", Message.of("type", "job", "id", 0)).toCompletableFuture().join();
        await("the first message", () -> ids.size() == 1);
        assertThat(idle.stop().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        // The stopped worker's blocking pops must not take this one: another process gets it.
        newLayer().send("idle-jobs", Message.of("type", "job", "id", 1)).toCompletableFuture().join();
        Message m = newLayer().receive("idle-jobs").toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(m.getLong("id")).isEqualTo(1L);
        assertThat(ids).containsExactly(0L);
    }

    @Test
    void aWorkerRidesOutARedisRestart() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        CountDownLatch released = new CountDownLatch(0);
        ChannelLayer workerLayer = newLayer();
        Worker worker = start(Worker.builder(workerLayer,
                        ChannelNameRouter.builder().route("restart-jobs", () -> new Recorder(ids, new CountDownLatch(1), released)).build())
                .options(WorkerOptions.builder().retryBackoff(Duration.ofMillis(50)).maxRetryBackoff(Duration.ofMillis(500)).build()));
        ChannelLayer sender = newLayer();
        sender.send("restart-jobs", Message.of("type", "job", "id", 1)).toCompletableFuture().join();
        await("the message before the restart", () -> ids.size() == 1);

        redis.kill();
        redis.restart();
        // Sends may fail while the layer reconnects; retry them until one goes through.
        await("a send after the restart", () -> {
            try {
                sender.send("restart-jobs", Message.of("type", "job", "id", 2)).toCompletableFuture()
                        .get(WAIT_SECONDS, TimeUnit.SECONDS);
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        await("the message after the restart", () -> ids.size() == 2);
        assertThat(ids).containsExactly(1L, 2L);
        assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
    }
}

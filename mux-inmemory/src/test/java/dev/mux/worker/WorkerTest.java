package dev.mux.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.MuxException;
import dev.mux.consumer.Handles;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerTest {

    private static final long WAIT_SECONDS = 10;

    private final InMemoryChannelLayer layer =
            new InMemoryChannelLayer(LayerOptions.builder().capacity(10_000).build());
    private final List<Worker> workers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        for (Worker w : workers) {
            w.stop(Duration.ZERO);
        }
        layer.close();
    }

    // ---- consumers used by the tests ------------------------------------------------------

    /** Records every "job" it handles, with the scope it saw. */
    static final class Recorder extends WorkerConsumer {
        final List<Long> ids;
        final Map<Long, String> byWorker;

        Recorder(List<Long> ids, Map<Long, String> byWorker) {
            this.ids = ids;
            this.byWorker = byWorker;
        }

        @Handles("job")
        void job(Message m) {
            ids.add(m.getLong("id"));
            String previous = byWorker.put(m.getLong("id"), scope().worker() + "/" + scope().channel());
            if (previous != null) {
                throw new AssertionError("message " + m.getLong("id") + " handled twice");
            }
        }
    }

    /** Blocks in its handler until released; tells when each message enters. */
    static final class Blocker extends WorkerConsumer {
        final CountDownLatch entered;
        final CountDownLatch release;
        final List<Long> done;
        final List<Boolean> interrupted;

        Blocker(CountDownLatch entered, CountDownLatch release, List<Long> done, List<Boolean> interrupted) {
            this.entered = entered;
            this.release = release;
            this.done = done;
            this.interrupted = interrupted;
        }

        @Handles("job")
        void job(Message m) throws InterruptedException {
            entered.countDown();
            try {
                if (!release.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                interrupted.add(true);
                throw e;
            }
            done.add(m.getLong("id"));
        }
    }

    /** Fails on every id divisible by three; otherwise records. */
    static final class Flaky extends WorkerConsumer {
        final List<Long> ok;

        Flaky(List<Long> ok) {
            this.ok = ok;
        }

        @Handles("job")
        void job(Message m) {
            long id = m.getLong("id");
            if (id % 3 == 0) {
                throw new IllegalStateException("boom on " + id);
            }
            ok.add(id);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    private Worker start(Worker.Builder builder) {
        Worker w = builder.build();
        workers.add(w);
        return w.start();
    }

    private void sendJobs(String channel, int from, int to) {
        for (int i = from; i < to; i++) {
            layer.send(channel, Message.of("type", "job", "id", i)).toCompletableFuture().join();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + WAIT_SECONDS + " s waiting for " + what);
            }
            Thread.sleep(1); // polling interval of a bounded wait, not a synchronisation
        }
    }

    private static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Proves the channel holds nothing: a receive that is still waiting is then cancelled. */
    private void assertChannelEmpty(String channel) {
        CompletableFuture<Message> probe = layer.receive(channel).toCompletableFuture();
        assertThat(probe).isNotDone();
        assertThat(probe.cancel(false)).isTrue();
    }

    // ---- tests ------------------------------------------------------------------------------

    @Test
    void messagesSentToANamedChannelAreHandledOnceEachInOrderByASingleReceiver() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        Map<Long, String> byWorker = new ConcurrentHashMap<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("jobs", () -> new Recorder(ids, byWorker))
                .build();
        sendJobs("jobs", 0, 200); // queued before the worker starts
        Worker worker = start(Worker.builder(layer, router).name("solo"));
        sendJobs("jobs", 200, 400); // and while it runs

        await("400 messages", () -> ids.size() >= 400);
        assertThat(get(worker.stop())).isTrue();

        assertThat(ids).containsExactlyElementsOf(
                IntStream.range(0, 400).mapToObj(i -> (long) i).collect(Collectors.toList()));
        assertThat(worker.stats()).isEqualTo(new WorkerStats(400, 400, 0, 0));
        assertThat(byWorker.values()).containsOnly("solo/jobs");
        assertChannelEmpty("jobs");
    }

    @Test
    void eachConsumerSeesTheChannelItsMessagesCameFromInItsScope() throws Exception {
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        class Echo extends WorkerConsumer {
            @Handles("ping")
            void ping(Message m) {
                seen.computeIfAbsent(m.getString("sent-to"), k -> new CopyOnWriteArrayList<>())
                        .add(scope().type() + ":" + scope().channel() + "#" + scope().receiver());
            }
        }
        ChannelNameRouter router = ChannelNameRouter.of(Map.of("alpha", Echo::new, "beta", Echo::new));
        start(Worker.builder(layer, router));
        layer.send("alpha", Message.of("type", "ping", "sent-to", "alpha")).toCompletableFuture().join();
        layer.send("beta", Message.of("type", "ping", "sent-to", "beta")).toCompletableFuture().join();

        await("both pings", () -> seen.size() == 2);
        assertThat(seen).containsEntry("alpha", List.of("channel:alpha#0"))
                .containsEntry("beta", List.of("channel:beta#0"));
    }

    @Test
    void aWorkerRestrictedToSomeChannelsLeavesTheOthersAlone() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("wanted", () -> new Recorder(ids, new ConcurrentHashMap<>()))
                .route("other", () -> new Recorder(ids, new ConcurrentHashMap<>()))
                .build();
        Worker worker = start(Worker.builder(layer, router).channels("wanted"));
        assertThat(worker.channels()).containsExactly("wanted");
        sendJobs("other", 100, 101);
        sendJobs("wanted", 0, 1);

        await("the wanted message", () -> ids.size() == 1);
        assertThat(get(worker.stop())).isTrue();
        assertThat(ids).containsExactly(0L);
        assertThat(layer.receive("other").toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS).getLong("id"))
                .isEqualTo(100L);
    }

    @Test
    void twoWorkersOnOneLayerShareTheLoadAndTogetherHandleEachMessageExactlyOnce() throws Exception {
        List<Long> ids = Collections.synchronizedList(new ArrayList<>());
        Map<Long, String> byWorker = new ConcurrentHashMap<>();
        // Each worker's first message waits until the other worker has also started one, so the
        // test proves both take part instead of hoping the scheduler spreads the work.
        CountDownLatch bothBusy = new CountDownLatch(2);
        Map<String, Boolean> firstSeen = new ConcurrentHashMap<>();
        class Sharing extends WorkerConsumer {
            @Handles("job")
            void job(Message m) throws InterruptedException {
                if (firstSeen.putIfAbsent(scope().worker(), true) == null) {
                    bothBusy.countDown();
                    if (!bothBusy.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the other worker never took a message");
                    }
                }
                ids.add(m.getLong("id"));
                if (byWorker.put(m.getLong("id"), scope().worker()) != null) {
                    throw new AssertionError("message " + m.getLong("id") + " handled twice");
                }
            }
        }
        ChannelNameRouter router = ChannelNameRouter.builder().route("shared", Sharing::new).build();
        WorkerOptions two = WorkerOptions.builder().concurrency(2).build();
        Worker a = start(Worker.builder(layer, router).name("a").options(two));
        Worker b = start(Worker.builder(layer, router).name("b").options(two));

        int count = 2000;
        sendJobs("shared", 0, count);
        await(count + " messages", () -> a.stats().completed() + b.stats().completed() >= count);
        assertThat(get(a.stop())).isTrue();
        assertThat(get(b.stop())).isTrue();

        assertThat(ids).hasSize(count).doesNotHaveDuplicates();
        assertThat(byWorker.keySet()).hasSize(count);
        assertThat(a.stats().failed() + b.stats().failed()).isZero();
        assertThat(a.stats().handled()).isPositive();
        assertThat(b.stats().handled()).isPositive();
        assertThat(a.stats().handled() + b.stats().handled()).isEqualTo(count);
        assertChannelEmpty("shared");
    }

    @Test
    void concurrentReceiversOfOneChannelHandleMessagesInParallel() throws Exception {
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> done = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("parallel", 3, () -> new Blocker(entered, release, done, new CopyOnWriteArrayList<>()))
                .build();
        Worker worker = start(Worker.builder(layer, router));
        sendJobs("parallel", 0, 3);

        // All three are inside their handler at once: only possible with three receivers.
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(done).isEmpty();
        release.countDown();
        await("three done", () -> done.size() == 3);
        assertThat(get(worker.stop())).isTrue();
        assertThat(done).containsExactlyInAnyOrder(0L, 1L, 2L);
    }

    @Test
    void stopLetsTheHandlerInFlightFinishAndTakesNothingNew() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Long> done = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("slow", () -> new Blocker(entered, release, done, new CopyOnWriteArrayList<>()))
                .build();
        Worker worker = start(Worker.builder(layer, router));
        sendJobs("slow", 0, 3);
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Boolean> stopped = worker.stop(Duration.ofSeconds(WAIT_SECONDS)).toCompletableFuture();
        assertThat(worker.state()).isEqualTo(Worker.State.STOPPING);
        // The handler is still blocked, so the stop cannot have completed.
        assertThat(stopped).isNotDone();
        assertThat(worker.terminated().toCompletableFuture()).isNotDone();

        release.countDown();
        assertThat(stopped.get(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        get(worker.terminated());
        assertThat(worker.state()).isEqualTo(Worker.State.STOPPED);
        assertThat(done).containsExactly(0L);
        assertThat(worker.stats()).isEqualTo(new WorkerStats(1, 1, 0, 0));
        // The two messages not taken are still in the channel, in order, for the next worker.
        assertThat(layer.receive("slow").toCompletableFuture().get(1, TimeUnit.SECONDS).getLong("id")).isEqualTo(1L);
        assertThat(layer.receive("slow").toCompletableFuture().get(1, TimeUnit.SECONDS).getLong("id")).isEqualTo(2L);
        assertChannelEmpty("slow");
    }

    @Test
    void stopOfAnIdleWorkerCancelsItsWaitingReceiveSoTheNextMessageStaysInTheChannel() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("idle", 4, () -> new Recorder(ids, new ConcurrentHashMap<>()))
                .build();
        Worker worker = start(Worker.builder(layer, router));
        sendJobs("idle", 0, 1);
        await("the first message", () -> ids.size() == 1);

        assertThat(get(worker.stop())).isTrue();
        sendJobs("idle", 1, 2);
        assertThat(layer.receive("idle").toCompletableFuture().get(1, TimeUnit.SECONDS).getLong("id")).isEqualTo(1L);
        assertThat(ids).containsExactly(0L);
        // No receive of the stopped worker is left waiting: the drained queue goes at the next sweep.
        await("the channel to be swept", () -> layer.channelCount() == 0);
    }

    @Test
    void aStopTimeoutInterruptsAHandlerThatDoesNotFinishAndReportsFalse() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch neverReleased = new CountDownLatch(1);
        List<Boolean> interrupted = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("stuck", () -> new Blocker(entered, neverReleased, new CopyOnWriteArrayList<>(), interrupted))
                .build();
        Worker worker = start(Worker.builder(layer, router));
        sendJobs("stuck", 0, 1);
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        assertThat(get(worker.stop(Duration.ofMillis(200)))).isFalse();
        get(worker.terminated());
        assertThat(interrupted).containsExactly(true);
        assertThat(worker.stats().failed()).isEqualTo(1);
        assertThat(worker.state()).isEqualTo(Worker.State.STOPPED);
    }

    @Test
    void handlerErrorsAreLoggedWithTheChannelAndTypeAndDoNotStopTheWorker() throws Exception {
        List<Long> ok = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder().route("flaky", () -> new Flaky(ok)).build();
        String log = captureStandardError(() -> {
            Worker worker = start(Worker.builder(layer, router).name("errs"));
            sendJobs("flaky", 0, 30);
            await("30 messages", () -> worker.stats().completed() == 30);
            assertThat(get(worker.stop())).isTrue();
            assertThat(worker.stats()).isEqualTo(new WorkerStats(30, 20, 10, 0));
        });
        assertThat(ok).hasSize(20).allMatch(id -> id % 3 != 0);
        assertThat(log).contains("worker errs channel flaky#0: handler for message type 'job' failed")
                .contains("boom on 27");
        assertThat(log.lines().filter(l -> l.contains("handler for message type 'job' failed")).count())
                .isEqualTo(10);
    }

    @Test
    void unknownAndMissingTypesAreLoggedAndSkippedWithoutStoppingTheWorker() throws Exception {
        List<Long> ids = new CopyOnWriteArrayList<>();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("mixed", () -> new Recorder(ids, new ConcurrentHashMap<>()))
                .build();
        String log = captureStandardError(() -> {
            Worker worker = start(Worker.builder(layer, router).name("mixed-w"));
            layer.send("mixed", Message.of("type", "job", "id", 1)).toCompletableFuture().join();
            layer.send("mixed", Message.of("type", "nobody.handles.this", "secret", "s3cr3t")).toCompletableFuture().join();
            layer.send("mixed", Message.of("id", 2)).toCompletableFuture().join();
            layer.send("mixed", Message.of("type", "job", "id", 3)).toCompletableFuture().join();
            await("4 messages", () -> worker.stats().completed() == 4);
            assertThat(worker.stats()).isEqualTo(new WorkerStats(4, 2, 0, 2));
        });
        assertThat(ids).containsExactly(1L, 3L);
        assertThat(log).contains("worker mixed-w channel mixed#0: no handler for message type 'nobody.handles.this'")
                .contains("worker mixed-w channel mixed#0: message without a 'type' ignored")
                .doesNotContain("s3cr3t"); // payloads are not logged
    }

    @Test
    void aConsumerMayTakeOverUnhandledMessages() throws Exception {
        List<String> fallback = new CopyOnWriteArrayList<>();
        class CatchAll extends WorkerConsumer {
            @Override
            protected void onUnhandled(Message message) {
                fallback.add(String.valueOf(message.type()));
            }
        }
        ChannelNameRouter router = ChannelNameRouter.builder().route("any", CatchAll::new).build();
        Worker worker = start(Worker.builder(layer, router));
        layer.send("any", Message.of("type", "x.y")).toCompletableFuture().join();
        layer.send("any", Message.of("n", 1)).toCompletableFuture().join();
        await("two", () -> fallback.size() == 2);
        assertThat(fallback).containsExactly("x.y", "null");
        assertThat(worker.stats().unhandled()).isEqualTo(2);
    }

    @Test
    void consumersReplyThroughTheWorkersLayer() throws Exception {
        class Doubler extends WorkerConsumer {
            @Handles("double")
            void twice(Message m) {
                send(m.getString("reply_to"), Message.of("type", "doubled", "value", 2 * m.getLong("value")))
                        .toCompletableFuture().join();
                groupSend("watchers", Message.of("type", "doubled.seen")).toCompletableFuture().join();
            }
        }
        String replyTo = layer.newChannel();
        String watcher = layer.newChannel();
        layer.groupAdd("watchers", watcher).toCompletableFuture().join();
        start(Worker.builder(layer, ChannelNameRouter.builder().route("math", Doubler::new).build()));

        layer.send("math", Message.of("type", "double", "value", 21, "reply_to", replyTo)).toCompletableFuture().join();
        assertThat(get(layer.receive(replyTo)).getLong("value")).isEqualTo(42L);
        assertThat(get(layer.receive(watcher)).type()).isEqualTo("doubled.seen");
    }

    @Test
    void closingTheLayerStopsTheWorkerAndFailsTerminated() throws Exception {
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("c", 2, () -> new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>()))
                .build();
        Worker worker = start(Worker.builder(layer, router));
        layer.close();

        assertThatThrownBy(() -> get(worker.terminated()))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(MuxException.class)
                .hasMessageContaining("layer was closed")
                .cause().isInstanceOf(LayerClosedException.class);
        assertThat(worker.state()).isEqualTo(Worker.State.STOPPED);
        assertThat(get(worker.stop())).isTrue();
    }

    @Test
    void theLifecycleOnlyMovesForward() throws Exception {
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("c", () -> new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>()))
                .build();
        Worker never = Worker.builder(layer, router).build();
        assertThat(never.state()).isEqualTo(Worker.State.NEW);
        assertThat(get(never.stop())).isTrue(); // stopping a worker never started is harmless
        assertThat(never.state()).isEqualTo(Worker.State.STOPPED);
        assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STOPPED");

        Worker worker = start(Worker.builder(layer, router).name("once"));
        assertThat(worker.state()).isEqualTo(Worker.State.RUNNING);
        assertThatThrownBy(worker::start).isInstanceOf(IllegalStateException.class)
                .hasMessage("worker once cannot start: it is RUNNING");
        worker.close();
        assertThat(worker.state()).isEqualTo(Worker.State.STOPPED);
        assertThat(get(worker.stop())).isTrue(); // and stopping twice too
        assertThatThrownBy(() -> worker.stop(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PT-1S");
    }

    @Test
    void aFactoryThatThrowsFailsStartAndLeavesNothingRunning() {
        AtomicInteger calls = new AtomicInteger();
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("c", 3, () -> {
                    if (calls.incrementAndGet() == 2) {
                        throw new IllegalStateException("no database");
                    }
                    return new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>());
                })
                .build();
        Worker worker = Worker.builder(layer, router).name("f").build();
        assertThatThrownBy(worker::start).isInstanceOf(MuxException.class)
                .hasMessageContaining("worker f: the consumer factory for channel 'c' threw")
                .hasRootCauseMessage("no database");
        assertThat(worker.state()).isEqualTo(Worker.State.NEW);
        assertThat(layer.channelCount()).isZero(); // no receive was issued
    }

    @Test
    void aFactoryMustReturnAFreshNonNullInstance() {
        Recorder shared = new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>());
        Worker sharing = Worker.builder(layer, ChannelNameRouter.builder().route("c", 2, () -> shared).build()).build();
        assertThatThrownBy(sharing::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must return a new instance on every call");

        Worker nulls = Worker.builder(layer, ChannelNameRouter.builder().route("c", () -> null).build()).build();
        assertThatThrownBy(nulls::start).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("factory for channel 'c' returned null");
        assertThat(layer.channelCount()).isZero();
    }

    @Test
    void aConsumerWithMalformedHandlersFailsStartNotTheFirstMessage() {
        class TwoArgs extends WorkerConsumer {
            @Handles("x")
            void x(Message m, String extra) {
            }
        }
        Worker worker = Worker.builder(layer, ChannelNameRouter.builder().route("c", TwoArgs::new).build()).build();
        assertThatThrownBy(worker::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must take exactly one dev.mux.layer.Message parameter");
        assertThat(worker.state()).isEqualTo(Worker.State.NEW);
    }

    @Test
    void theBuilderRejectsChannelsTheRouterDoesNotKnowAndBadNames() {
        ChannelNameRouter router = ChannelNameRouter.builder()
                .route("known", () -> new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>()))
                .build();
        assertThatThrownBy(() -> Worker.builder(layer, router).channels("known", "unknown"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no route for channel 'unknown'; routed channels are [known]");
        assertThatThrownBy(() -> Worker.builder(layer, router).channels(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Worker.builder(layer, router).name("has space"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'has space'");
        assertThatThrownBy(() -> Worker.builder(null, router)).isInstanceOf(NullPointerException.class)
                .hasMessage("layer must not be null");
    }

    @Test
    void consumersAreNotUsableBeforeTheWorkerAttachesThem() {
        Recorder loose = new Recorder(new CopyOnWriteArrayList<>(), new ConcurrentHashMap<>());
        assertThatThrownBy(loose::scope).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not attached to a worker yet");
    }

    // ---------------------------------------------------------------------------------------

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Runs the body with System.err captured (slf4j-simple writes there) and returns it. */
    private static String captureStandardError(ThrowingRunnable body) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            body.run();
        } finally {
            System.setErr(original);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        original.print(text);
        return text;
    }
}

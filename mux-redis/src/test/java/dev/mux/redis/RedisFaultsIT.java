package dev.mux.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerUnavailableException;
import dev.mux.layer.Message;
import dev.mux.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Redis killed, restarted and frozen under a live layer: nothing hangs, nothing is forgotten. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisFaultsIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(700);
    private static final long PATIENCE_MILLIS = 20_000;

    private final List<AutoCloseable> resources = new ArrayList<>();

    /** Loads the client's classes once, so that the first timed operation measures Redis, not the JVM. */
    @BeforeAll
    static void warmUpTheJvm() {
        try (RedisServer redis = RedisServer.start();
                RedisChannelLayer layer = RedisChannelLayer.builder().host(redis.uri())
                        .commandTimeout(Duration.ofSeconds(30)).build()) {
            String channel = layer.newChannel();
            await(layer.send(channel, Message.of("type", "warm")));
            await(layer.receive(channel));
            await(layer.groupSend("warm", Message.of("type", "warm")));
        }
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private RedisServer redis() {
        RedisServer server = RedisServer.start();
        resources.add(server);
        return server;
    }

    /** A layer on one server whose blocking pops wait {@code blockSeconds} at the server. */
    private RedisChannelLayer layerPoppingFor(RedisServer redis, long blockSeconds) {
        RedisChannelLayer layer = RedisChannelLayer.create(options(redis).build(), blockSeconds);
        resources.add(layer);
        return layer;
    }

    private static RedisLayerOptions.Builder options(RedisServer... servers) {
        RedisLayerOptions.Builder builder = RedisLayerOptions.builder()
                .commandTimeout(COMMAND_TIMEOUT)
                .maxReconnectDelay(Duration.ofMillis(300));
        for (RedisServer server : servers) {
            builder.host(server.uri());
        }
        return builder;
    }

    private RedisChannelLayer layer(RedisServer... servers) {
        RedisChannelLayer layer = RedisChannelLayer.create(options(servers).build());
        resources.add(layer);
        return layer;
    }

    @Test
    void everyOperationFailsWithLayerUnavailableNamingHostAndOperationWhileRedisIsDown() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layer(redis);
        await(layer.send("warm-up", Message.of("type", "x")));
        redis.kill();

        Map<String, Supplier<CompletionStage<?>>> operations = operations(layer);
        operations.forEach((operation, call) -> {
            long start = System.nanoTime();
            Throwable failure = failureOf(call.get());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(failure).as(operation).isInstanceOf(LayerUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:" + redis.port())
                    .hasMessageContaining(operation);
            assertThat(millis).as("%s failed after %d ms", operation, millis)
                    .isLessThan(COMMAND_TIMEOUT.toMillis() + 1500);
        });
    }

    @Test
    void everyOperationFailsWithinTheCommandTimeoutWhileRedisIsFrozenAndWorksAfterItThaws() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layer(redis);
        await(layer.send("warm-up", Message.of("type", "x")));
        redis.pause();

        operations(layer).forEach((operation, call) -> {
            long start = System.nanoTime();
            Throwable failure = failureOf(call.get());
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(failure).as(operation).isInstanceOf(LayerUnavailableException.class)
                    .hasMessageContaining("did not answer")
                    .hasMessageContaining(operation)
                    .hasMessageContaining("127.0.0.1:" + redis.port());
            assertThat(millis).as("%s failed after %d ms", operation, millis)
                    .isLessThan(COMMAND_TIMEOUT.toMillis() + 1500);
        });

        redis.resume();
        await(layer.send("after-thaw", Message.of("type", "thawed")));
        assertThat(await(layer.receive("after-thaw")).type()).isEqualTo("thawed");
    }

    @Test
    void aLayerBuiltWhileRedisIsDownFailsFastThenWorksOnceRedisIsUp() {
        RedisServer redis = redis();
        redis.kill();
        RedisChannelLayer layer = layer(redis);

        assertThat(failureOf(layer.send("early", Message.of("type", "x"))))
                .isInstanceOf(LayerUnavailableException.class).hasMessageContaining("unreachable");
        CompletableFuture<Message> waiting = layer.receive("early").toCompletableFuture();

        redis.restart();
        awaitCondition("a send succeeds after Redis came up", () -> succeeds(layer.send("early", Message.of("type", "up"))));
        assertThat(await(waiting).type()).isEqualTo("up");
    }

    @Test
    void aLayerBuiltWhileRedisIsFrozenFailsWithinTheTimeoutThenWorksAfterItThaws() {
        RedisServer redis = redis();
        redis.pause();
        RedisChannelLayer layer = layer(redis);

        long start = System.nanoTime();
        Throwable failure = failureOf(layer.send("frozen-start", Message.of("type", "x")));
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(failure).isInstanceOf(LayerUnavailableException.class)
                .hasMessageContaining("127.0.0.1:" + redis.port());
        assertThat(millis).as("failed after %d ms", millis).isLessThan(2 * COMMAND_TIMEOUT.toMillis() + 1500);
        redis.resume();
        awaitCondition("a send succeeds after Redis thawed",
                () -> succeeds(layer.send("frozen-start", Message.of("type", "thawed"))));
    }

    @Test
    void waitingReceivesSurviveARedisRestartAndGetMessagesSentAfterIt() {
        RedisServer redis = redis();
        RedisChannelLayer receiver = layer(redis);
        RedisChannelLayer sender = layer(redis);
        String local = receiver.newChannel("restart");
        String normal = "restart-worker";
        await(sender.send(local, Message.of("type", "before")));
        assertThat(await(receiver.receive(local)).type()).isEqualTo("before");
        CompletableFuture<Message> localWaiting = receiver.receive(local).toCompletableFuture();
        CompletableFuture<Message> normalWaiting = receiver.receive(normal).toCompletableFuture();

        redis.kill();
        redis.restart();

        awaitCondition("the sender reaches the restarted Redis",
                () -> succeeds(sender.send(local, Message.of("type", "after"))));
        await(sender.send(normal, Message.of("type", "job")));
        assertThat(await(localWaiting).type()).isEqualTo("after");
        assertThat(await(normalWaiting).type()).isEqualTo("job");
    }

    @Test
    void aReceiveLoopWhoseIdleConnectionWasDroppedWakesItsPopUnderTheNewClientId() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layerPoppingFor(redis, 60);
        CompletableFuture<Message> first = layer.receive("before-kill-worker").toCompletableFuture();
        awaitCondition("the loop blocks on the worker channel", () -> blockedIn(redis, "bzpopmin"));
        await(layer.send("before-kill-worker", Message.of("type", "first")));
        assertThat(await(first).type()).isEqualTo("first");
        // The loop has learned its connection's client id; nothing waits now, so the loop idles.
        awaitCondition("the loop idles", () -> !blockedIn(redis, "bzpopmin"));

        redis.command("CLIENT", "KILL", "TYPE", "normal");
        awaitCondition("both connections of the layer are back", () -> clients(redis) == 2);
        long unblocksBefore = commandCalls(redis, "client|unblock");

        String local = layer.newChannel("after-kill");
        CompletableFuture<Message> localWaiting = layer.receive(local).toCompletableFuture();
        awaitCondition("the loop blocks on the process channel", () -> blockedIn(redis, "bzmpop"));
        CompletableFuture<Message> workerWaiting = layer.receive("after-kill-worker").toCompletableFuture();
        await(layer.send("after-kill-worker", Message.of("type", "job")));

        assertThat(await(workerWaiting).type()).isEqualTo("job");
        // Under the old connection's id, CLIENT UNBLOCK would find no client, be retried every 5 ms
        // and give up, leaving the worker's receive to wait out the 60 s pop.
        assertThat(commandCalls(redis, "client|unblock") - unblocksBefore).as("CLIENT UNBLOCK calls").isBetween(1L, 3L);
        await(layer.send(local, Message.of("type", "second")));
        assertThat(await(localWaiting).type()).isEqualTo("second");
    }

    @Test
    void theReceiveLoopStopsPoppingOnceNoReceiveWaits() {
        RedisServer redis = redis();
        // Pops wait 1 s at the server: a loop that keeps popping shows up blocked again at once.
        RedisChannelLayer layer = layerPoppingFor(redis, 1);
        String local = layer.newChannel("once");
        CompletableFuture<Message> only = layer.receive(local).toCompletableFuture();
        awaitCondition("the loop blocks on the process channel", () -> blockedIn(redis, "bzmpop"));
        await(layer.send(local, Message.of("type", "only")));
        assertThat(await(only).type()).isEqualTo("only");

        awaitCondition("the loop stops popping", () -> !blockedIn(redis, "bzmpop"));
        long pops = commandCalls(redis, "bzmpop");
        sleepMillis(2_500); // two and a half block timeouts
        assertThat(commandCalls(redis, "bzmpop")).as("pops after the last receive").isEqualTo(pops);

        // A message sent meanwhile waits in Redis for the next receive.
        await(layer.send(local, Message.of("type", "later")));
        assertThat(await(layer.receive(local)).type()).isEqualTo("later");
    }

    private static long commandCalls(RedisServer redis, String command) {
        String stats = String.valueOf(redis.command("INFO", "commandstats"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("cmdstat_" + java.util.regex.Pattern.quote(command)
                + ":calls=(\\d+)").matcher(stats);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static String clientList(RedisServer redis) {
        return String.valueOf(redis.command("CLIENT", "LIST"));
    }

    /** Whether a connection is blocked in the given command now (its last command, flag b). */
    private static boolean blockedIn(RedisServer redis, String command) {
        return clientList(redis).lines().anyMatch(line -> line.contains(" flags=b ") && line.contains(" cmd=" + command + " "));
    }

    @Test
    void groupMembershipsOfLiveLocalChannelsAreAddedAgainAfterRedisRestarts() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layer(redis);
        String live = layer.newChannel("live");
        String left = layer.newChannel("left");
        await(layer.groupAdd("room", live));
        await(layer.groupAdd("room", "foreign-worker"));
        await(layer.groupAdd("room", left));
        await(layer.groupAdd("other-room", live));
        await(layer.groupDiscard("room", left));

        redis.kill();
        redis.restart();

        awaitCondition("the memberships are back in the restarted Redis",
                () -> members(redis, "asgi:group:room").contains(live)
                        && members(redis, "asgi:group:other-room").contains(live));
        assertThat(members(redis, "asgi:group:room"))
                .as("only this process's live channels are restored, not discarded ones or other processes'")
                .containsExactly(live);
        assertThat((Long) redis.command("TTL", "asgi:group:room")).isBetween(86_000L, 86_400L);
        assertThat(await(layer.groupSend("room", Message.of("type", "welcome.back"))))
                .isEqualTo(new GroupSendResult(1, 0));
        assertThat(await(layer.receive(live)).type()).isEqualTo("welcome.back");
    }

    @Test
    void membershipsComeBackAfterEachOfSeveralRestartsInARow() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layer(redis);
        String live = layer.newChannel("again");
        await(layer.groupAdd("room", live));

        for (int restart = 1; restart <= 5; restart++) {
            redis.kill();
            redis.restart();
            // Reconnection events race the command connection becoming usable again; the
            // restart must be noticed whichever comes first.
            awaitCondition("the membership is back after restart " + restart,
                    () -> members(redis, "asgi:group:room").contains(live));
            assertThat(await(layer.groupSend("room", Message.of("type", "back", "n", (long) restart))))
                    .isEqualTo(new GroupSendResult(1, 0));
            assertThat(await(layer.receive(live)).get("n")).isEqualTo((long) restart);
        }
    }

    @Test
    void onlyTheRestartedShardGetsItsMembershipsBack() {
        RedisServer first = redis();
        RedisServer second = redis();
        RedisChannelLayer layer = layer(first, second);
        String channel = layer.newChannel("sharded");
        List<String> groups = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            groups.add("g" + i);
            await(layer.groupAdd("g" + i, channel));
        }
        List<String> onSecond = groups.stream().filter(g -> ConsistentHash.index(g, 2) == 1).toList();
        assertThat(onSecond).isNotEmpty().hasSizeLessThan(groups.size());

        second.kill();
        second.restart();

        awaitCondition("the second shard's groups are back",
                () -> onSecond.stream().allMatch(g -> members(second, "asgi:group:" + g).contains(channel)));
        for (String group : groups) {
            assertThat(await(layer.groupSend(group, Message.of("type", "g", "group", group))).delivered())
                    .as("group %s", group).isEqualTo(1);
        }
        Set<String> received = new java.util.HashSet<>();
        for (int i = 0; i < groups.size(); i++) {
            received.add(await(layer.receive(channel)).getString("group"));
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(groups);
    }

    @Test
    void aFrozenRedisDelaysReceivesButLosesAndReordersNothing() throws Exception {
        RedisServer redis = redis();
        RedisChannelLayer receiver = layer(redis);
        RedisChannelLayer sender = layer(redis);
        String channel = receiver.newChannel("frozen");
        await(sender.send(channel, Message.of("type", "n", "n", 0)));
        assertThat(await(receiver.receive(channel)).getLong("n")).isZero();
        CompletableFuture<Message> blocked = receiver.receive(channel).toCompletableFuture();

        redis.pause();
        assertThat(failureOf(sender.send(channel, Message.of("type", "n", "n", -1))))
                .isInstanceOf(LayerUnavailableException.class);
        // Receives that time out while Redis is frozen must not take messages with them.
        for (int i = 0; i < 3; i++) {
            CompletableFuture<Message> timedOut = receiver.receive(channel).toCompletableFuture()
                    .orTimeout(100, TimeUnit.MILLISECONDS);
            assertThat(failureOf(timedOut)).isInstanceOf(TimeoutException.class);
        }
        redis.resume();

        for (int n = 1; n <= 20; n++) {
            await(sender.send(channel, Message.of("type", "n", "n", n)));
        }
        List<Long> got = new ArrayList<>();
        Message first = await(blocked);
        if (first.getLong("n") == -1) {
            // The send that timed out reached Redis once it thawed; that is allowed ("may still take effect").
            first = await(receiver.receive(channel));
        }
        got.add(first.getLong("n"));
        while (got.size() < 20) {
            got.add(await(receiver.receive(channel)).getLong("n"));
        }
        assertThat(got).containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
    }

    @Test
    void aReceiveStartedWhileRedisIsFrozenLosesNoQueuedMessageOfANormalChannel() {
        RedisServer redis = redis();
        RedisChannelLayer receiver = layer(redis);
        RedisChannelLayer sender = layer(redis);
        await(receiver.send("warm", Message.of("type", "x")));
        await(receiver.receive("warm"));
        for (int n = 1; n <= 5; n++) {
            await(sender.send("frozen-jobs", Message.of("type", "job", "n", n)));
        }
        redis.pause();
        CompletableFuture<Message> first = receiver.receive("frozen-jobs").toCompletableFuture();
        // Longer than the command timeout: a pop the loop gave up on would run after the thaw
        // and take a message nobody receives.
        assertThat(failureOf(sender.send("other", Message.of("type", "x"))))
                .isInstanceOf(LayerUnavailableException.class);
        assertThat(failureOf(sender.send("other", Message.of("type", "x"))))
                .isInstanceOf(LayerUnavailableException.class);
        redis.resume();

        List<Long> got = new ArrayList<>();
        got.add(await(first).getLong("n"));
        while (got.size() < 5) {
            got.add(await(receiver.receive("frozen-jobs")).getLong("n"));
        }
        assertThat(got).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void closeReturnsPromptlyWhileRedisIsFrozenAndFailsWaitingReceives() {
        RedisServer redis = redis();
        RedisChannelLayer layer = layer(redis);
        String channel = layer.newChannel("closing");
        await(layer.send(channel, Message.of("type", "x")));
        await(layer.receive(channel));
        CompletableFuture<Message> waiting = layer.receive(channel).toCompletableFuture();
        redis.pause();

        long start = System.nanoTime();
        layer.close();
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(millis).as("close took %d ms", millis).isLessThan(8_000);
        assertThat(failureOf(waiting)).isInstanceOf(LayerClosedException.class);
        redis.resume();
    }

    @Test
    void connectionsDoNotGrowWithChannelsOrGroupsAndCloseReleasesConnectionsAndThreads() {
        RedisServer first = redis();
        RedisServer second = redis();
        // Warm up once so that JVM-wide singletons (timers, cleaners) exist before counting.
        RedisChannelLayer warmUp = layer(first, second);
        await(warmUp.send("warm", Message.of("type", "x")));
        await(warmUp.receive("warm"));
        warmUp.close();
        awaitCondition("the warm-up layer's threads ended", () -> layerThreads(warmUp).isEmpty());
        Set<Thread> baseline = liveThreads();

        RedisChannelLayer layer = layer(first, second);
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String channel = layer.newChannel("many");
            waiting.add(layer.receive(channel).toCompletableFuture());
            await(layer.groupAdd("many-" + (i % 50), channel));
            if (i % 3 == 0) {
                waiting.add(layer.receive("normal-" + i).toCompletableFuture());
            }
        }
        for (int g = 0; g < 50; g++) {
            assertThat(await(layer.groupSend("many-" + g, Message.of("type", "fan"))).delivered()).isEqualTo(6);
        }
        awaitCondition("every group message reached its receive",
                () -> waiting.stream().filter(CompletableFuture::isDone).count() == 300);
        assertThat(clients(first)).as("connections to the first shard").isEqualTo(2);
        assertThat(clients(second)).as("connections to the second shard").isEqualTo(2);

        layer.close();

        awaitCondition("every connection is closed", () -> clients(first) == 0 && clients(second) == 0);
        awaitCondition("every thread of the layer ended", () -> layerThreads(layer).isEmpty());
        awaitCondition("no thread outlives the layer", () -> {
            Set<Thread> extra = liveThreads();
            extra.removeAll(baseline);
            return extra.stream().noneMatch(t -> !t.getName().startsWith("ForkJoinPool"));
        });
        assertThat(waiting.stream().filter(f -> !f.isDone())).allSatisfy(f ->
                assertThat(failureOf(f)).isInstanceOf(LayerClosedException.class));
    }

    // ---------------------------------------------------------------------------------------

    private static Map<String, Supplier<CompletionStage<?>>> operations(RedisChannelLayer layer) {
        Message m = Message.of("type", "x");
        Map<String, Supplier<CompletionStage<?>>> operations = new LinkedHashMap<>();
        operations.put("send", () -> layer.send("down", m));
        operations.put("groupAdd", () -> layer.groupAdd("down", "down"));
        operations.put("groupDiscard", () -> layer.groupDiscard("down", "down"));
        operations.put("groupSend", () -> layer.groupSend("down", m));
        operations.put("flush", layer::flush);
        return operations;
    }

    private static List<String> members(RedisServer redis, String key) {
        @SuppressWarnings("unchecked")
        List<String> members = (List<String>) redis.command("ZRANGE", key, "0", "-1");
        return members;
    }

    /** Clients connected to a server, not counting the connection that asks. */
    private static int clients(RedisServer redis) {
        String list = (String) redis.command("CLIENT", "LIST");
        return (int) list.lines().filter(l -> !l.isBlank()).count() - 1;
    }

    private static Set<Thread> liveThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .collect(Collectors.toCollection(java.util.HashSet::new));
    }

    private static List<String> layerThreads(RedisChannelLayer layer) {
        return liveThreads().stream().map(Thread::getName)
                .filter(n -> n.startsWith(layer + "-") || n.startsWith("lettuce-")).toList();
    }

    private static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + PATIENCE_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Throwable failureOf(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, got " + value);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("neither failed nor completed within " + PATIENCE_MILLIS + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean succeeds(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LayerUnavailableException) {
                return false;
            }
            throw new AssertionError("unexpected failure: " + e.getCause(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitCondition(String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after %d ms waiting until %s", PATIENCE_MILLIS, description);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

package dev.mux.redis.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The core interoperability cases between Mux's {@link RedisChannelLayer} and Python's
 * channels_redis 4.x on the same Redis, run by each subclass with its own servers (one or more
 * shards) and encryption keys. Both sides are real: a real redis-server per shard, the Java
 * layer under test, and a real channels_redis layer in a Debian Python process.
 *
 * <p>With several shards every case is repeated so that each shard is exercised: groups,
 * process keys and full channel names are chosen by their hash to cover every shard, including
 * the names where channels_redis' {@code send} hashes the full name to a different shard than
 * the one its receiver reads (channels_redis#221).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class InteropScenarios {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final Duration QUIET = Duration.ofMillis(300);

    private static final AtomicInteger NAMES = new AtomicInteger();

    final List<RedisServer> servers = new ArrayList<>();
    RedisChannelLayer mux;
    PythonPeer python;

    /** Returns how many redis-servers (shards) this scenario runs. */
    abstract int shards();

    /** Returns the symmetric encryption keys both sides use; none by default. */
    List<String> keys() {
        return List.of();
    }

    @BeforeAll
    void startBothSides() {
        for (int i = 0; i < shards(); i++) {
            servers.add(RedisServer.start());
        }
        mux = javaLayer(keys(), null);
        python = pythonPeer(keys());
    }

    @AfterAll
    void stopBothSides() {
        if (python != null) {
            python.close();
        }
        if (mux != null) {
            mux.close();
        }
        servers.forEach(RedisServer::close);
    }

    /** Builds a Java layer on this scenario's shards, in the same host order as the peer. */
    RedisChannelLayer javaLayer(List<String> keys, Integer capacity) {
        RedisChannelLayer.Builder b = RedisChannelLayer.builder().commandTimeout(Duration.ofSeconds(5));
        servers.forEach(s -> b.host(s.uri()));
        if (!keys.isEmpty()) {
            b.symmetricEncryptionKeys(keys);
        }
        if (capacity != null) {
            b.capacity(capacity);
        }
        return b.build();
    }

    /** Starts a channels_redis peer on this scenario's shards, in the same host order. */
    PythonPeer pythonPeer(List<String> keys) {
        PythonPeer.Builder b = PythonPeer.builder();
        servers.forEach(s -> b.host(s.uri()));
        if (!keys.isEmpty()) {
            b.symmetricEncryptionKeys(keys);
        }
        return b.start();
    }

    // ---------------------------------------------------------------------------------------
    // Groups

    @Test
    void pythonGroupSendReachesJavaChannelsWithEveryValueIntact() {
        for (int groupShard = 0; groupShard < shards(); groupShard++) {
            for (int keyShard = 0; keyShard < shards(); keyShard++) {
                String group = groupOnShard("py-to-java", groupShard);
                String channel = javaChannelWithProcessKeyOn(keyShard);
                join(mux.groupAdd(group, channel));
                Message sent = InteropMessages.everyValueType("interop.values");

                python.groupSend(group, sent);

                assertThat(receiveJava(channel))
                        .as("group on shard %d, Java process key on shard %d", groupShard, keyShard)
                        .isEqualTo(sent);
            }
        }
    }

    @Test
    void javaGroupSendReachesPythonChannelsWithEveryValueIntact() {
        for (int groupShard = 0; groupShard < shards(); groupShard++) {
            for (int keyShard = 0; keyShard < shards(); keyShard++) {
                String group = groupOnShard("java-to-py", groupShard);
                String channel = pythonChannelWithProcessKeyOn(keyShard);
                python.groupAdd(group, channel);
                Message sent = InteropMessages.everyValueType("interop.values");

                GroupSendResult result = join(mux.groupSend(group, sent));

                assertThat(result).isEqualTo(new GroupSendResult(1, 0));
                assertThat(python.receive(channel, WAIT))
                        .as("group on shard %d, Python process key on shard %d", groupShard, keyShard)
                        .isEqualTo(sent);
            }
        }
    }

    @Test
    void aGroupWithJavaAndPythonMembersGivesEachMemberExactlyOneCopy() {
        for (int groupShard = 0; groupShard < shards(); groupShard++) {
            String group = groupOnShard("mixed", groupShard);
            String java1 = mux.newChannel();
            String java2 = mux.newChannel();
            String py1 = python.newChannel();
            String py2 = python.newChannel();
            // Memberships are written crosswise, so each side reads what the other wrote.
            python.groupAdd(group, java1);
            join(mux.groupAdd(group, java2));
            join(mux.groupAdd(group, py1));
            python.groupAdd(group, py2);

            Message fromPython = Message.of("type", "mixed.from_python", "n", 1L);
            python.groupSend(group, fromPython);
            assertEachGetsExactlyOnce(fromPython, List.of(java1, java2), List.of(py1, py2));

            Message fromJava = Message.of("type", "mixed.from_java", "n", 2L);
            assertThat(join(mux.groupSend(group, fromJava))).isEqualTo(new GroupSendResult(4, 0));
            assertEachGetsExactlyOnce(fromJava, List.of(java1, java2), List.of(py1, py2));

            // A discard written by either side is honoured by the other's group send.
            python.groupDiscard(group, java1);
            join(mux.groupDiscard(group, py1));
            Message afterDiscard = Message.of("type", "mixed.after_discard");
            assertThat(join(mux.groupSend(group, afterDiscard))).isEqualTo(new GroupSendResult(2, 0));
            python.groupSend(group, afterDiscard);
            assertThat(receiveJava(java2)).isEqualTo(afterDiscard);
            assertThat(receiveJava(java2)).isEqualTo(afterDiscard);
            assertThat(python.receive(py2, WAIT)).isEqualTo(afterDiscard);
            assertThat(python.receive(py2, WAIT)).isEqualTo(afterDiscard);
            assertNothingForJava(java1);
            assertThat(python.poll(py1, QUIET)).isEmpty();
            assertNothingForJava(java2);
            assertThat(python.poll(py2, QUIET)).isEmpty();
        }
    }

    private void assertEachGetsExactlyOnce(Message m, List<String> javaChannels, List<String> pythonChannels) {
        for (String c : javaChannels) {
            assertThat(receiveJava(c)).as("Java member %s", c).isEqualTo(m);
        }
        for (String c : pythonChannels) {
            assertThat(python.receive(c, WAIT)).as("Python member %s", c).isEqualTo(m);
        }
        for (String c : javaChannels) {
            assertNothingForJava(c);
        }
        for (String c : pythonChannels) {
            assertThat(python.poll(c, QUIET)).as("second copy on Python member %s", c).isEmpty();
        }
    }

    // ---------------------------------------------------------------------------------------
    // Direct sends to process-local channels

    @Test
    void pythonSendReachesJavaProcessLocalChannels() {
        // channels_redis' send hashes the full name, so pick names whose full-name hash covers
        // every shard: the Java receiver must find them on whichever shard they landed.
        for (String channel : javaChannelsCoveringFullNameShards()) {
            Message sent = InteropMessages.everyValueType("interop.direct");

            python.send(channel, sent);

            assertThat(receiveJava(channel)).as("Java channel %s", channel).isEqualTo(sent);
        }
    }

    @Test
    void javaSendReachesPythonProcessLocalChannels() {
        // channels_redis reads its process key on the shard of the non-local name: Java must
        // write there even when the full name hashes elsewhere.
        for (String channel : pythonChannelsCoveringHashMismatches()) {
            Message sent = InteropMessages.everyValueType("interop.direct");

            join(mux.send(channel, sent));

            assertThat(python.receive(channel, WAIT)).as("Python channel %s", channel).isEqualTo(sent);
        }
    }

    @Test
    void messagesKeepTheirOrderOnAProcessLocalChannelInBothDirections() {
        String javaChannel = mux.newChannel();
        String pythonChannel = python.newChannel();
        for (long i = 0; i < 30; i++) {
            python.send(javaChannel, Message.of("type", "order", "n", i));
            join(mux.send(pythonChannel, Message.of("type", "order", "n", i)));
        }
        for (long i = 0; i < 30; i++) {
            assertThat(receiveJava(javaChannel).getLong("n")).isEqualTo(i);
            assertThat(python.receive(pythonChannel, WAIT).getLong("n")).isEqualTo(i);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Normal (non-'!') channels, as workers use them

    @Test
    void pythonSendToANormalChannelIsReceivedByJava() {
        String channel = "interop-worker-py-" + NAMES.incrementAndGet();
        Set<Long> sent = new HashSet<>();
        // channels_redis spreads normal-channel sends round-robin over the shards.
        for (long i = 0; i < 2L * shards(); i++) {
            python.send(channel, Message.of("type", "worker.job", "n", i));
            sent.add(i);
        }
        Set<Long> received = new HashSet<>();
        for (int i = 0; i < sent.size(); i++) {
            received.add(receiveJava(channel).getLong("n"));
        }
        assertThat(received).isEqualTo(sent);
        assertNothingForJava(channel);
    }

    @Test
    void javaSendToANormalChannelIsReceivedByPython() {
        String channel = "interop-worker-java-" + NAMES.incrementAndGet();
        Set<Long> sent = new HashSet<>();
        for (long i = 0; i < 2L * shards(); i++) {
            join(mux.send(channel, Message.of("type", "worker.job", "n", i)));
            sent.add(i);
        }
        // channels_redis reads one shard per receive call (round-robin), so poll until every
        // message is in; each poll waits at most a second on a shard that has nothing.
        Set<Long> received = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos() * 2;
        while (received.size() < sent.size() && System.nanoTime() < deadline) {
            python.poll(channel, Duration.ofSeconds(1)).ifPresent(m -> received.add(m.getLong("n")));
        }
        assertThat(received).isEqualTo(sent);
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    /** Returns a fresh group name that hashes to {@code shard}. */
    String groupOnShard(String stem, int shard) {
        while (true) {
            String group = "interop-" + stem + "-" + NAMES.incrementAndGet();
            if (Shards.of(group, shards()) == shard) {
                return group;
            }
        }
    }

    /** Returns a new Java channel whose process key (non-local name) hashes to {@code shard}. */
    String javaChannelWithProcessKeyOn(int shard) {
        for (int i = 0; i < 1000; i++) {
            String channel = mux.newChannel(i == 0 ? "specific" : "specific" + i);
            if (Shards.of(Shards.nonLocal(channel), shards()) == shard) {
                return channel;
            }
        }
        throw new IllegalStateException("no Java channel prefix hashes to shard " + shard);
    }

    /** Returns a new Python channel whose process key (non-local name) hashes to {@code shard}. */
    String pythonChannelWithProcessKeyOn(int shard) {
        for (int i = 0; i < 1000; i++) {
            String channel = python.newChannel(i == 0 ? "specific" : "specific" + i);
            if (Shards.of(Shards.nonLocal(channel), shards()) == shard) {
                return channel;
            }
        }
        throw new IllegalStateException("no Python channel prefix hashes to shard " + shard);
    }

    /** Returns Java channels whose full names hash to every shard. */
    List<String> javaChannelsCoveringFullNameShards() {
        Map<Integer, String> byShard = new LinkedHashMap<>();
        for (int i = 0; i < 1000 && byShard.size() < shards(); i++) {
            String channel = mux.newChannel();
            byShard.putIfAbsent(Shards.of(channel, shards()), channel);
        }
        assertThat(byShard).hasSize(shards());
        return List.copyOf(byShard.values());
    }

    /**
     * Returns Python channels for every combination of process-key shard and full-name shard,
     * so that with several shards some names hash differently in full and in part.
     */
    List<String> pythonChannelsCoveringHashMismatches() {
        Map<String, String> byCombination = new LinkedHashMap<>();
        int wanted = shards() * shards();
        for (int i = 0; i < 2000 && byCombination.size() < wanted; i++) {
            String channel = python.newChannel(i % 7 == 0 ? "specific" : "specific" + (i % 7));
            String combination = Shards.of(Shards.nonLocal(channel), shards()) + "/" + Shards.of(channel, shards());
            byCombination.putIfAbsent(combination, channel);
        }
        assertThat(byCombination).hasSize(wanted);
        return List.copyOf(byCombination.values());
    }

    Message receiveJava(String channel) {
        return join(mux.receive(channel));
    }

    /** Asserts that nothing arrives on a Java channel for a short while, then gives up the wait. */
    void assertNothingForJava(String channel) {
        CompletableFuture<Message> next = mux.receive(channel).toCompletableFuture();
        try {
            Message unexpected = next.get(QUIET.toMillis(), TimeUnit.MILLISECONDS);
            fail("expected nothing more on " + channel + " but got " + unexpected);
        } catch (TimeoutException expected) {
            next.cancel(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new AssertionError("receive on " + channel + " failed", e.getCause());
        }
    }

    static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no result within " + WAIT, e);
        }
    }
}

package dev.mux.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link ChannelLayer} must pass: ordering, waiting and cancelled receives,
 * process-local names, capacity and per-channel capacity rules, expiry, groups, misuse, closing,
 * flushing, concurrency and message fidelity.
 *
 * <h2>Running it against a layer</h2>
 * A layer, ours or a third party's, runs the suite unchanged by extending this class once in
 * its test sources and creating a fresh layer for the given options:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>dev.mux</groupId>
 *   <artifactId>mux-core</artifactId>
 *   <version>${mux.version}</version>
 *   <type>test-jar</type>
 *   <scope>test</scope>
 * </dependency>
 * <!-- plus org.junit.jupiter:junit-jupiter and org.assertj:assertj-core in test scope -->
 * }</pre>
 *
 * <pre>
 * class MyChannelLayerTest extends ChannelLayerContract {
 *     &#64;Override
 *     protected ChannelLayer createLayer(LayerOptions options) {
 *         return new MyChannelLayer(options);
 *     }
 * }
 * </pre>
 *
 * <p>The suite closes every layer it created after each test. Each test uses channel and group
 * names of its own (a random token is part of every name), so layers backed by a shared store
 * need no cleanup between tests; layers created in one test never see another test's data.
 *
 * <h2>Timing</h2>
 * Nothing here relies on sub-second timing, so layers whose store counts time in whole seconds
 * (channels_redis trims with {@code ZREMRANGEBYSCORE key 0 (int(now) - int(expiry))} and
 * {@code EXPIRE}s keys) pass: expiry tests use an expiry of one second and wait for the
 * effect with a bounded poll ({@link #patience()}); tests that show that nothing arrives wait
 * {@link #quietPeriod()} on a pending receive and then cancel it. Every test is bounded.
 *
 * <p><b>Threading:</b> JUnit runs the tests of one instance one at a time; a few tests start
 * their own threads and join them before returning.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class ChannelLayerContract {

    private static final char[] LETTERS = "abcdefghijklmnopqrstuvwxyz".toCharArray();

    private final List<ChannelLayer> created = new CopyOnWriteArrayList<>();
    private final String token = randomLetters(10);

    /**
     * Creates a new, open layer enforcing {@code options}. Called once or more per test; the
     * suite closes every layer it got from here after the test.
     *
     * @param options the options the layer must enforce
     * @return a new layer
     */
    protected abstract ChannelLayer createLayer(LayerOptions options);

    /**
     * Returns how long the suite waits for something that must happen (a receive to complete,
     * an expired message to be gone). Override for a layer on a slow store.
     *
     * @return the bound on every wait; 10 s by default
     */
    protected Duration patience() {
        return Duration.ofSeconds(10);
    }

    /**
     * Returns how long a pending receive must stay empty to show that nothing arrives.
     *
     * @return the quiet period; 500 ms by default
     */
    protected Duration quietPeriod() {
        return Duration.ofMillis(500);
    }

    /** Closes every layer this test created; closing must be idempotent, so closed ones pass. */
    @AfterEach
    void closeCreatedLayers() {
        for (ChannelLayer layer : created) {
            layer.close();
        }
        created.clear();
    }

    // ---------------------------------------------------------------------------------------
    // Ordering and receiving

    @Test
    void messagesOnOneChannelArriveInTheOrderTheyWereSent() {
        ChannelLayer layer = newLayer();
        String normal = name("fifo");
        String local = layer.newChannel("fifo");
        for (String channel : List.of(normal, local)) {
            for (int i = 0; i < 20; i++) {
                await(layer.send(channel, Message.of("type", "seq", "n", i)));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(await(layer.receive(channel)).getLong("n")).as("message %d on %s", i, channel)
                        .isEqualTo(i);
            }
            assertNothingArrives(layer, channel);
        }
    }

    @Test
    void receiveWaitsUntilAMessageArrives() {
        ChannelLayer layer = newLayer();
        for (String channel : List.of(name("wait"), layer.newChannel("wait"))) {
            CompletableFuture<Message> pending = layer.receive(channel).toCompletableFuture();
            waitQuietPeriod(pending);
            assertThat(pending).as("receive on an empty channel %s", channel).isNotDone();

            Message sent = Message.of("type", "wake.up");
            CompletableFuture.runAsync(() -> await(layer.send(channel, sent)));
            assertThat(await(pending)).isEqualTo(sent);
        }
    }

    @Test
    void aCancelledReceiveTakesNoMessageAndTheNextReceiveGetsIt() {
        ChannelLayer layer = newLayer();
        for (String channel : List.of(name("cancel"), layer.newChannel("cancel"))) {
            List<CompletableFuture<Message>> cancelled = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                CompletableFuture<Message> receive = layer.receive(channel).toCompletableFuture();
                assertThat(receive.cancel(true)).as("cancelling a receive on an empty channel").isTrue();
                cancelled.add(receive);
            }
            Message first = Message.of("type", "first");
            Message second = Message.of("type", "second");
            await(layer.send(channel, first));
            await(layer.send(channel, second));

            assertThat(await(layer.receive(channel))).isEqualTo(first);
            assertThat(await(layer.receive(channel))).isEqualTo(second);
            assertThat(cancelled).allSatisfy(r -> assertThat(r).isCancelled());
        }
    }

    @Test
    void aReceiveThatTimesOutTakesNoMessage() {
        ChannelLayer layer = newLayer();
        for (String channel : List.of(name("timeout"), layer.newChannel("timeout"))) {
            CompletableFuture<Message> timedOut = layer.receive(channel).toCompletableFuture()
                    .orTimeout(100, TimeUnit.MILLISECONDS);
            assertThat(failureOf(timedOut)).isInstanceOf(TimeoutException.class);

            Message sent = Message.of("type", "after.timeout");
            await(layer.send(channel, sent));
            assertThat(await(layer.receive(channel))).isEqualTo(sent);
        }
    }

    @Test
    void receivesCancelledWhileMessagesArriveLoseAndDuplicateNothing() throws Exception {
        int count = 2_000;
        ChannelLayer layer = newLayer(LayerOptions.builder().capacity(count).build());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (String channel : List.of(name("racing"), layer.newChannel("racing"))) {
                // Half of the receives are cancelled as soon as they exist, racing the sender; a
                // cancel that loses the race means that receive got a message, which counts.
                Future<List<Long>> receiver = pool.submit(() -> {
                    List<Long> got = new ArrayList<>(count);
                    while (got.size() < count) {
                        CompletableFuture<Message> receive = layer.receive(channel).toCompletableFuture();
                        if ((got.size() & 1) == 0 && receive.cancel(true)) {
                            continue;
                        }
                        got.add(await(receive).getLong("n"));
                    }
                    return got;
                });
                Future<?> sender = pool.submit(() -> {
                    for (int n = 0; n < count; n++) {
                        await(layer.send(channel, Message.of("type", "race", "n", n)));
                    }
                });
                sender.get(patience().toMillis() * 3, TimeUnit.MILLISECONDS);
                List<Long> got = receiver.get(patience().toMillis() * 3, TimeUnit.MILLISECONDS);
                List<Long> expected = new ArrayList<>(count);
                for (long n = 0; n < count; n++) {
                    expected.add(n);
                }
                assertThat(got).as("every message on %s once, in order", channel).isEqualTo(expected);
                assertNothingArrives(layer, channel);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void competingReceiversOnOneChannelEachTakeADifferentMessage() {
        ChannelLayer layer = newLayer();
        String channel = name("compete");
        List<CompletableFuture<Message>> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            receivers.add(layer.receive(channel).toCompletableFuture());
        }
        for (int i = 0; i < 4; i++) {
            await(layer.send(channel, Message.of("type", "job", "n", i)));
        }
        Set<Long> taken = new HashSet<>();
        for (CompletableFuture<Message> receiver : receivers) {
            taken.add(await(receiver).getLong("n"));
        }
        assertThat(taken).containsExactlyInAnyOrder(0L, 1L, 2L, 3L);
        assertNothingArrives(layer, channel);
    }

    // ---------------------------------------------------------------------------------------
    // Process-local channels

    @Test
    void newChannelNamesAreUniqueValidProcessLocalAndStartWithThePrefix() {
        ChannelLayer layer = newLayer();
        Set<String> names = new HashSet<>();
        for (String prefix : List.of("specific", "http.response", "a")) {
            for (int i = 0; i < 5_000; i++) {
                String channel = layer.newChannel(prefix);
                assertThat(channel).startsWith(prefix + ".").contains("!");
                assertThat(ChannelNames.isValidChannel(channel)).as("'%s' is a valid channel name", channel).isTrue();
                assertThat(ChannelNames.isProcessLocal(channel)).isTrue();
                assertThat(names.add(channel)).as("'%s' is new", channel).isTrue();
            }
        }
        assertThat(layer.newChannel()).startsWith(ChannelLayer.DEFAULT_CHANNEL_PREFIX + ".");
        ChannelLayer other = newLayer();
        assertThat(ChannelNames.nonLocalPart(other.newChannel("specific")))
                .as("two layer instances are two processes")
                .isNotEqualTo(ChannelNames.nonLocalPart(layer.newChannel("specific")));
    }

    @Test
    void newChannelAcceptsEveryValidPrefixUpToFortyCharacters() {
        ChannelLayer layer = newLayer();
        String longest = "p".repeat(20) + "-_." + "Q9".repeat(8) + "z";
        assertThat(longest).hasSize(40);
        for (String prefix : List.of("x", "Mixed-Case_1.2", "trailing.dot.", longest)) {
            String channel = layer.newChannel(prefix);
            assertThat(ChannelNames.isValidChannel(channel)).as("'%s' from prefix '%s' is valid", channel, prefix)
                    .isTrue();
            assertThat(channel).startsWith(prefix);
            Message m = Message.of("type", "hello", "prefix", prefix);
            await(layer.send(channel, m));
            assertThat(await(layer.receive(channel))).isEqualTo(m);
        }
    }

    @Test
    void newChannelRejectsInvalidPrefixesNamingThem() {
        ChannelLayer layer = newLayer();
        assertThatThrownBy(() -> layer.newChannel(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("prefix");
        for (String bad : List.of("", "a!b", "ends!", "has space", "slash/no", "ü", "p".repeat(41))) {
            assertThatThrownBy(() -> layer.newChannel(bad)).as("prefix '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void messagesToManyProcessLocalChannelsReachOnlyTheirOwnReceiver() {
        ChannelLayer layer = newLayer();
        List<String> channels = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            channels.add(layer.newChannel("reply"));
        }
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            waiting.add(layer.receive(channels.get(i)).toCompletableFuture());
        }
        for (int i = 0; i < channels.size(); i++) {
            await(layer.send(channels.get(i), Message.of("type", "reply", "for", channels.get(i))));
        }
        for (int i = 0; i < 25; i++) {
            assertThat(await(waiting.get(i)).getString("for")).isEqualTo(channels.get(i));
        }
        List<String> rest = new ArrayList<>(channels.subList(25, 50));
        Collections.shuffle(rest);
        for (String channel : rest) {
            assertThat(await(layer.receive(channel)).getString("for")).isEqualTo(channel);
        }
        assertNothingArrives(layer, channels.toArray(String[]::new));
    }

    @Test
    void receivingOnAnotherLayersProcessLocalChannelIsRejected() {
        ChannelLayer mine = newLayer();
        ChannelLayer theirs = newLayer();
        String theirChannel = theirs.newChannel("specific");
        assertThatThrownBy(() -> mine.receive(theirChannel))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(theirChannel);
    }

    // ---------------------------------------------------------------------------------------
    // Capacity

    @Test
    void sendToAFullChannelFailsWithChannelFullExceptionNamingChannelAndCapacity() {
        ChannelLayer layer = newLayer(LayerOptions.builder().capacity(3).build());
        String channel = name("full");
        for (int i = 0; i < 3; i++) {
            await(layer.send(channel, Message.of("type", "fill", "n", i)));
        }
        Throwable failure = failureOf(layer.send(channel, Message.of("type", "fill", "n", 3)));
        assertThat(failure).isInstanceOf(ChannelFullException.class).hasMessageContaining(channel);
        ChannelFullException full = (ChannelFullException) failure;
        assertThat(full.channel()).isEqualTo(channel);
        assertThat(full.capacity()).isEqualTo(3);

        // The rejected message was not queued, the others are intact, and taking one makes room.
        assertThat(await(layer.receive(channel)).getLong("n")).isEqualTo(0);
        await(layer.send(channel, Message.of("type", "fill", "n", 4)));
        assertThat(await(layer.receive(channel)).getLong("n")).isEqualTo(1);
        assertThat(await(layer.receive(channel)).getLong("n")).isEqualTo(2);
        assertThat(await(layer.receive(channel)).getLong("n")).isEqualTo(4);
        assertNothingArrives(layer, channel);
    }

    @Test
    void perChannelCapacityRulesApplyByGlobAndRegexAndTheFirstMatchWins() {
        LayerOptions options = LayerOptions.builder()
                .capacity(5)
                .channelCapacity(CapacityRule.glob("burst.*", 3))
                .channelCapacity(CapacityRule.glob("burst.tiny*", 1)) // shadowed by the rule above
                .channelCapacity(CapacityRule.regex("one-[a-z]+", 1))
                .channelCapacity(CapacityRule.glob("q?-[ab]*", 2))
                .build();
        ChannelLayer layer = newLayer(options);
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put("burst.tiny" + token, 3);
        expected.put("one-" + token, 1);
        expected.put("qx-a" + token, 2);
        expected.put("qx-c" + token, 5); // [ab] does not match c: the default applies
        expected.put("one-" + token + "7", 5); // the regex must match the whole name
        for (Map.Entry<String, Integer> e : expected.entrySet()) {
            String channel = e.getKey();
            int capacity = e.getValue();
            for (int i = 0; i < capacity; i++) {
                await(layer.send(channel, Message.of("type", "fill", "n", i)));
            }
            Throwable failure = failureOf(layer.send(channel, Message.of("type", "fill", "n", capacity)));
            assertThat(failure).as("send beyond %d on %s", capacity, channel)
                    .isInstanceOf(ChannelFullException.class);
            assertThat(((ChannelFullException) failure).capacity()).as("capacity of %s", channel)
                    .isEqualTo(capacity);
        }
    }

    @Test
    void groupSendSkipsFullMembersWithoutFailingAndCountsThem() {
        LayerOptions options = LayerOptions.builder()
                .channelCapacity(CapacityRule.glob("narrow.*", 1))
                .build();
        ChannelLayer layer = newLayer(options);
        String group = name("drops");
        String wide1 = name("wide1");
        String wide2 = name("wide2");
        String narrow = "narrow." + token;
        Message old = Message.of("type", "old");
        await(layer.send(narrow, old));
        for (String member : List.of(wide1, wide2, narrow)) {
            await(layer.groupAdd(group, member));
        }

        Message news = Message.of("type", "news");
        GroupSendResult result = await(layer.groupSend(group, news));

        assertThat(result).isEqualTo(new GroupSendResult(2, 1));
        assertThat(await(layer.receive(wide1))).isEqualTo(news);
        assertThat(await(layer.receive(wide2))).isEqualTo(news);
        assertThat(await(layer.receive(narrow))).isEqualTo(old);
        assertNothingArrives(layer, wide1, wide2, narrow);
    }

    // ---------------------------------------------------------------------------------------
    // Expiry

    @Test
    void aMessageNotReceivedWithinTheExpiryIsDropped() {
        // Capacity 1 makes expiry observable without receiving: a send succeeds again only once
        // the unread message has been dropped.
        ChannelLayer layer = newLayer(LayerOptions.builder()
                .capacity(1)
                .expiry(Duration.ofSeconds(1))
                .build());
        String channel = name("expiry");
        await(layer.send(channel, Message.of("type", "stale")));
        Message fresh = Message.of("type", "fresh");
        awaitCondition("the unread message expires and makes room on " + channel,
                () -> succeeds(layer.send(channel, fresh)));

        assertThat(await(layer.receive(channel))).isEqualTo(fresh);
        assertNothingArrives(layer, channel);
    }

    @Test
    void aGroupMembershipLapsesAfterTheGroupExpiryUnlessReAdded() {
        ChannelLayer layer = newLayer(LayerOptions.builder()
                .groupExpiry(Duration.ofSeconds(1))
                .build());
        String group = name("lapsing");
        String member = name("member");
        // Re-adding keeps the membership alive, so the first send reaches the member no matter
        // how slow the machine is; then nobody re-adds and the membership must lapse.
        awaitCondition("a freshly added member receives a group send", () -> {
            await(layer.groupAdd(group, member));
            return await(layer.groupSend(group, Message.of("type", "ping"))).delivered() == 1;
        });
        awaitCondition("the membership lapses after the group expiry",
                () -> await(layer.groupSend(group, Message.of("type", "ping"))).members() == 0);

        assertThat(await(layer.receive(member)).type()).isEqualTo("ping");
        awaitCondition("a lapsed member can join again", () -> {
            await(layer.groupAdd(group, member));
            return await(layer.groupSend(group, Message.of("type", "again"))).delivered() == 1;
        });
    }

    // ---------------------------------------------------------------------------------------
    // Groups

    @Test
    void groupSendReachesEveryMemberExactlyOnce() {
        ChannelLayer layer = newLayer();
        String group = name("everyone");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            members.add(name("member" + i));
            members.add(layer.newChannel("member"));
        }
        for (String member : members) {
            await(layer.groupAdd(group, member));
        }
        Message hello = Message.of("type", "hello", "to", "all");

        GroupSendResult result = await(layer.groupSend(group, hello));

        assertThat(result).isEqualTo(new GroupSendResult(members.size(), 0));
        assertThat(result.members()).isEqualTo(members.size());
        for (String member : members) {
            assertThat(await(layer.receive(member))).as("message on %s", member).isEqualTo(hello);
        }
        assertNothingArrives(layer, members.toArray(String[]::new));
    }

    @Test
    void aChannelInTwoGroupsGetsOneCopyPerGroupSendToEachGroup() {
        ChannelLayer layer = newLayer();
        String first = name("first");
        String second = name("second");
        String channel = layer.newChannel("both");
        await(layer.groupAdd(first, channel));
        await(layer.groupAdd(second, channel));

        assertThat(await(layer.groupSend(first, Message.of("type", "from.first"))).delivered()).isEqualTo(1);
        assertThat(await(layer.groupSend(second, Message.of("type", "from.second"))).delivered()).isEqualTo(1);

        assertThat(await(layer.receive(channel)).type()).isEqualTo("from.first");
        assertThat(await(layer.receive(channel)).type()).isEqualTo("from.second");
        assertNothingArrives(layer, channel);
    }

    @Test
    void groupAddTwiceIsOneMembership() {
        ChannelLayer layer = newLayer();
        String group = name("twice");
        String channel = name("member");
        await(layer.groupAdd(group, channel));
        await(layer.groupAdd(group, channel));

        assertThat(await(layer.groupSend(group, Message.of("type", "once")))).isEqualTo(new GroupSendResult(1, 0));
        assertThat(await(layer.receive(channel)).type()).isEqualTo("once");
        assertNothingArrives(layer, channel);

        await(layer.groupDiscard(group, channel));
        assertThat(await(layer.groupSend(group, Message.of("type", "gone"))).members())
                .as("one discard ends the single membership")
                .isZero();
    }

    @Test
    void groupDiscardRemovesOnlyThatMembership() {
        ChannelLayer layer = newLayer();
        String group = name("leaving");
        String other = name("other");
        String stays = name("stays");
        String leaves = layer.newChannel("leaves");
        await(layer.groupAdd(group, stays));
        await(layer.groupAdd(group, leaves));
        await(layer.groupAdd(other, leaves));

        await(layer.groupDiscard(group, leaves));
        await(layer.groupDiscard(group, name("never-a-member")));
        await(layer.groupDiscard(name("no-such-group"), leaves));

        assertThat(await(layer.groupSend(group, Message.of("type", "after")))).isEqualTo(new GroupSendResult(1, 0));
        assertThat(await(layer.receive(stays)).type()).isEqualTo("after");
        assertThat(await(layer.groupSend(other, Message.of("type", "still.member"))).delivered()).isEqualTo(1);
        assertThat(await(layer.receive(leaves)).type()).isEqualTo("still.member");
        assertNothingArrives(layer, stays, leaves);
    }

    @Test
    void groupSendToAGroupWithoutMembersDeliversNothingAndSucceeds() {
        ChannelLayer layer = newLayer();
        assertThat(await(layer.groupSend(name("empty"), Message.of("type", "void"))))
                .isEqualTo(GroupSendResult.EMPTY);
    }

    // ---------------------------------------------------------------------------------------
    // Misuse

    @Test
    void invalidChannelNamesAreRejectedAtOnceNamingTheValue() {
        ChannelLayer layer = newLayer();
        Message m = Message.of("type", "x");
        String group = name("valid");
        List<String> invalid = List.of("", "has space", "tab\there", "ümlaut", "slash/no", "a!b!c", "!abc",
                "x".repeat(ChannelNames.MAX_NAME_LENGTH));
        for (String bad : invalid) {
            assertThatThrownBy(() -> layer.send(bad, m)).as("send to '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> layer.receive(bad)).as("receive on '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> layer.groupAdd(group, bad)).as("groupAdd of '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> layer.groupDiscard(group, bad)).as("groupDiscard of '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
        assertLayerStillWorks(layer);
    }

    @Test
    void invalidGroupNamesAreRejectedAtOnceNamingTheValue() {
        ChannelLayer layer = newLayer();
        Message m = Message.of("type", "x");
        String channel = name("valid");
        List<String> invalid = List.of("", "g!x", "with space", "ümlaut", "semi;colon",
                "g".repeat(ChannelNames.MAX_NAME_LENGTH));
        for (String bad : invalid) {
            assertThatThrownBy(() -> layer.groupAdd(bad, channel)).as("groupAdd to '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> layer.groupDiscard(bad, channel)).as("groupDiscard from '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
            assertThatThrownBy(() -> layer.groupSend(bad, m)).as("groupSend to '%s'", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
        assertLayerStillWorks(layer);
    }

    @Test
    void nullArgumentsAreRejectedAtOnceNamingTheArgument() {
        ChannelLayer layer = newLayer();
        Message m = Message.of("type", "x");
        String channel = name("valid");
        String group = name("valid");
        assertThatThrownBy(() -> layer.send(null, m)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> layer.send(channel, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertThatThrownBy(() -> layer.receive(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> layer.groupAdd(null, channel)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> layer.groupAdd(group, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> layer.groupDiscard(null, channel)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> layer.groupDiscard(group, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> layer.groupSend(null, m)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("group");
        assertThatThrownBy(() -> layer.groupSend(group, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("message");
        assertLayerStillWorks(layer);
    }

    @Test
    void namesJustUnderTheLengthLimitAreAccepted() {
        ChannelLayer layer = newLayer();
        int longest = ChannelNames.MAX_NAME_LENGTH - 1;
        String channel = (token + "-" + "c".repeat(longest)).substring(0, longest);
        String group = (token + "." + "g".repeat(longest)).substring(0, longest);
        await(layer.groupAdd(group, channel));
        assertThat(await(layer.groupSend(group, Message.of("type", "long.names"))).delivered()).isEqualTo(1);
        assertThat(await(layer.receive(channel)).type()).isEqualTo("long.names");
    }

    // ---------------------------------------------------------------------------------------
    // Concurrency

    @Test
    void eightThreadsSendingAndReceivingConcurrentlyLoseAndDuplicateNothing() throws Exception {
        int producers = 4;
        int perProducerPerChannel = 200;
        ChannelLayer layer = newLayer(LayerOptions.builder().capacity(10_000).build());
        List<String> channels = List.of(name("busy0"), name("busy1"),
                layer.newChannel("busy"), layer.newChannel("busy"));
        int perChannel = producers * perProducerPerChannel;

        ExecutorService pool = Executors.newFixedThreadPool(producers + channels.size());
        try {
            List<Future<List<Message>>> consumers = new ArrayList<>();
            for (String channel : channels) {
                consumers.add(pool.submit(() -> {
                    List<Message> got = new ArrayList<>(perChannel);
                    for (int i = 0; i < perChannel; i++) {
                        got.add(await(layer.receive(channel)));
                    }
                    return got;
                }));
            }
            List<Future<?>> senders = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                senders.add(pool.submit(() -> {
                    for (int n = 0; n < perProducerPerChannel; n++) {
                        for (String channel : channels) {
                            await(layer.send(channel, Message.of("type", "load", "p", producer, "n", n)));
                        }
                    }
                }));
            }
            for (Future<?> sender : senders) {
                sender.get(patience().toMillis() * 3, TimeUnit.MILLISECONDS);
            }
            for (int c = 0; c < channels.size(); c++) {
                List<Message> got = consumers.get(c).get(patience().toMillis() * 3, TimeUnit.MILLISECONDS);
                Map<Long, Long> lastByProducer = new HashMap<>();
                Set<String> seen = new HashSet<>();
                for (Message m : got) {
                    long producer = m.getLong("p");
                    long n = m.getLong("n");
                    assertThat(seen.add(producer + "/" + n)).as("%s is not duplicated on %s", m, channels.get(c))
                            .isTrue();
                    Long last = lastByProducer.put(producer, n);
                    assertThat(n).as("FIFO per producer on %s", channels.get(c)).isGreaterThan(last == null ? -1 : last);
                }
                assertThat(seen).as("every message on %s", channels.get(c)).hasSize(perChannel);
            }
        } finally {
            pool.shutdownNow();
        }
        assertNothingArrives(layer, channels.toArray(String[]::new));
    }

    // ---------------------------------------------------------------------------------------
    // Closing and flushing

    @Test
    void closeFailsWaitingReceivesWithLayerClosedException() {
        ChannelLayer layer = newLayer();
        CompletableFuture<Message> normal = layer.receive(name("closing")).toCompletableFuture();
        CompletableFuture<Message> local = layer.receive(layer.newChannel("closing")).toCompletableFuture();

        layer.close();

        assertThat(failureOf(normal)).isInstanceOf(LayerClosedException.class);
        assertThat(failureOf(local)).isInstanceOf(LayerClosedException.class);
    }

    @Test
    void everyOperationAfterCloseFailsWithLayerClosedException() {
        ChannelLayer layer = newLayer();
        String channel = name("closed");
        String group = name("closed");
        Message m = Message.of("type", "late");
        layer.close();
        layer.close(); // idempotent

        Map<String, Supplier<CompletionStage<?>>> operations = new LinkedHashMap<>();
        operations.put("send", () -> layer.send(channel, m));
        operations.put("receive", () -> layer.receive(channel));
        operations.put("groupAdd", () -> layer.groupAdd(group, channel));
        operations.put("groupDiscard", () -> layer.groupDiscard(group, channel));
        operations.put("groupSend", () -> layer.groupSend(group, m));
        operations.put("flush", layer::flush);
        operations.forEach((operation, call) -> assertThat(failureOf(call.get())).as(operation)
                .isInstanceOf(LayerClosedException.class));
    }

    @Test
    void flushEmptiesChannelsAndGroupsAndTheLayerStaysUsable() {
        ChannelLayer layer = newLayer();
        String normal = name("flushed");
        String local = layer.newChannel("flushed");
        String group = name("flushed");
        for (String channel : List.of(normal, local)) {
            await(layer.send(channel, Message.of("type", "doomed")));
            await(layer.groupAdd(group, channel));
        }

        await(layer.flush());

        assertThat(await(layer.groupSend(group, Message.of("type", "nobody")))).isEqualTo(GroupSendResult.EMPTY);
        assertNothingArrives(layer, normal, local);
        for (String channel : List.of(normal, local)) {
            Message after = Message.of("type", "after.flush");
            await(layer.send(channel, after));
            assertThat(await(layer.receive(channel))).isEqualTo(after);
        }
    }

    @Test
    void optionsReturnsTheOptionsTheLayerEnforces() {
        LayerOptions options = LayerOptions.builder()
                .capacity(7)
                .channelCapacity(CapacityRule.glob("x.*", 2))
                .expiry(Duration.ofSeconds(5))
                .groupExpiry(Duration.ofSeconds(50))
                .build();
        assertThat(newLayer(options).options()).isEqualTo(options);
    }

    // ---------------------------------------------------------------------------------------
    // Message fidelity

    @Test
    void everyMessageValueTypeSurvivesSendAndReceiveIntact() {
        ChannelLayer layer = newLayer();
        Message sample = sampleOfEveryValueType();
        for (String channel : List.of(name("types"), layer.newChannel("types"))) {
            await(layer.send(channel, sample));
            assertReceivedIntact(await(layer.receive(channel)), sample);
        }
    }

    @Test
    void everyMessageValueTypeSurvivesGroupSendIntact() {
        ChannelLayer layer = newLayer();
        Message sample = sampleOfEveryValueType();
        String group = name("types");
        List<String> members = List.of(name("types"), layer.newChannel("types"), layer.newChannel("types"));
        for (String member : members) {
            await(layer.groupAdd(group, member));
        }
        assertThat(await(layer.groupSend(group, sample)).delivered()).isEqualTo(members.size());
        for (String member : members) {
            assertReceivedIntact(await(layer.receive(member)), sample);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Helpers

    /**
     * Creates a layer with {@link LayerOptions#defaults()} that is closed after the test.
     *
     * @return a new layer
     */
    protected final ChannelLayer newLayer() {
        return newLayer(LayerOptions.defaults());
    }

    /**
     * Creates a layer through {@link #createLayer} that is closed after the test.
     *
     * @param options the options to enforce
     * @return a new layer
     */
    protected final ChannelLayer newLayer(LayerOptions options) {
        ChannelLayer layer = createLayer(options);
        assertThat(layer).as("createLayer result").isNotNull();
        created.add(layer);
        return layer;
    }

    /**
     * Returns a channel or group name unique to this test: {@code base} plus a random token.
     *
     * @param base a valid name start
     * @return a valid channel and group name
     */
    protected final String name(String base) {
        return base + "-" + token;
    }

    /**
     * Waits, at most {@link #patience()}, for a stage to complete and returns its value.
     *
     * @param stage the stage
     * @param <T>   the value type
     * @return the value
     */
    protected final <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + patience(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Waits, at most {@link #patience()}, for a stage to fail and returns why.
     *
     * @param stage the stage
     * @return the failure, unwrapped from {@link CompletionException}s
     */
    protected final Throwable failureOf(CompletionStage<?> stage) {
        try {
            Object value = stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("expected a failure, but the operation completed with " + value);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            return cause;
        } catch (CancellationException e) {
            return e;
        } catch (TimeoutException e) {
            throw new AssertionError("the operation neither failed nor completed within " + patience(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Shows that no message arrives on any of the channels: receives on all of them, waits
     * {@link #quietPeriod()}, then cancels; fails naming any message that did arrive.
     *
     * @param layer    the layer
     * @param channels the channels that must stay empty
     */
    protected final void assertNothingArrives(ChannelLayer layer, String... channels) {
        List<CompletableFuture<Message>> receives = new ArrayList<>();
        for (String channel : channels) {
            receives.add(layer.receive(channel).toCompletableFuture());
        }
        waitQuietPeriod(CompletableFuture.anyOf(receives.toArray(new CompletableFuture<?>[0])));
        for (int i = 0; i < channels.length; i++) {
            CompletableFuture<Message> receive = receives.get(i);
            if (!receive.cancel(true)) {
                Object got = receive.isCompletedExceptionally() ? failureOf(receive) : receive.join();
                fail("expected nothing on %s, got %s", channels[i], got);
            }
        }
    }

    /**
     * Polls {@code condition} every 50 ms until it holds, failing after {@link #patience()}.
     *
     * @param description what is awaited, for the failure message
     * @param condition   the condition
     */
    protected final void awaitCondition(String description, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience().toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after %s waiting until %s", patience(), description);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting until " + description, e);
            }
        }
    }

    private void waitQuietPeriod(CompletableFuture<?> watched) {
        try {
            watched.get(quietPeriod().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException expected) {
            // Nothing happened during the quiet period, which is what the callers want to see.
        } catch (ExecutionException | CancellationException e) {
            // The caller inspects the outcome itself.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private boolean succeeds(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().get(patience().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChannelFullException) {
                return false;
            }
            throw new AssertionError("the operation failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("the operation did not complete within " + patience(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private void assertLayerStillWorks(ChannelLayer layer) {
        String channel = name("still-works");
        Message m = Message.of("type", "still.works");
        await(layer.send(channel, m));
        assertThat(await(layer.receive(channel))).isEqualTo(m);
    }

    private static Message sampleOfEveryValueType() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < allBytes.length; i++) {
            allBytes[i] = (byte) i;
        }
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("null", null);
        nested.put("list", List.of(1, "two", 3.5, false, List.of(), Map.of()));
        nested.put("deeper", Map.of("deepest", Map.of("bytes", new byte[] {0, -1}, "text", "€")));
        List<Object> mixed = new ArrayList<>();
        mixed.add(null);
        mixed.add(true);
        mixed.add(Long.MIN_VALUE);
        mixed.add("ünïcødé");
        mixed.add(new byte[] {42});
        mixed.add(Map.of("k", List.of(List.of(1, 2), List.of())));
        return Message.builder("types.all")
                .put("null", null)
                .put("true", true)
                .put("false", false)
                .put("zero", 0L)
                .put("small", 1)
                .put("negative", -1L)
                .put("int32.max", (long) Integer.MAX_VALUE + 1)
                .put("long.max", Long.MAX_VALUE)
                .put("long.min", Long.MIN_VALUE)
                .put("double", 3.141592653589793)
                .put("double.negative", -2.5e300)
                .put("double.tiny", Double.MIN_VALUE)
                .put("double.whole", 2.0)
                .put("empty.text", "")
                .put("text", "héllo wörld — ✓ 日本語 😀 \u0000 \"quoted\" \\ \n")
                .put("empty.bytes", new byte[0])
                .put("bytes", allBytes)
                .put("empty.list", List.of())
                .put("empty.map", Map.of())
                .put("list", mixed)
                .put("map", nested)
                .build();
    }

    private static void assertReceivedIntact(Message received, Message sent) {
        assertThat(received).isEqualTo(sent);
        assertThat(received.keys()).as("no key added or lost").containsExactlyInAnyOrderElementsOf(sent.keys());
        assertThat(received.get("long.max")).isInstanceOf(Long.class);
        assertThat(received.get("small")).isInstanceOf(Long.class);
        assertThat(received.get("double.whole")).as("a whole double stays a double").isInstanceOf(Double.class);
        assertThat(received.get("bytes")).as("binary stays binary").isInstanceOf(Bytes.class);
        assertThat(received.get("empty.bytes")).as("empty binary stays binary").isInstanceOf(Bytes.class);
        assertThat(received.get("empty.text")).as("empty text stays text").isInstanceOf(String.class);
        assertThat(received.getList("list").get(4)).isInstanceOf(Bytes.class);
    }

    private static String randomLetters(int count) {
        char[] out = new char[count];
        for (int i = 0; i < count; i++) {
            out[i] = LETTERS[ThreadLocalRandom.current().nextInt(LETTERS.length)];
        }
        return new String(out);
    }
}

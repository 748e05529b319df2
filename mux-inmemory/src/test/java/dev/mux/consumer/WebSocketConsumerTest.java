package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.consumer.TestConsumers.Echo;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import dev.mux.testing.WebSocketCommunicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebSocketConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();
    private final List<WebSocketCommunicator> communicators = new ArrayList<>();

    @AfterEach
    void tearDown() {
        communicators.forEach(WebSocketCommunicator::close);
        layer.close();
    }

    private WebSocketCommunicator client(Supplier<? extends WebSocketConsumer> factory) {
        return client(factory, ConnectionLimits.defaults());
    }

    private WebSocketCommunicator client(Supplier<? extends WebSocketConsumer> factory, ConnectionLimits limits) {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer)
                .consumer(factory)
                .path("/ws/test/")
                .subprotocols("chat.v2", "chat.v1")
                .limits(limits)
                .timeout(WAIT)
                .build();
        communicators.add(c);
        return c;
    }

    // ---------------------------------------------------------------------------------------
    // Consumers used below

    /** Records everything and obeys commands sent as text frames. */
    static class Recorder extends WebSocketConsumer {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger disconnectCode = new AtomicInteger(-1);

        @Override
        protected void onText(String text) {
            events.add("text:" + text);
            String[] words = text.split(" ");
            switch (words[0]) {
                case "join" -> groupAdd(words[1]);
                case "leave" -> groupDiscard(words[1]);
                case "close" -> close(Integer.parseInt(words[1]), words.length > 2 ? words[2] : "");
                case "throw" -> throw new IllegalStateException("boom in onText");
                case "flood" -> {
                    for (int i = 0; i < Integer.parseInt(words[1]); i++) {
                        sendText("x".repeat(Integer.parseInt(words[2])));
                    }
                }
                case "send-then-close" -> {
                    sendText("one");
                    sendText("two");
                    close(4001, "bye");
                }
                default -> sendText("echo:" + text);
            }
        }

        @Handles("test.say")
        void say(Message m) {
            events.add("say:" + m.getString("text"));
            sendText("said:" + m.getString("text"));
        }

        @Handles("test.join")
        void join(Message m) {
            groupAdd(m.getString("group"));
        }

        @Override
        protected void onDisconnect(int code) {
            events.add("disconnect:" + code);
            disconnectCode.set(code);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Handshake

    @Test
    void theDefaultConnectAcceptsAndFramesFlowBothWays() {
        WebSocketCommunicator c = client(Echo::new);
        ConnectResult r = c.connect();
        assertThat(r.accepted()).isTrue();
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.chosenSubprotocol()).isEmpty();
        c.sendText("hello");
        assertThat(c.receiveText()).isEqualTo("hello");
        c.sendBinary(new byte[] {1, 2, 3});
        assertThat(c.receiveBinary().toByteArray()).containsExactly(1, 2, 3);
        c.expectNothing();
    }

    @Test
    void acceptWithAnOfferedSubprotocolReportsIt() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                accept(scope().subprotocols().get(1));
            }
        });
        assertThat(c.connect().chosenSubprotocol()).contains("chat.v1");
    }

    @Test
    void acceptWithASubprotocolTheClientDidNotOfferRefusesWith500() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                accept("mqtt");
            }
        });
        ConnectResult r = c.connect();
        assertThat(r.accepted()).isFalse();
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.reason()).contains("IllegalArgumentException");
    }

    @Test
    void rejectBeforeAcceptRefusesWith403AndStillRunsOnDisconnect() {
        Recorder recorder = new Recorder() {
            @Override
            protected void onConnect() {
                reject();
            }
        };
        WebSocketCommunicator c = client(() -> recorder);
        ConnectResult r = c.connect();
        assertThat(r.accepted()).isFalse();
        assertThat(r.status()).isEqualTo(403);
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(CloseCodes.ABNORMAL);
        assertThat(recorder.disconnectCode.get()).isEqualTo(1006);
        assertThat(layer.channelCount()).isZero();
    }

    @Test
    void closeBeforeAcceptRefusesWith403() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                close(4003, "no");
            }
        });
        ConnectResult r = c.connect();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.reason()).contains("before accept");
    }

    @Test
    void acceptThenCloseInOnConnectDeliversTheCloseCodeToTheClient() {
        Recorder recorder = new Recorder() {
            @Override
            protected void onConnect() {
                accept();
                sendText("welcome");
                close(4000, "go away");
            }
        };
        WebSocketCommunicator c = client(() -> recorder);
        assertThat(c.connect().accepted()).isTrue();
        assertThat(c.receiveText()).isEqualTo("welcome");
        assertThat(c.receiveClose()).isEqualTo(4000);
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(4000);
    }

    @Test
    void aConsumerCanDecideLaterFromALayerMessageHandler() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                // An asynchronous check: the answer arrives as a layer message.
                channelLayer().send(channelName(), Message.of("type", "auth.ok"));
            }

            @Handles("auth.ok")
            void authOk(Message m) {
                accept();
                sendText("accepted late");
            }
        });
        assertThat(c.connect().accepted()).isTrue();
        assertThat(c.receiveText()).isEqualTo("accepted late");
    }

    @Test
    void aConsumerThatNeverDecidesIsRefusedWith403AfterTheHandshakeTimeout() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
            }
        }, ConnectionLimits.builder().handshakeTimeout(Duration.ofMillis(200)).build());
        ConnectResult r = c.connect(WAIT);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.reason()).contains("did not accept within");
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1006);
    }

    @Test
    void anExceptionInOnConnectRefusesTheHandshakeWith500() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                throw new IllegalStateException("database down");
            }
        });
        ConnectResult r = c.connect();
        assertThat(r.status()).isEqualTo(500);
        assertThat(c.runtime().stats().refused()).isEqualTo(1);
    }

    @Test
    void sendingBeforeAcceptIsAnErrorThatRefusesTheHandshake() {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                try {
                    sendText("too early");
                } catch (IllegalStateException e) {
                    seen.set(e);
                    throw e;
                }
            }
        });
        assertThat(c.connect().status()).isEqualTo(500);
        assertThat(seen.get()).hasMessageContaining("sendText() before accept()");
    }

    @Test
    void aFactoryThatReusesOneConsumerInstanceGets500ForTheSecondConnection() {
        Echo shared = new Echo();
        WebSocketCommunicator first = client(() -> shared);
        WebSocketCommunicator second = client(() -> shared);
        assertThat(first.connect().accepted()).isTrue();
        ConnectResult r = second.connect();
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.reason()).contains("already serves connection");
    }

    @Test
    void aConsumerWithAMalformedHandlerIsRefusedWith500NamingTheMethod() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Handles("bad")
            void bad(String notAMessage) {
            }
        });
        ConnectResult r = c.connect();
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.reason()).contains("must take exactly one dev.mux.layer.Message");
    }

    @Test
    void acceptAndRejectOutsideTheConsumersCallbacksAreRefused() throws Exception {
        AtomicReference<WebSocketConsumer> ref = new AtomicReference<>();
        WebSocketCommunicator c = client(() -> {
            Echo e = new Echo();
            ref.set(e);
            return e;
        });
        assertThat(c.connect().accepted()).isTrue();
        Echo e = (Echo) ref.get();
        assertThatThrownBy(e::reject).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("must be called from the consumer's own callbacks");
        assertThatThrownBy(new Echo()::accept).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not connected yet");
    }

    // ---------------------------------------------------------------------------------------
    // Closing

    @Test
    void theClientsCloseCodeReachesOnDisconnect() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder);
        c.connect();
        c.disconnect(4321);
        assertThat(recorder.disconnectCode.get()).isEqualTo(4321);
        assertThat(c.runtime().stats().openConnections()).isZero();
    }

    @Test
    void aServerCloseSendsQueuedFramesFirstThenTheCodeAndDisconnectsWithIt() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder);
        c.connect();
        c.sendText("send-then-close");
        assertThat(c.receiveText()).isEqualTo("one");
        assertThat(c.receiveText()).isEqualTo("two");
        assertThat(c.receiveClose()).isEqualTo(4001);
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(4001);
        assertThat(recorder.events).endsWith("disconnect:4001");
    }

    @Test
    void framesAfterTheServerClosedAreDroppedAndOnDisconnectRunsOnce() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder);
        c.connect();
        c.sendText("close 1000");
        assertThat(c.receiveClose()).isEqualTo(1000);
        c.awaitDisconnected(WAIT);
        c.sendText("ignored");
        c.disconnect(1001);
        c.expectNothing();
        assertThat(recorder.events).containsExactly("text:close 1000", "disconnect:1000");
    }

    @Test
    void anInvalidCloseCodeIsRejectedAndClosesWith1011() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder);
        c.connect();
        c.sendText("close 1005");
        assertThat(c.receiveClose()).isEqualTo(1011);
        assertThatThrownBy(() -> CloseCodes.check(1000, "x".repeat(124)))
                .hasMessageContaining("at most 123 bytes");
    }

    // ---------------------------------------------------------------------------------------
    // Groups and layer messages

    static final class GroupProbe extends WebSocketConsumer {
        final AtomicInteger membersSeenInOnConnect = new AtomicInteger(-1);

        @Override
        protected Collection<String> groups() {
            return List.of("declared_a", "declared_b");
        }

        @Override
        protected void onConnect() {
            // If declared groups were joined first, this consumer is a member of both already.
            int a = channelLayer().groupSend("declared_a", Message.of("type", "probe")).toCompletableFuture()
                    .join().delivered();
            membersSeenInOnConnect.set(a);
            accept();
        }

        @Handles("probe")
        void probe(Message m) {
            sendText("probe");
        }

        @Handles("test.join")
        void join(Message m) {
            groupAdd(m.getString("group"));
            sendText("joined " + m.getString("group"));
        }
    }

    @Test
    void declaredGroupsAreJoinedBeforeOnConnectRuns() {
        GroupProbe probe = new GroupProbe();
        WebSocketCommunicator c = client(() -> probe);
        assertThat(c.connect().accepted()).isTrue();
        assertThat(probe.membersSeenInOnConnect.get()).isEqualTo(1);
        assertThat(c.receiveText()).isEqualTo("probe");
    }

    @Test
    void everyGroupJoinedIsDiscardedOnDisconnectAndTheLayerIsLeftEmpty() {
        WebSocketCommunicator c = client(GroupProbe::new);
        c.connect();
        c.receiveText();
        layer.send(c.channelName(), Message.of("type", "test.join", "group", "added_later"));
        assertThat(c.receiveText()).isEqualTo("joined added_later");
        assertThat(layer.groupCount()).isEqualTo(3);
        c.disconnect();
        assertThat(layer.groupCount()).isZero();
        assertThat(layer.channelCount()).isZero();
        assertThat(layer.groupSend("added_later", Message.of("type", "probe")).toCompletableFuture().join().members())
                .isZero();
    }

    @Test
    void aGroupAddInOnConnectIsInEffectWhenTheHandshakeCompletes() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onConnect() {
                groupAdd("room_1");
                accept();
            }

            @Handles("room.msg")
            void msg(Message m) {
                sendText(m.getString("text"));
            }
        });
        assertThat(c.connect().accepted()).isTrue();
        // No waiting: the membership must exist the moment connect() returned.
        assertThat(layer.groupSend("room_1", Message.of("type", "room.msg", "text", "hi")).toCompletableFuture()
                .join().delivered()).isEqualTo(1);
        assertThat(c.receiveText()).isEqualTo("hi");
    }

    @Test
    void layerMessagesAreDispatchedByTypeAndAnUnknownTypeIsDroppedWithoutClosing() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder);
        c.connect();
        layer.send(c.channelName(), Message.of("type", "nobody.handles.this"));
        layer.send(c.channelName(), Message.of("text", "no type at all"));
        layer.send(c.channelName(), Message.of("type", "test.say", "text", "still here"));
        assertThat(c.receiveText()).isEqualTo("said:still here");
        assertThat(c.runtime().stats().unhandledMessages()).isEqualTo(2);
        c.sendText("ping");
        assertThat(c.receiveText()).isEqualTo("echo:ping");
    }

    @Test
    void aHandlerSeesGroupMessagesSentByAnotherConsumer() {
        WebSocketCommunicator a = client(Recorder::new);
        WebSocketCommunicator b = client(Recorder::new);
        a.connect();
        b.connect();
        a.sendText("join team");
        b.sendText("join team");
        a.sendText("ping");
        b.sendText("ping");
        assertThat(a.receiveText()).isEqualTo("echo:ping"); // both joins are done: ordering per connection
        assertThat(b.receiveText()).isEqualTo("echo:ping");
        layer.groupSend("team", Message.of("type", "test.say", "text", "to all"));
        assertThat(a.receiveText()).isEqualTo("said:to all");
        assertThat(b.receiveText()).isEqualTo("said:to all");
    }

    // ---------------------------------------------------------------------------------------
    // Ordering and parallelism

    @Test
    void eventsOfOneConnectionRunOneAtATimeInArrivalOrder() {
        AtomicInteger active = new AtomicInteger();
        AtomicInteger maxActive = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            private void enter(String what) {
                maxActive.accumulateAndGet(active.incrementAndGet(), Math::max);
                seen.add(what);
                for (int i = 0; i < 200; i++) {
                    Thread.yield(); // widen the window in which an overlap would show
                }
                active.decrementAndGet();
            }

            @Override
            protected void onText(String text) {
                enter(text);
                if (text.equals("done")) {
                    sendText("done");
                }
            }

            @Handles("tick")
            void tick(Message m) {
                enter("tick" + m.getLong("n"));
            }
        });
        c.connect();
        int n = 50; // below the layer's channel capacity, so no tick is refused
        for (int i = 0; i < n; i++) {
            c.sendText("frame" + i);
            layer.send(c.channelName(), Message.of("type", "tick", "n", i));
        }
        c.sendText("done");
        assertThat(c.receiveText()).isEqualTo("done");
        assertThat(maxActive.get()).isEqualTo(1);
        List<String> frames;
        List<String> ticksSeen;
        synchronized (seen) {
            frames = seen.stream().filter(s -> s.startsWith("frame")).toList();
            ticksSeen = seen.stream().filter(s -> s.startsWith("tick")).toList();
        }
        List<String> expectedFrames = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expectedFrames.add("frame" + i);
        }
        assertThat(frames).isEqualTo(expectedFrames);
        assertThat(ticksSeen).isSorted().isNotEmpty();
    }

    @Test
    void differentConnectionsRunInParallel() throws Exception {
        CountDownLatch bothInside = new CountDownLatch(2);
        AtomicInteger passed = new AtomicInteger();
        Supplier<WebSocketConsumer> factory = () -> new WebSocketConsumer() {
            @Override
            protected void onText(String text) throws RuntimeException {
                bothInside.countDown();
                try {
                    // Returns only if the other connection's callback runs at the same time.
                    if (bothInside.await(5, TimeUnit.SECONDS)) {
                        passed.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                sendText("out");
            }
        };
        WebSocketCommunicator a = client(factory);
        WebSocketCommunicator b = client(factory);
        a.connect();
        b.connect();
        a.sendText("in");
        b.sendText("in");
        assertThat(a.receiveText()).isEqualTo("out");
        assertThat(b.receiveText()).isEqualTo("out");
        assertThat(passed.get()).isEqualTo(2);
    }

    // ---------------------------------------------------------------------------------------
    // Errors and limits

    @Test
    void anExceptionInAHandlerClosesThatConnectionWith1011AndNoOther() {
        WebSocketCommunicator bad = client(Recorder::new);
        WebSocketCommunicator good = client(Recorder::new);
        bad.connect();
        good.connect();
        bad.sendText("join room");
        good.sendText("join room");
        bad.sendText("throw");
        assertThat(bad.receiveClose()).isEqualTo(1011);
        assertThat(bad.awaitDisconnected(WAIT)).isEqualTo(1011);
        good.sendText("ping");
        assertThat(good.receiveText()).isEqualTo("echo:ping");
        layer.groupSend("room", Message.of("type", "test.say", "text", "after"));
        assertThat(good.receiveText()).isEqualTo("said:after");
        assertThat(layer.groupSend("room", Message.of("type", "x")).toCompletableFuture().join().members())
                .isEqualTo(1);
        assertThat(bad.runtime().stats().errorCloses()).isEqualTo(1);
    }

    @Test
    void anExceptionInAHandlerForALayerMessageAlsoClosesWith1011() {
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Handles("explode")
            void explode(Message m) {
                throw new UnsupportedOperationException("no");
            }
        });
        c.connect();
        layer.send(c.channelName(), Message.of("type", "explode"));
        assertThat(c.receiveClose()).isEqualTo(1011);
    }

    @Test
    void aFrameOverTheSizeLimitClosesWith1009AndTheConsumerNeverSeesIt() {
        Recorder recorder = new Recorder();
        WebSocketCommunicator c = client(() -> recorder, ConnectionLimits.builder().maxFrameBytes(10).build());
        c.connect();
        c.sendText("0123456789"); // exactly 10 bytes: allowed
        assertThat(c.receiveText()).isEqualTo("echo:0123456789");
        c.sendText("ééééé!"); // 11 bytes of UTF-8 in 6 characters
        assertThat(c.receiveClose()).isEqualTo(1009);
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1009);
        assertThat(recorder.events).doesNotContain("text:ééééé!");
    }

    @Test
    void aBinaryFrameOverTheSizeLimitClosesWith1009() {
        WebSocketCommunicator c = client(Echo::new, ConnectionLimits.builder().maxFrameBytes(4).build());
        c.connect();
        c.sendBinary(new byte[5]);
        assertThat(c.receiveClose()).isEqualTo(1009);
    }

    @Test
    void aClientThatStopsReadingIsClosedWith1013WhileOthersAreUnaffected() {
        ConnectionLimits limits = ConnectionLimits.builder().maxQueuedMessages(8).maxQueuedBytes(1_000_000).build();
        WebSocketCommunicator slow = client(Recorder::new, limits);
        WebSocketCommunicator fast = client(Recorder::new, limits);
        slow.connect();
        fast.connect();
        slow.sendText("join room");
        fast.sendText("join room");
        slow.sendText("sync");
        fast.sendText("sync");
        assertThat(slow.receiveText()).isEqualTo("echo:sync");
        assertThat(fast.receiveText()).isEqualTo("echo:sync");

        slow.stopReading();
        slow.sendText("flood 50 100");
        assertThat(slow.awaitDisconnected(WAIT)).isEqualTo(1013);
        assertThat(slow.runtime().stats().slowClientCloses()).isEqualTo(1);
        // The slow client's membership is gone; the other client keeps chatting.
        assertThat(layer.groupSend("room", Message.of("type", "test.say", "text", "hi")).toCompletableFuture()
                .join().members()).isEqualTo(1);
        assertThat(fast.receiveText()).isEqualTo("said:hi");

        // When it reads again it finds the frame that was in flight, then the close.
        slow.resumeReading();
        assertThat(slow.receiveText()).hasSize(100);
        assertThat(slow.receiveClose()).isEqualTo(1013);
    }

    @Test
    void theOutboundQueueIsAlsoBoundedByBytes() {
        ConnectionLimits limits = ConnectionLimits.builder().maxQueuedMessages(1000).maxQueuedBytes(1000).build();
        WebSocketCommunicator c = client(Recorder::new, limits);
        c.connect();
        c.stopReading();
        c.sendText("flood 30 100");
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1013);
    }

    @Test
    void aClientThatSendsFasterThanItsConsumerHandlesIsClosedWith1008() {
        CountDownLatch release = new CountDownLatch(1);
        WebSocketCommunicator c = client(() -> new WebSocketConsumer() {
            @Override
            protected void onText(String text) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, ConnectionLimits.builder().maxPendingFrames(5).build());
        c.connect();
        for (int i = 0; i < 7; i++) {
            c.sendText("frame " + i);
        }
        assertThat(c.receiveClose()).isEqualTo(1008);
        release.countDown();
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1008);
        assertThat(c.runtime().stats().floodCloses()).isEqualTo(1);
    }

    @Test
    void sendsFromOtherThreadsAreQueuedSafely() throws Exception {
        AtomicReference<Recorder> ref = new AtomicReference<>();
        WebSocketCommunicator c = client(() -> {
            Recorder r = new Recorder();
            ref.set(r);
            return r;
        });
        c.connect();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    ref.get().sendText("x");
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (int i = 0; i < 200; i++) {
            assertThat(c.receiveText()).isEqualTo("x");
        }
        c.expectNothing();
    }

    @Test
    void closingTheRuntimeClosesLiveConnectionsWith1001() {
        ConsumerRuntime runtime = ConsumerRuntime.builder().layer(layer).build();
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).runtime(runtime).consumer(Recorder::new)
                .timeout(WAIT).build();
        communicators.add(c);
        c.connect();
        runtime.close();
        assertThat(c.receiveClose()).isEqualTo(CloseCodes.GOING_AWAY);
        assertThatThrownBy(() -> runtime.newConnection(new Echo(), Scope.builder("/").build()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aClosedChannelLayerClosesConnectionsWith1001() {
        InMemoryChannelLayer own = new InMemoryChannelLayer();
        WebSocketCommunicator c = WebSocketCommunicator.builder(own).consumer(Recorder::new).timeout(WAIT).build();
        communicators.add(c);
        c.connect();
        own.close();
        assertThat(c.receiveClose()).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1001);
    }
}

package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.observe.CountingListener;
import dev.mux.observe.DropCause;
import dev.mux.testing.WebSocketCommunicator;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The runtime's per-connection policies (inbound rate, per-address cap) and what it reports to
 * its listener, driven through the communicator on a real in-memory layer.
 */
class ConnectionPolicyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final CountingListener counts = new CountingListener();
    private final InMemoryChannelLayer layer = new InMemoryChannelLayer(LayerOptions.defaults(), counts);
    private final List<WebSocketCommunicator> clients = new ArrayList<>();
    private final List<ConsumerRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void tearDown() {
        clients.forEach(WebSocketCommunicator::close);
        runtimes.forEach(ConsumerRuntime::close);
        layer.close();
    }

    /** Echoes text, joins a group on "join", says what it hears in the group. */
    static final class Chatty extends WebSocketConsumer {
        @Override
        protected void onText(String text) {
            if (text.startsWith("join ")) {
                groupAdd(text.substring(5));
                sendText("joined");
            } else {
                sendText("echo:" + text);
            }
        }

        @dev.mux.consumer.Handles("chat.say")
        void say(Message m) {
            sendText("said:" + m.getString("text"));
        }
    }

    private ConsumerRuntime runtime(ConnectionLimits limits) {
        ConsumerRuntime r = ConsumerRuntime.builder().layer(layer).limits(limits).listener(counts).build();
        runtimes.add(r);
        return r;
    }

    private WebSocketCommunicator client(ConsumerRuntime runtime, String ip) {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer)
                .runtime(runtime)
                .consumer(Chatty::new)
                .path("/ws/chat/")
                .remoteAddress(ip == null ? null : new InetSocketAddress(ip, 40000 + clients.size()))
                .timeout(WAIT)
                .build();
        clients.add(c);
        return c;
    }

    @Test
    void aClientOverTheInboundRateIsClosedWith1008WhileAnotherClientKeepsTalking() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxInboundFramesPerSecond(1, 5).build());
        WebSocketCommunicator flooder = client(runtime, "127.0.0.1");
        WebSocketCommunicator calm = client(runtime, "127.0.0.1");
        flooder.connect();
        calm.connect();
        // A burst of 5 is allowed; at 1 frame/s the 6th and later frames, sent at once, are not.
        for (int i = 0; i < 20; i++) {
            flooder.sendText("f" + i);
        }
        assertThat(flooder.awaitDisconnected(WAIT)).isEqualTo(CloseCodes.POLICY_VIOLATION);
        assertThat(runtime.stats().rateLimitCloses()).isEqualTo(1);
        assertThat(runtime.stats().floodCloses()).isZero();
        calm.sendText("hello");
        assertThat(calm.receiveText()).isEqualTo("echo:hello");
        await("the close is reported", () -> counts.closed(CloseCodes.POLICY_VIOLATION) == 1);
    }

    @Test
    void noFrameAfterTheViolationReachesTheConsumer() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxInboundFramesPerSecond(1, 3).build());
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).runtime(runtime)
                .consumer(() -> new WebSocketConsumer() {
                    @Override
                    protected void onText(String text) {
                        seen.add(text);
                    }
                })
                .timeout(WAIT).build();
        clients.add(c);
        c.connect();
        for (int i = 0; i < 6; i++) {
            c.sendText("f" + i);
        }
        assertThat(c.receiveClose()).isEqualTo(CloseCodes.POLICY_VIOLATION);
        c.awaitDisconnected(WAIT);
        // Frames of the burst may or may not have run before the close; those after it never do.
        assertThat(seen).doesNotContain("f3", "f4", "f5");
    }

    @Test
    void aClientWithinItsBurstIsNeverClosed() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxInboundFramesPerSecond(1, 10).build());
        WebSocketCommunicator c = client(runtime, "127.0.0.1");
        c.connect();
        for (int i = 0; i < 10; i++) {
            c.sendText("f" + i);
        }
        for (int i = 0; i < 10; i++) {
            assertThat(c.receiveText()).isEqualTo("echo:f" + i);
        }
        assertThat(runtime.stats().rateLimitCloses()).isZero();
    }

    @Test
    void theAddressCapRefusesTheNextHandshakeWith429AndAdmitsAgainAfterAClose() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxConnectionsPerAddress(2).build());
        WebSocketCommunicator a = client(runtime, "10.1.2.3");
        WebSocketCommunicator b = client(runtime, "10.1.2.3");
        WebSocketCommunicator third = client(runtime, "10.1.2.3");
        WebSocketCommunicator elsewhere = client(runtime, "10.9.9.9");
        assertThat(a.connect().accepted()).isTrue();
        assertThat(b.connect().accepted()).isTrue();
        ConnectResult refused = third.connect();
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.status()).isEqualTo(ConnectResult.TOO_MANY_REQUESTS);
        assertThat(elsewhere.connect().accepted()).isTrue();
        assertThat(runtime.stats().addressLimitRefusals()).isEqualTo(1);
        assertThat(counts.refused(ConnectResult.TOO_MANY_REQUESTS)).isEqualTo(1);

        a.disconnect();
        a.awaitDisconnected(WAIT);
        WebSocketCommunicator again = client(runtime, "10.1.2.3");
        assertThat(again.connect().accepted()).isTrue();
        again.sendText("hi");
        assertThat(again.receiveText()).isEqualTo("echo:hi");
    }

    @Test
    void aRefusedHandshakeAlsoReleasesItsPlaceUnderTheCap() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxConnectionsPerAddress(1).build());
        WebSocketCommunicator rejected = WebSocketCommunicator.builder(layer).runtime(runtime)
                .consumer(() -> new WebSocketConsumer() {
                    @Override
                    protected void onConnect() {
                        reject();
                    }
                })
                .remoteAddress(new InetSocketAddress("10.1.2.3", 1)).timeout(WAIT).build();
        clients.add(rejected);
        assertThat(rejected.connect().status()).isEqualTo(ConnectResult.FORBIDDEN);
        await("the refused connection has ended", () -> runtime.stats().openConnections() == 0);
        assertThat(client(runtime, "10.1.2.3").connect().accepted()).isTrue();
    }

    @Test
    void connectionsWithoutAKnownAddressAreNotCapped() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxConnectionsPerAddress(1).build());
        assertThat(client(runtime, null).connect().accepted()).isTrue();
        assertThat(client(runtime, null).connect().accepted()).isTrue();
    }

    @Test
    void theListenerHearsOpensClosesWithCodesAndFramesWithTheirBytes() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.defaults());
        WebSocketCommunicator c = client(runtime, "127.0.0.1");
        c.connect();
        c.sendText("héllo"); // 6 bytes of UTF-8
        assertThat(c.receiveText()).isEqualTo("echo:héllo");
        c.disconnect(4001);
        c.awaitDisconnected(WAIT);
        await("the close is reported", () -> counts.closed(4001) == 1);
        assertThat(counts.opened()).isEqualTo(1);
        assertThat(counts.framesIn()).isEqualTo(1);
        assertThat(counts.bytesIn()).isEqualTo(6);
        assertThat(counts.framesOut()).isEqualTo(1);
        assertThat(counts.bytesOut()).isEqualTo("echo:héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }

    @Test
    void theListenerHearsMessagesWithoutAHandlerAndFramesDroppedForASlowClient() {
        ConsumerRuntime runtime = runtime(ConnectionLimits.builder().maxQueuedMessages(4).build());
        WebSocketCommunicator c = client(runtime, "127.0.0.1");
        c.connect();
        c.sendText("join room");
        assertThat(c.receiveText()).isEqualTo("joined");
        layer.groupSend("room", Message.of("type", "no.such.handler")).toCompletableFuture().join();
        await("the unhandled message is reported", () -> counts.dropped(DropCause.NO_HANDLER) == 1);

        c.stopReading();
        for (int i = 0; i < 10; i++) {
            layer.groupSend("room", Message.of("type", "chat.say", "text", "m" + i)).toCompletableFuture().join();
        }
        assertThat(c.awaitDisconnected(WAIT)).isEqualTo(CloseCodes.TRY_AGAIN_LATER);
        assertThat(counts.dropped(DropCause.SLOW_CLIENT)).isPositive();
        assertThat(counts.layerGroupSends()).isEqualTo(11);
        await("the close is reported", () -> counts.closed(CloseCodes.TRY_AGAIN_LATER) == 1);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(5); // polling interval of a bounded wait, not a synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }
}

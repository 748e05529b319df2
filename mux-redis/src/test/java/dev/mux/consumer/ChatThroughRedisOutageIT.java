package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.layer.Message;
import dev.mux.observe.CountingListener;
import dev.mux.observe.LayerOperation;
import dev.mux.redis.RedisChannelLayer;
import dev.mux.redis.testing.RedisServer;
import dev.mux.testing.WebSocketCommunicator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tutorial chat on the Redis layer while Redis dies, comes back empty, freezes and thaws:
 * connections stay open, sends during the outage fail visibly (counted, logged once per
 * outage), and chat works again both ways once Redis is back, memberships restored.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChatThroughRedisOutageIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(15);

    /** The Channels tutorial consumer. */
    static final class Chat extends JsonWebSocketConsumer {
        @Override
        protected void onConnect() {
            groupAdd("chat_lobby");
            accept();
        }

        @Override
        protected void onJson(JsonNode content) {
            groupSend("chat_lobby", Message.of("type", "chat.message", "message", content.get("message")));
        }

        @Handles("chat.message")
        void chatMessage(Message event) {
            sendJson(Map.of("message", event.get("message")));
        }
    }

    private final CountingListener counts = new CountingListener();
    private RedisServer redis;
    private RedisChannelLayer layer;
    private ConsumerRuntime runtime;
    private WebSocketCommunicator alice;
    private WebSocketCommunicator bob;

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        layer = RedisChannelLayer.builder().host(redis.uri()).commandTimeout(COMMAND_TIMEOUT)
                .maxReconnectDelay(Duration.ofMillis(300)).listener(counts).build();
        runtime = ConsumerRuntime.builder().layer(layer).listener(counts).build();
        alice = client();
        bob = client();
        say(alice, "hello");
        assertThat(bob.receiveJson(WAIT).get("message").asText()).isEqualTo("hello");
        assertThat(alice.receiveJson(WAIT).get("message").asText()).isEqualTo("hello");
    }

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
        runtime.close();
        layer.close();
        redis.close();
    }

    private WebSocketCommunicator client() {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).runtime(runtime).consumer(Chat::new)
                .path("/ws/chat/lobby/").timeout(WAIT).build();
        assertThat(c.connect(WAIT).accepted()).isTrue();
        return c;
    }

    private static void say(WebSocketCommunicator c, String text) {
        c.sendJson(Map.of("message", text));
    }

    @Test
    void killedThenRestartedRedisLeavesClientsConnectedCountsTheFailuresAndChatResumesBothWays() throws Exception {
        String log = captureLog(() -> {
            redis.kill();
            for (int i = 0; i < 20; i++) {
                say(alice, "lost " + i);
            }
            await("20 failed group sends are counted", () -> runtime.stats().layerFailures() >= 20);
            assertThat(counts.layerFailed(LayerOperation.GROUP_SEND)).isGreaterThanOrEqualTo(20);
            assertThat(alice.runtime().stats().openConnections()).as("both clients stay connected").isEqualTo(2);
            alice.expectNothing();

            redis.restart();
            awaitChatBothWays();
        });
        assertThat(count(log, "the channel layer is unavailable")).as("logged once per outage:\n" + log).isEqualTo(1);
        assertThat(count(log, "available again")).as(log).isEqualTo(1);
        assertThat(runtime.stats().errorCloses()).isZero();
        assertThat(counts.layerDisconnects()).isPositive();
        assertThat(counts.layerReconnects()).isPositive();
    }

    @Test
    void aFrozenRedisMakesSendsTimeOutAsConfiguredNothingHangsAndChatResumesAfterItThaws() throws Exception {
        redis.pause();
        try {
            long started = System.nanoTime();
            say(alice, "frozen");
            await("the send times out", () -> runtime.stats().layerFailures() >= 1);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            // The command timeout bounds connecting and answering separately (twice at most), plus slack.
            assertThat(tookMillis).isLessThan(2 * COMMAND_TIMEOUT.toMillis() + 3000);
            assertThat(runtime.stats().openConnections()).isEqualTo(2);
        } finally {
            redis.resume();
        }
        awaitChatBothWays();
        assertThat(runtime.stats().errorCloses()).isZero();
    }

    @Test
    void aHandshakeDuringTheOutageIsRefusedWith503AndSucceedsOnceRedisIsBack() {
        redis.kill();
        WebSocketCommunicator carol = WebSocketCommunicator.builder(layer).runtime(runtime).consumer(Chat::new)
                .path("/ws/chat/lobby/").timeout(WAIT).build();
        ConnectResult refused = carol.connect(WAIT);
        assertThat(refused.accepted()).isFalse();
        assertThat(refused.status()).isEqualTo(ConnectResult.SERVICE_UNAVAILABLE);
        assertThat(counts.refused(ConnectResult.SERVICE_UNAVAILABLE)).isEqualTo(1);
        redis.restart();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            WebSocketCommunicator retry = WebSocketCommunicator.builder(layer).runtime(runtime).consumer(Chat::new)
                    .path("/ws/chat/lobby/").timeout(WAIT).build();
            if (retry.connect(WAIT).accepted()) {
                retry.close();
                break;
            }
            assertThat(System.nanoTime()).as("a handshake succeeds again within " + WAIT).isLessThan(deadline);
        }
    }

    /** Alice talks until Bob hears her (some tries may fall in the recovery), then Bob answers. */
    private void awaitChatBothWays() {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int attempt = 0;
        while (true) {
            String text = "back " + attempt++;
            say(alice, text);
            WebSocketCommunicator.Received r;
            try {
                r = bob.receiveAny(Duration.ofMillis(500));
            } catch (AssertionError nothingYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("chat did not resume within " + WAIT + "; " + counts);
                }
                continue;
            }
            assertThat(r.isClose()).as("bob stays connected").isFalse();
            break;
        }
        drain(alice);
        drain(bob);
        say(bob, "and back");
        assertThat(lastMessage(alice)).isEqualTo("and back");
        assertThat(lastMessage(bob)).isEqualTo("and back");
    }

    private static String lastMessage(WebSocketCommunicator c) {
        while (true) {
            String m = c.receiveJson(WAIT).get("message").asText();
            if (m.equals("and back")) {
                return m;
            }
        }
    }

    private static void drain(WebSocketCommunicator c) {
        while (true) {
            try {
                c.receiveAny(Duration.ofMillis(300));
            } catch (AssertionError empty) {
                return;
            }
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** Runs a step while keeping a copy of what the loggers write to stderr. */
    private static String captureLog(Step step) throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream copy = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }
        }, true, StandardCharsets.UTF_8);
        System.setErr(tee);
        try {
            step.run();
        } finally {
            System.setErr(original);
        }
        synchronized (copy) {
            return copy.toString(StandardCharsets.UTF_8);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + WAIT + ": " + what);
            }
            try {
                Thread.sleep(10); // polling interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

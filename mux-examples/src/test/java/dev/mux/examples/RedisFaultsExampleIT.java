package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.examples.testing.JsonSocket;
import dev.mux.examples.testing.Metrics;
import dev.mux.examples.testing.ServerProcess;
import dev.mux.redis.testing.RedisServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example server ({@code java -jar mux-examples.jar --redis ...}, its own process) on a real
 * redis-server that is killed and restarted, or frozen and thawed, under steady chat traffic.
 * The server stays up, clients stay connected, failed sends are answered, counted in
 * {@code /metrics} and logged once per outage, and within seconds of Redis' return the chat works
 * again both ways with every membership restored.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RedisFaultsExampleIT {

    private static final long REDIS_TIMEOUT_MILLIS = 500;
    private static final Duration RECOVERY = Duration.ofSeconds(15);
    private static final int CLIENTS = 4;

    private RedisServer redis;
    private ServerProcess server;
    private final List<JsonSocket> clients = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        redis = RedisServer.start();
        Path data = Files.createTempDirectory("mux-faults-");
        server = ServerProcess.start(List.of("--port", "0", "--redis", redis.uri(), "--data-dir", data.toString(),
                "--redis-timeout", Long.toString(REDIS_TIMEOUT_MILLIS)));
        assertThat(server.isReady()).as(server.stderr()).isTrue();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(JsonSocket.open(chat("faults")));
        }
        assertEveryoneHears(0, "warm-up");
    }

    @AfterEach
    void stop() {
        clients.forEach(JsonSocket::close);
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private URI chat(String room) {
        return URI.create("ws://127.0.0.1:" + server.uri().getPort() + "/ws/chat/" + room + "/");
    }

    /** Client {@code from} says something; every client must hear it. */
    private void assertEveryoneHears(int from, String text) {
        clients.get(from).send(Map.of("message", text));
        for (JsonSocket c : clients) {
            while (true) {
                JsonNode frame = c.receive();
                if (text.equals(frame.path("message").asText(null))) {
                    break;
                }
            }
        }
    }

    @Test
    void redisKilledUnderTrafficThenRestartedServerAndClientsStayUpFailuresAreCountedAndChatResumes()
            throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        Thread traffic = new Thread(() -> {
            while (running.get()) {
                int n = sent.getAndIncrement();
                clients.get(n % CLIENTS).send(Map.of("message", "steady " + n));
                pause(20);
            }
        }, "steady-chat");
        traffic.start();
        try {
            await("traffic flows", () -> sent.get() > 20);
            redis.kill();
            await("sends fail and are counted", () -> Metrics.scrape(server.uri())
                    .get("mux_layer_failures_total", "operation", "group_send") >= 20);
            Metrics during = Metrics.scrape(server.uri());
            assertThat(during.get("mux_layer_disconnects_total")).isPositive();
            // The senders are told, and nobody was disconnected.
            assertThat(drainErrors(clients.get(0))).isPositive();
            assertThat(clients).noneMatch(JsonSocket::isClosed);

            redis.restart();
            await("Redis is reconnected", () -> Metrics.scrape(server.uri()).get("mux_layer_reconnects_total") > 0);
        } finally {
            running.set(false);
            traffic.join(5000);
        }
        // Within seconds the chat works both ways: every client hears the first and the last.
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (true) {
            try {
                assertEveryoneHearsWithin(0, "back " + System.nanoTime(), Duration.ofSeconds(2));
                break;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("chat did not resume within " + RECOVERY + ":\n"
                            + Metrics.scrape(server.uri()).text(), notYet);
                }
            }
        }
        assertEveryoneHears(CLIENTS - 1, "and back the other way");
        assertThat(clients).noneMatch(JsonSocket::isClosed);
        assertThat(server.isReady()).isTrue();
        assertThat(count(server.stderr(), "the channel layer is unavailable")).as(server.stderr()).isEqualTo(1);
        assertThat(count(server.stderr(), "available again")).as(server.stderr()).isEqualTo(1);
        assertThat(Metrics.scrape(server.uri()).get("mux_connections_open")).isEqualTo(CLIENTS);
    }

    @Test
    void aFrozenRedisMakesSendsFailWithinTheTimeoutNothingHangsAndChatResumesAfterItThaws() throws Exception {
        redis.pause();
        try {
            long started = System.nanoTime();
            clients.get(1).send(Map.of("message", "into the freeze"));
            JsonNode answer = clients.get(1).receive();
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(answer.path("error").asText()).contains("not delivered");
            // Connecting and answering are each bounded by the timeout; the rest is slack for a busy machine.
            assertThat(tookMillis).isLessThan(2 * REDIS_TIMEOUT_MILLIS + 4000);
            // The server answers other requests meanwhile.
            assertThat(Metrics.scrape(server.uri()).get("mux_layer_failures_total", "operation", "group_send"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(clients).noneMatch(JsonSocket::isClosed);
        } finally {
            redis.resume();
        }
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (true) {
            try {
                assertEveryoneHearsWithin(2, "thawed " + System.nanoTime(), Duration.ofSeconds(2));
                break;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("chat did not resume within " + RECOVERY, notYet);
                }
            }
        }
        assertEveryoneHears(0, "both ways");
    }

    @Test
    void aClientThatStopsReadingIsClosedByPolicyWhileAFastReaderInTheRoomGetsEveryMessage() throws Exception {
        JsonSocket fast = clients.get(0);
        JsonSocket sender = clients.get(1);
        clients.get(2).close();
        clients.get(3).close();
        try (dev.mux.examples.testing.StalledSocket slow =
                     dev.mux.examples.testing.StalledSocket.open(server.uri().getPort(), "/ws/chat/faults/")) {
            await("the stalled client is in the room", () -> Metrics.scrape(server.uri())
                    .get("mux_connections_open") == CLIENTS - 1);
            String text = "x".repeat(990);
            // More than the kernel's socket buffers (a few MiB on loopback) and then the outbound queue
            // (1024 messages) hold, so the server's writes to the stalled client back up.
            int total = 6000;
            int window = 90;  // within the layer's capacity per channel (100)
            for (int i = 0; i < total; i += window) {
                for (int k = i; k < i + window; k++) {
                    sender.send(Map.of("message", k + ":" + text));
                }
                for (int k = i; k < i + window; k++) {
                    JsonNode frame = fast.receive();
                    assertThat(frame.path("message").asText()).as("message %d to the fast reader", k)
                            .startsWith(k + ":");
                }
            }
            await("the stalled client is closed by policy", () -> Metrics.scrape(server.uri())
                    .get("mux_connections_closed_total", "code", "1013") == 1);
            Metrics m = Metrics.scrape(server.uri());
            assertThat(m.get("mux_dropped_total", "cause", "slow_client")).isPositive();
            assertThat(m.get("mux_dropped_total", "cause", "channel_full")).isZero();
        }
    }

    private void assertEveryoneHearsWithin(int from, String text, Duration wait) {
        clients.get(from).send(Map.of("message", text));
        for (JsonSocket c : clients) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                JsonNode frame = c.poll(Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                if (frame == null) {
                    throw new AssertionError("a client did not hear '" + text + "' within " + wait);
                }
                if (text.equals(frame.path("message").asText(null))) {
                    break;
                }
            }
        }
    }

    private static int drainErrors(JsonSocket c) {
        int errors = 0;
        for (JsonNode f; (f = c.poll(Duration.ofMillis(300))) != null; ) {
            if (f.has("error")) {
                errors++;
            }
        }
        return errors;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the pace of the steady traffic, not a synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + RECOVERY + ": " + what);
            }
            pause(50);
        }
    }
}

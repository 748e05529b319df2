package dev.mux.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.examples.load.ServerProbe;
import dev.mux.examples.testing.Metrics;
import dev.mux.examples.testing.ServerProcess;
import dev.mux.examples.testing.StalledSocket;
import dev.mux.redis.testing.RedisServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 20,000 chat connections opened and closed against the example server on Redis, half of them
 * dropped without a close frame (a TCP reset): afterwards no connection, group membership or
 * queued message of a closed connection is left, not even after Redis restarts (nothing stale
 * is restored), and the server's live heap is back at its baseline within 10%.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConnectionChurnExampleIT {

    private static final int CYCLES = 20_000;
    private static final int WARM_UP = 2_000;
    private static final int THREADS = 6;
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final String ROOM = "churn";
    private static final String GROUP_KEY = "asgi:group:chat_" + ROOM;

    private RedisServer redis;
    private ServerProcess server;

    @BeforeEach
    void start() throws IOException {
        redis = RedisServer.start();
        Path data = Files.createTempDirectory("mux-churn-");
        server = ServerProcess.start(List.of("--port", "0", "--redis", redis.uri(), "--data-dir", data.toString()));
        assertThat(server.isReady()).as(server.stderr()).isTrue();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Opens and closes {@code count} chat connections on several threads; every other one abruptly. */
    private void churn(int count) throws Exception {
        int port = server.uri().getPort();
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        StalledSocket s = StalledSocket.connect(port, "/ws/chat/" + ROOM + "/");
                        if (s.status() != 101) {
                            s.close();
                            throw new AssertionError("cycle " + i + ": handshake answered " + s.status());
                        }
                        if (i % 2 == 0) {
                            s.closeNormally();
                        } else {
                            s.closeAbruptly();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get(200, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void awaitSettled(long expectedClosed) {
        await("every connection has ended", () -> {
            Metrics m = Metrics.scrape(server.uri());
            return m.get("mux_connections_open") == 0 && closedTotal(m) >= expectedClosed;
        });
        await("no membership is left in Redis", () -> zcard() == 0);
    }

    private static double closedTotal(Metrics m) {
        return m.values().entrySet().stream().filter(e -> e.getKey().startsWith("mux_connections_closed_total"))
                .mapToDouble(java.util.Map.Entry::getValue).sum();
    }

    private long zcard() {
        return (Long) redis.command("ZCARD", GROUP_KEY);
    }

    @Test
    void twentyThousandConnectDisconnectCyclesLeaveNothingBehindAndTheHeapReturnsToItsBaseline() throws Exception {
        ServerProbe probe = ServerProbe.of(server.pid());
        churn(WARM_UP);
        awaitSettled(WARM_UP);
        long baseline = Math.min(probe.liveHeapBytes(), probe.liveHeapBytes());

        long started = System.nanoTime();
        churn(CYCLES);
        long seconds = (System.nanoTime() - started) / 1_000_000_000;
        awaitSettled(WARM_UP + CYCLES);
        long after = Math.min(probe.liveHeapBytes(), probe.liveHeapBytes());

        // For the reliability notes: what one run measured.
        System.out.printf("connection churn: %d cycles in %d s; live heap %d bytes before, %d after (%+.1f%%)%n",
                CYCLES, seconds, baseline, after, 100.0 * (after - baseline) / baseline);
        Metrics m = Metrics.scrape(server.uri());
        assertThat(m.get("mux_connections_opened_total")).isEqualTo(WARM_UP + CYCLES);
        assertThat(closedTotal(m)).isEqualTo(WARM_UP + CYCLES);
        // The process keys hold no message for a closed connection.
        @SuppressWarnings("unchecked")
        List<Object> keys = (List<Object>) redis.command("KEYS", "asgi*");
        assertThat(keys).as("Redis keys left").isEmpty();
        assertThat(after).as("live heap after %d cycles in %d s: %d bytes, baseline %d bytes", CYCLES, seconds,
                after, baseline).isLessThanOrEqualTo((long) (baseline * 1.10));

        // A restarted Redis gets back only the memberships of live connections: none.
        redis.restart();
        await("the layer saw the restart", () -> server.stderr().contains("Redis restarted")
                || server.stdout().contains("Redis restarted"));
        assertThat(server.stderr() + server.stdout()).contains("restored 0 group membership(s)");
        assertThat(zcard()).isZero();
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + SETTLE + ": " + what);
            }
            try {
                Thread.sleep(100); // polling interval of a bounded wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}

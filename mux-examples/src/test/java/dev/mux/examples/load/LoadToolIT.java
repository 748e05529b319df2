package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the load tool against the Django Channels tutorial chat (daphne + channels_redis) on a private Redis. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadToolIT {

    private static LocalProcess redis;
    private static LocalProcess django;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startServers() throws Exception {
        redis = LocalProcess.redis();
        django = LocalProcess.djangoChat(redis.port);
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (django != null) {
            django.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String room(String name) {
        return "ws://127.0.0.1:" + django.port + "/ws/chat/" + name + "/";
    }

    @Test
    void pacedRunDeliversEveryMessageToEveryClientAndMeasuresTheServer() throws Exception {
        Path json = tmp.resolve("paced.json");
        Run run = run("--url", room("paced"), "--clients", "20", "--messages", "60", "--rate", "100",
                "--server-pid", Long.toString(django.process.pid()), "--label", "paced", "--json", json.toString());

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(Files.readString(json));
        assertThat(r.label()).isEqualTo("paced");
        assertThat(r.connect().connected()).isEqualTo(20);
        assertThat(r.sent().messages()).isEqualTo(60);
        assertThat(r.deliveries().expected()).isEqualTo(20 * 60);
        assertThat(r.deliveries().delivered()).isEqualTo(20 * 60);
        assertThat(r.deliveries().lost()).isZero();
        assertThat(r.deliveries().duplicates()).isZero();
        assertThat(r.deliveries().perSecond()).isPositive();
        assertThat(r.latencyMillis().count()).isEqualTo(20 * 60);
        assertThat(r.latencyMillis().p50()).isPositive().isLessThanOrEqualTo(r.latencyMillis().p99());
        assertThat(r.latencyMillis().p99()).isLessThanOrEqualTo(r.latencyMillis().max());
        assertThat(r.fanout().complete()).isEqualTo(60);
        // Paced at 100/s, 60 messages take about 0.6 s to send.
        assertThat(r.sent().durationMillis()).isBetween(500.0, 5_000.0);
        // Every message's own send delay is measured; it is part of its latency to every client.
        assertThat(r.sent().delayMillis().count()).isEqualTo(60);
        assertThat(r.sent().delayMillis().max()).isLessThanOrEqualTo(r.latencyMillis().max());
        assertThat(r.errors().count()).isZero();
        assertThat(r.server().pid()).isEqualTo(django.process.pid());
        assertThat(r.server().rssConnectedKb()).isPositive();
        assertThat(r.server().peakRssKb()).isGreaterThanOrEqualTo(r.server().rssBeforeKb());
        assertThat(r.server().liveHeapBeforeBytes()).isNull();
        assertThat(run.out).contains("deliveries/s", "lost             0", "p99.9");
    }

    @Test
    void backToBackRunWithTwoSendersAndWarmUpAccountsForEveryDelivery() throws Exception {
        Run run = run("--url", room("blast"), "--clients", "10", "--senders", "2", "--messages", "100",
                "--warmup", "10", "--size", "200", "--json", "-");

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.warmup().messages()).isEqualTo(20);
        assertThat(r.warmup().expected()).isEqualTo(200);
        assertThat(r.sent().messages()).isEqualTo(200);
        assertThat(r.deliveries().expected()).isEqualTo(10 * 200);
        assertThat(r.deliveries().delivered() + r.deliveries().lost()).isEqualTo(r.deliveries().expected());
        assertThat(r.deliveries().delivered()).isPositive();
        assertThat(r.deliveries().duplicates()).isZero();
        assertThat(r.latencyMillis().count()).isEqualTo(r.deliveries().delivered());
        assertThat(r.fanout().complete() + r.fanout().incomplete()).isEqualTo(200);
        assertThat(r.server()).isEqualTo(LoadReport.Server.NONE);
    }

    @Test
    void aWindowBoundsTheMessagesInFlightAndLosesNothing() throws Exception {
        Run run = run("--url", room("window"), "--clients", "5", "--messages", "100", "--window", "4", "--json", "-");

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.settings().window()).isEqualTo(4);
        assertThat(r.sent().maxInFlight()).isBetween(1L, 4L);
        assertThat(r.deliveries().delivered()).isEqualTo(5 * 100);
        assertThat(r.errors().count()).isZero();
    }

    @Test
    void withoutAWindowBackToBackSendingRunsAheadOfTheServer() throws Exception {
        Run run = run("--url", room("nowindow"), "--clients", "5", "--messages", "200", "--json", "-");

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        // Django Channels takes a Redis round trip per message; the sender does not wait for it.
        assertThat(LoadReport.fromJson(run.out).sent().maxInFlight()).isGreaterThan(4);
    }

    @Test
    void serialSendingWaitsForEachMessageToReachEveryClient() throws Exception {
        Run run = run("--url", room("serial"), "--clients", "8", "--messages", "30", "--serial", "--json", "-");

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.settings().serial()).isTrue();
        assertThat(r.fanout().complete()).isEqualTo(30);
        // Never more than one message on its way, so no message waits behind another.
        assertThat(r.sent().maxInFlight()).isEqualTo(1);
        assertThat(r.errors().count()).isZero();
    }

    @Test
    void otherChatterInTheRoomIsCountedAsForeignAndDoesNotDisturbTheAccounting() throws Exception {
        String url = room("shared");
        WebSocket chatter = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Origin", "http://127.0.0.1:" + django.port)
                .buildAsync(URI.create(url), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS);
        CompletableFuture<Run> load = CompletableFuture.supplyAsync(() -> run("--url", url, "--clients", "5",
                "--messages", "40", "--rate", "20", "--json", "-"));
        try {
            while (!load.isDone()) {
                chatter.sendText("{\"message\": \"hello from a person\"}", true).get(10, TimeUnit.SECONDS);
                try {
                    load.get(25, TimeUnit.MILLISECONDS); // paces the chatter at about 40 messages/s
                } catch (TimeoutException e) {
                    // The load is still running: chat on.
                }
            }
        } finally {
            chatter.abort();
        }
        Run run = load.get();

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.deliveries().foreign()).isPositive();
        assertThat(r.deliveries().delivered()).isEqualTo(5 * 40);
        assertThat(r.deliveries().lost()).isZero();
        assertThat(r.errors().count()).isZero();
    }

    @Test
    void handshakesTheServerRefusesAreConnectErrors() {
        Run run = run("--url", room("refused"), "--clients", "3", "--messages", "1",
                "--origin", "http://elsewhere.example", "--json", "-");

        assertThat(run.status).isEqualTo(LoadTool.EXIT_NO_CONNECTION);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.connect().connected()).isZero();
        assertThat(r.connect().failed()).isEqualTo(3);
        assertThat(r.errors().count()).isGreaterThanOrEqualTo(3);
        assertThat(r.errors().samples()).first().asString().contains("connect failed");
        assertThat(r.deliveries().expected()).isZero();
    }

    @Test
    void aPortNobodyListensOnGivesConnectErrorsWithinTheTimeout() throws Exception {
        int closed = LocalProcess.freePort();
        long start = System.nanoTime();

        Run run = run("--url", "ws://127.0.0.1:" + closed + "/ws/chat/x/", "--clients", "4", "--connect-timeout", "2",
                "--json", "-");

        assertThat(run.status).isEqualTo(LoadTool.EXIT_NO_CONNECTION);
        assertThat(LoadReport.fromJson(run.out).connect().failed()).isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void theRunStopsAtItsTimeBoundAndSaysSo() {
        // 1000 messages at 10/s would take 100 s; the bound is 3 s.
        Run run = run("--url", room("bounded"), "--clients", "2", "--messages", "1000", "--rate", "10",
                "--max-duration", "3", "--idle-timeout", "1", "--json", "-");

        assertThat(run.status).as(run.err).isEqualTo(LoadTool.EXIT_OK);
        LoadReport r = LoadReport.fromJson(run.out);
        assertThat(r.truncated()).isTrue();
        assertThat(r.sent().messages()).isBetween(5L, 40L);
        assertThat(r.deliveries().expected()).isEqualTo(2 * r.sent().messages());
        assertThat(r.durationSeconds()).isLessThan(20);
        assertThat(r.errors().samples()).anySatisfy(s -> assertThat(s).contains("time bound"));
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            int status = LoadTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

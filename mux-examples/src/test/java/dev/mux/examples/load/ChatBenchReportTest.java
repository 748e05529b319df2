package dev.mux.examples.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatBenchReportTest {

    @TempDir
    Path dir;

    private static LoadReport report(String label, double perSecond, double p99, Long heapPerConnection) {
        LatencyStats.Millis lat = new LatencyStats.Millis(1000, 0.1, p99 / 3, p99 / 4, p99, p99 * 1.5, p99 * 2);
        return new LoadReport(label, "ws://127.0.0.1:1/ws/chat/x/", "2026-01-01T00:00:00Z",
                new LoadReport.Settings(50, 1, 20, 0, 0, true, 0, 0),
                new LoadReport.Connect(50, 50, 0, 100, lat),
                new LoadReport.Sent(20, 10, 2000, 1, LatencyStats.Millis.EMPTY),
                new LoadReport.Deliveries(1000, 1000, 0, 0, 0, 0, 1000, perSecond),
                lat, new LoadReport.Fanout(20, 0, lat), new LoadReport.Warmup(0, 0, 0),
                new LoadReport.Errors(0, List.of()),
                new LoadReport.Server(7L, 1024L, 2048L, 2048L, 4096L, heapPerConnection == null ? null : 1L,
                        heapPerConnection == null ? null : 2L, heapPerConnection,
                        heapPerConnection == null ? null : 50L),
                new LoadReport.Cpu(2.0, 2000.0 / perSecond, 1.0, 1000.0 / perSecond),
                false, 2);
    }

    private static ChatBenchReport.Results results(boolean withMux) {
        Map<String, LoadReport> django = new LinkedHashMap<>();
        Map<String, LoadReport> mux = new LinkedHashMap<>();
        django.put("blast50", report("django-blast50", 1000, 800, null));
        django.put("paced50", report("django-paced50", 1000, 40, null));
        django.put("paced500", report("django-paced500", 900, 5000, null));
        if (withMux) {
            mux.put("blast50", report("mux-blast50", 25_000, 20, null));
            mux.put("paced50", report("mux-paced50", 1000, 8, null));
            mux.put("paced500", report("mux-paced500", 10_000, 9, null));
        }
        Properties env = new Properties();
        env.setProperty("cores", "2");
        env.setProperty("mux_note", withMux ? "" : "The Mux example server is missing.");
        return new ChatBenchReport.Results(django, mux,
                withMux ? report("scale-inmemory", 1, 30, 12_345L) : null,
                withMux ? report("scale-redis", 1, 60, 25_000L) : null,
                Map.of("ZADD", 50_000.0), withMux ? FLOOR : null, env);
    }

    private static final LoopbackFloor.Floor FLOOR = new LoopbackFloor.Floor(400, 50,
            new LatencyStats.Millis(400, 0.05, 0.3, 0.2, 1.5, 2.0, 2.5),
            new LatencyStats.Millis(400, 0.1, 0.4, 0.25, 1.25, 1.5, 1.75));

    @Test
    void ratiosAndTargetsAreComputedFromTheSameRun() {
        String md = ChatBenchReport.markdown(results(true), "benchmarks-chat.png");

        assertThat(md)
                .contains("![Deliveries per second and p99 latency")
                .contains("| 50 clients, back to back | 25.0× | 40.0× |")
                .contains("| deliveries/s at 50 clients back to back ≥ 20.0× Django | 25.0× | yes |")
                .contains("| p99 at 50 clients paced ≤ 1/10 of Django's | 20.0 % of Django's (8.000 vs 40.00 ms) | **no** |")
                .contains("| heap per idle connection ≤ 20 KB (in-memory layer) | 12,345 bytes | yes |")
                .contains("| heap per idle connection ≤ 20 KB (Redis layer) | 25,000 bytes | **no** |")
                .contains("| ZADD | 50000 |")
                .contains("a chat message costs Redis one write and one pop")
                .contains("| timer wake-up, lateness | 0.200 | 1.500 | 2.500 |")
                .contains("| loopback TCP round trip to an idle thread | 0.250 | 1.250 | 1.750 |")
                .contains("shared with other work and noisy")
                .doesNotContain("Mux was not measured");
    }

    @Test
    void aRunWithoutMuxSaysSoAndStillReportsDjango() {
        String md = ChatBenchReport.markdown(results(false), "benchmarks-chat.png");

        assertThat(md)
                .contains("> **Mux was not measured in this run.** The Mux example server is missing.")
                .contains("| 50 clients, back to back | Mux | not measured |")
                .contains("| 50 clients, back to back | Django Channels | 1000 |")
                .contains("| deliveries/s at 50 clients back to back ≥ 20.0× Django | not measured | — |")
                .contains("Not measured in this run (needs the Mux example server).");
    }

    @Test
    void theLoadToolsSendDelayIsAColumnOfTheResults() {
        Map<String, LoadReport> django = new LinkedHashMap<>(results(false).django());
        LoadReport d = django.get("paced50");
        LatencyStats.Millis delay = new LatencyStats.Millis(20, 0.1, 0.5, 0.4, 2.5, 3.0, 3.0);
        django.put("paced50", new LoadReport(d.label(), d.url(), d.startedAt(), d.settings(), d.connect(),
                new LoadReport.Sent(20, 10, 2000, 1, delay), d.deliveries(), d.latencyMillis(), d.fanout(), d.warmup(),
                d.errors(), d.server(), d.cpu(), d.truncated(), d.durationSeconds()));
        ChatBenchReport.Results r = new ChatBenchReport.Results(django, Map.of(), null, null, Map.of(), null, new Properties());

        String md = ChatBenchReport.markdown(r, "c.png");

        assertThat(md).containsPattern("\\| 50 clients, 20 msg/s \\| Django Channels \\|( [^|]* \\|){5} 0\\.400 / 2\\.500 \\|")
                .contains("### The machine's latency floor\n\nNot measured in this run.");
    }

    @Test
    void resultsAreReadFromTheDirectoryAndMissingFilesAreNotMeasured() throws Exception {
        Files.writeString(dir.resolve("django-blast50.json"), report("django-blast50", 1000, 800, null).toJson());
        Files.writeString(dir.resolve("redis-benchmark.csv"),
                "\"test\",\"rps\",\"avg_latency_ms\"\n\"ZADD\",\"9111.62\",\"4.097\"\n");
        Files.writeString(dir.resolve("env.properties"), "cores=2\nmux_note=missing jar\n");

        ChatBenchReport.Results r = ChatBenchReport.Results.load(dir);

        assertThat(r.django()).containsOnlyKeys("blast50");
        assertThat(r.mux()).isEmpty();
        assertThat(r.scaleInMemory()).isNull();
        assertThat(r.redisOpsPerSecond()).containsEntry("ZADD", 9111.62);
        assertThat(r.env().getProperty("mux_note")).isEqualTo("missing jar");
        assertThat(r.floor()).isNull();
    }

    @Test
    void theFloorIsReadFromTheDirectoryWhenTheProbeRan() throws Exception {
        Files.writeString(dir.resolve("floor.json"), FLOOR.toJson());

        assertThat(ChatBenchReport.Results.load(dir).floor()).isEqualTo(FLOOR);
    }

    @Test
    void theChartIsAPngOfTheDocumentedSize() throws Exception {
        Path png = dir.resolve("chart.png");

        ChatBenchReport.writeChart(results(true), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1200);
        assertThat(image.getHeight()).isEqualTo(520);
    }
}

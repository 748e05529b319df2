package dev.mux.examples.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Turns the results of a chat comparison run (the JSON reports of {@link LoadTool}, the
 * {@code redis-benchmark} CSV and a properties file describing the machine) into a markdown
 * page with ratio tables and a PNG chart drawn with Java2D.
 *
 * <pre>
 * java -cp mux-examples.jar dev.mux.examples.load.ChatBenchReport \
 *     --results DIR --markdown docs/benchmarks-chat.md --chart docs/benchmarks-chat.png
 * </pre>
 *
 * <p>Expected files in the results directory, each optional: {@code django-<scenario>.json} and
 * {@code mux-<scenario>.json} for the scenarios {@code blast50}, {@code paced50} and
 * {@code paced500}; {@code scale-inmemory.json} and {@code scale-redis.json}; {@code
 * redis-benchmark.csv}; {@code floor.json} of {@link LoopbackFloor}; {@code env.properties}. What
 * is missing is reported as not measured.
 *
 * <p>Runs on the calling thread; headless.
 */
public final class ChatBenchReport {

    /** Scenario ids in report order, with their titles. */
    static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

    static {
        SCENARIOS.put("blast50", "50 clients, back to back");
        SCENARIOS.put("paced50", "50 clients, 20 msg/s");
        SCENARIOS.put("paced500", "500 clients, 20 msg/s");
    }

    /** Target: Mux deliveries/s at 50 clients back to back, as a multiple of Django's. */
    static final double TARGET_THROUGHPUT_RATIO = 20;
    /** Target: Mux p99 at 50 clients paced, as a fraction of Django's. */
    static final double TARGET_P99_FRACTION = 0.1;
    /** Target: heap per idle connection, bytes (20 KB). */
    static final long TARGET_HEAP_PER_CONNECTION = 20_000;

    private static final Color MUX = new Color(0x1f, 0x77, 0xb4);
    private static final Color DJANGO = new Color(0x2c, 0xa0, 0x2c);

    private ChatBenchReport() {
    }

    /**
     * Writes the markdown page and the chart.
     *
     * @param args {@code --results DIR --markdown FILE --chart FILE}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true"); // draws into an image; needs no display
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.keySet().equals(java.util.Set.of("--results", "--markdown", "--chart"))) {
            System.err.println("usage: ChatBenchReport --results DIR --markdown FILE --chart FILE");
            System.exit(2);
        }
        Path results = Path.of(opts.get("--results"));
        Path markdown = Path.of(opts.get("--markdown"));
        Path chart = Path.of(opts.get("--chart"));
        Results r = Results.load(results);
        writeChart(r, chart);
        Path chartRef = markdown.toAbsolutePath().getParent().relativize(chart.toAbsolutePath());
        Files.writeString(markdown, markdown(r, chartRef.toString()), StandardCharsets.UTF_8);
        System.err.println("wrote " + markdown + " and " + chart);
    }

    /** Everything one comparison run produced. */
    record Results(Map<String, LoadReport> django, Map<String, LoadReport> mux, LoadReport scaleInMemory,
                   LoadReport scaleRedis, Map<String, Double> redisOpsPerSecond, LoopbackFloor.Floor floor,
                   Properties env) {

        static Results load(Path dir) throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new IOException("results directory not found: " + dir);
            }
            Map<String, LoadReport> django = new LinkedHashMap<>();
            Map<String, LoadReport> mux = new LinkedHashMap<>();
            for (String s : SCENARIOS.keySet()) {
                LoadReport d = read(dir.resolve("django-" + s + ".json"));
                if (d != null) {
                    django.put(s, d);
                }
                LoadReport m = read(dir.resolve("mux-" + s + ".json"));
                if (m != null) {
                    mux.put(s, m);
                }
            }
            Map<String, Double> redis = new LinkedHashMap<>();
            Path csv = dir.resolve("redis-benchmark.csv");
            if (Files.exists(csv)) {
                for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                    String[] cols = line.replace("\"", "").split(",");
                    if (cols.length >= 2 && !cols[0].equals("test")) {
                        try {
                            redis.put(cols[0], Double.parseDouble(cols[1]));
                        } catch (NumberFormatException e) {
                            // Not a result line.
                        }
                    }
                }
            }
            Properties env = new Properties();
            Path envFile = dir.resolve("env.properties");
            if (Files.exists(envFile)) {
                try (Reader in = Files.newBufferedReader(envFile, StandardCharsets.UTF_8)) {
                    env.load(in);
                }
            }
            Path floorFile = dir.resolve("floor.json");
            LoopbackFloor.Floor floor = Files.exists(floorFile)
                    ? LoopbackFloor.Floor.fromJson(Files.readString(floorFile, StandardCharsets.UTF_8)) : null;
            return new Results(django, mux, read(dir.resolve("scale-inmemory.json")),
                    read(dir.resolve("scale-redis.json")), redis, floor, env);
        }

        private static LoadReport read(Path file) throws IOException {
            return Files.exists(file) ? LoadReport.fromJson(Files.readString(file, StandardCharsets.UTF_8)) : null;
        }
    }

    static String markdown(Results r, String chartPath) {
        Properties env = r.env();
        StringBuilder md = new StringBuilder();
        md.append("# Chat benchmarks: Mux and Django Channels\n\n");
        md.append("The Channels tutorial chat (`/ws/chat/<room>/`: a client sends `{\"message\": text}`, every member of\n"
                + "the room receives `{\"message\": text}`) served by Mux and by Django Channels, both on the Redis channel\n"
                + "layer (`channels_redis`-compatible) of one private `redis-server`, driven by the same load tool with the same\n"
                + "loads. Every client is in one room, so one sent message is one delivery per client.\n\n");
        md.append("Produced by `scripts/bench-chat.sh` on ").append(env.getProperty("date", "an unrecorded date"))
                .append(".\n\n");
        md.append("**Machine:** ").append(env.getProperty("cpu", "unrecorded CPU")).append(", ")
                .append(env.getProperty("cores", "?")).append(" cores, ").append(env.getProperty("memory", "?"))
                .append(" RAM, ").append(env.getProperty("os", "?")).append(". ")
                .append("The cores are **shared with other work and noisy**, and the load generator, both servers and Redis\n"
                        + "all run on this same machine, so absolute figures are low and vary between runs; the ratios measured in\n"
                        + "the same run are the meaningful part.\n\n");
        md.append("**Software:** ").append(env.getProperty("java", "?")).append("; Django ")
                .append(env.getProperty("django", "?")).append(", Channels ").append(env.getProperty("channels", "?"))
                .append(", channels_redis ").append(env.getProperty("channels_redis", "?")).append(", Daphne ")
                .append(env.getProperty("daphne", "?")).append(" on Python ").append(env.getProperty("python", "?"))
                .append("; Redis ").append(env.getProperty("redis", "?")).append(".\n\n");
        String muxNote = env.getProperty("mux_note", "");
        if (r.mux().isEmpty()) {
            md.append("> **Mux was not measured in this run.** ")
                    .append(muxNote.isEmpty() ? "The Mux example server jar was missing." : muxNote).append("\n\n");
        } else if (!muxNote.isEmpty()) {
            md.append("> ").append(muxNote).append("\n\n");
        }
        md.append("![Deliveries per second and p99 latency per scenario, Mux and Django Channels](")
                .append(chartPath).append(")\n\n");

        md.append("## Results\n\n");
        md.append("Latency is per delivery, from the send (the *scheduled* send when paced, so stalls are not hidden) to\n"
                + "the arrival at a client. Deliveries/s is distinct deliveries over the time from the first send to the\n"
                + "last delivery. Lost = sent but never delivered to a client within the idle timeout after the last send;\n"
                + "where a run hit its time bound, lost also counts what was still on its way when the run stopped.\n"
                + "Send delay is the load tool's own part of every latency: from a message's stamp (its scheduled time\n"
                + "when paced) until the tool had written it, before any server saw it.\n\n");
        md.append("| scenario | server | deliveries/s | p50 ms | p99 ms | p99.9 ms | max ms | send delay p50 / p99 ms | lost | dup | handshake p99 ms | server CPU µs/delivery | load tool CPU µs/delivery | RSS connected MiB |\n");
        md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, String> s : SCENARIOS.entrySet()) {
            row(md, s.getValue(), "Mux", r.mux().get(s.getKey()));
            row(md, s.getValue(), "Django Channels", r.django().get(s.getKey()));
        }
        md.append("\n### Ratios (same run)\n\n");
        md.append("| scenario | deliveries/s Mux ÷ Django | p99 Django ÷ Mux | p50 Django ÷ Mux | server CPU per delivery Django ÷ Mux | RSS connected Django ÷ Mux |\n");
        md.append("|---|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<String, String> s : SCENARIOS.entrySet()) {
            LoadReport m = r.mux().get(s.getKey());
            LoadReport d = r.django().get(s.getKey());
            md.append("| ").append(s.getValue()).append(" | ")
                    .append(ratio(m, d, x -> x.deliveries().perSecond())).append(" | ")
                    .append(ratio(d, m, x -> x.latencyMillis().p99())).append(" | ")
                    .append(ratio(d, m, x -> x.latencyMillis().p50())).append(" | ")
                    .append(ratio(d, m, x -> orNaN(x.cpu().serverMicrosPerDelivery()))).append(" | ")
                    .append(ratio(d, m, x -> x.server().rssConnectedKb() == null ? Double.NaN : x.server().rssConnectedKb()))
                    .append(" |\n");
        }

        md.append("\n## Targets\n\n");
        md.append("Recorded as measured, met or not.\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        LoadReport mb = r.mux().get("blast50");
        LoadReport db = r.django().get("blast50");
        double tr = ratioValue(mb, db, x -> x.deliveries().perSecond());
        md.append("| deliveries/s at 50 clients back to back ≥ ").append(fmt(TARGET_THROUGHPUT_RATIO))
                .append("× Django | ").append(Double.isNaN(tr) ? "not measured" : fmt(tr) + "×").append(" | ")
                .append(met(tr, tr >= TARGET_THROUGHPUT_RATIO)).append(" |\n");
        LoadReport mp = r.mux().get("paced50");
        LoadReport dp = r.django().get("paced50");
        double pr = ratioValue(mp, dp, x -> x.latencyMillis().p99());
        md.append("| p99 at 50 clients paced ≤ 1/10 of Django's | ")
                .append(Double.isNaN(pr) ? "not measured" : fmt(pr * 100) + " % of Django's ("
                        + LoadReport.fmt(mp.latencyMillis().p99()) + " vs " + LoadReport.fmt(dp.latencyMillis().p99()) + " ms)")
                .append(" | ").append(met(pr, pr <= TARGET_P99_FRACTION)).append(" |\n");
        for (LoadReport scale : new LoadReport[] {r.scaleInMemory(), r.scaleRedis()}) {
            if (scale == null) {
                continue;
            }
            Long h = scale.server().heapPerConnectionBytes();
            double hv = h == null ? Double.NaN : h;
            md.append("| heap per idle connection ≤ 20 KB (").append(layerName(scale)).append(" layer) | ")
                    .append(h == null ? "not measured" : String.format(Locale.ROOT, "%,d bytes", h)).append(" | ")
                    .append(met(hv, hv <= TARGET_HEAP_PER_CONNECTION)).append(" |\n");
        }
        if (r.scaleInMemory() == null && r.scaleRedis() == null) {
            md.append("| heap per idle connection ≤ 20 KB | not measured | — |\n");
        }

        md.append("\n### The machine's latency floor\n\n");
        LoopbackFloor.Floor f = r.floor();
        if (f == null) {
            md.append("Not measured in this run.\n");
        } else {
            md.append("Measured in this run by `java -cp mux-examples.jar dev.mux.examples.load.LoopbackFloor` before the\n"
                    + "servers started: ").append(f.samples()).append(" rounds, one every ").append(f.intervalMillis())
                    .append(" ms as at 20 msg/s, each a timer wake-up and then 32 bytes to an idle\n"
                            + "echo thread over loopback TCP and back. Any server's chat latency includes at least this: the paced\n"
                            + "sender's timer, then a WebSocket round trip is two such wake-ups and writes plus the server's work.\n\n");
            md.append("| what | p50 ms | p99 ms | max ms |\n|---|---:|---:|---:|\n");
            floorRow(md, "timer wake-up, lateness", f.timerLateMillis());
            floorRow(md, "loopback TCP round trip to an idle thread", f.tcpRoundTripMillis());
        }

        md.append("\n### Reading the numbers\n\n");
        md.append("- In the paced scenarios deliveries/s equals the offered load (20 msg/s × clients) as long as a\n"
                + "  server keeps up; there the latency columns tell the servers apart. Where a server falls behind,\n"
                + "  its deliveries/s drops below the offered load and its latency grows with the backlog.\n"
                + "- Both servers speak channels_redis's wire format on the same Redis. A group send writes one\n"
                + "  sorted-set entry per receiving *process* (its `__asgi_channel__` lists that process's member\n"
                + "  channels), so with every client on one server a chat message costs Redis one write and one pop,\n"
                + "  however many clients are in the room: Redis is far from its limit here (see the ceiling below).\n"
                + "  What bounds these runs is CPU: the load tool's clients, the server, Redis and other work share\n"
                + "  two cores, and the load tool parses every delivery it measures.\n"
                + "- CPU per delivery is each process's CPU time during the measured phase divided by the distinct\n"
                + "  deliveries: the server's from `/proc` (10 ms resolution), the load tool's from its own JVM. It is\n"
                + "  the work a server does per delivered message, whatever share of the cores it got; back to back,\n"
                + "  server + load tool (+ Redis) per delivery is what the two cores divide into a throughput.\n"
                + "- Before the scenarios, each server got the same unmeasured warm-up load (50 clients back to\n"
                + "  back): a JVM compiles its hot paths during the first tens of thousands of deliveries.\n"
                + "- Back to back, the sender keeps at most 100 messages in flight (sent but not yet back at itself):\n"
                + "  throughput is what the server sustains, and latency is mostly time spent queued behind the window.\n"
                + "- RSS: a JVM with its heap against one Python process; neither was tuned for memory.\n");
        md.append("\n## Scale: 10,000 connections in one group on one Mux node\n\n");
        if (r.scaleInMemory() == null && r.scaleRedis() == null) {
            md.append("Not measured in this run (needs the Mux example server).\n");
        } else {
            md.append("Heap per idle connection = (live heap after a full GC with every client connected and idle − live\n"
                    + "heap before connecting) ÷ connections, from `jcmd <pid> GC.class_histogram` (which collects first).\n"
                    + "Fan-out = time from the send of one group message until the last of the connections had it;\n"
                    + "percentiles over the broadcasts of one sender, each sent when the previous one had reached every\n"
                    + "connection (`--serial`), so no broadcast waits behind another. Idle clients ping every 10 s\n"
                    + "(`--ping-interval 10`), as browsers behind proxies do.\n\n");
            md.append("| layer | connected | connect all, s | handshake p99 ms | heap per idle connection | broadcasts | fan-out p50 ms | fan-out p99 ms | fan-out max ms | lost | server RSS connected MiB |\n");
            md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
            for (LoadReport s : new LoadReport[] {r.scaleInMemory(), r.scaleRedis()}) {
                if (s == null) {
                    continue;
                }
                Long h = s.server().heapPerConnectionBytes();
                md.append("| ").append(layerName(s)).append(" | ").append(s.connect().connected()).append(" | ")
                        .append(fmt(s.connect().totalMillis() / 1000)).append(" | ")
                        .append(LoadReport.fmt(s.connect().latencyMillis().p99())).append(" | ")
                        .append(h == null ? "—" : String.format(Locale.ROOT, "%,d B", h)).append(" | ")
                        .append(s.fanout().complete()).append(" complete, ").append(s.fanout().incomplete()).append(" incomplete | ")
                        .append(LoadReport.fmt(s.fanout().millis().p50())).append(" | ")
                        .append(LoadReport.fmt(s.fanout().millis().p99())).append(" | ")
                        .append(LoadReport.fmt(s.fanout().millis().max())).append(" | ")
                        .append(s.deliveries().lost()).append(" | ")
                        .append(mib(s.server().rssConnectedKb())).append(" |\n");
            }
        }

        md.append("\n## The Redis ceiling\n\n");
        if (r.redisOpsPerSecond().isEmpty()) {
            md.append("Not measured in this run.\n");
        } else {
            md.append("Raw `redis-benchmark` on the same private Redis (").append(env.getProperty("redis_benchmark", "?"))
                    .append("). A group send costs Redis one Lua script with one `ZADD` per receiving process, and\n"
                            + "each receiving process one pop, whatever the number of member channels behind it.\n\n");
            md.append("| command | ops/s |\n|---|---:|\n");
            for (Map.Entry<String, Double> e : r.redisOpsPerSecond().entrySet()) {
                md.append("| ").append(e.getKey()).append(" | ").append(LoadReport.whole(e.getValue())).append(" |\n");
            }
        }

        md.append("\n## How to reproduce\n\n```sh\n").append(env.getProperty("command", "scripts/bench-chat.sh"))
                .append("\n```\n\n");
        md.append("The script builds `mux-examples/target/mux-examples.jar`, starts a private `redis-server`, the Django\n"
                + "Channels chat (`mux-examples/src/main/python/djangochat`) under Daphne and the Mux example server with\n"
                + "`--redis`, and runs the load tool against each:\n\n");
        md.append("```sh\n").append(env.getProperty("load_command",
                "java -cp mux-examples/target/mux-examples.jar dev.mux.examples.load.LoadTool --url ws://127.0.0.1:PORT/ws/chat/ROOM/ ..."))
                .append("\n```\n\n");
        md.append("Scenario settings: ").append(env.getProperty("scenarios", "see the script")).append(".\n");
        return md.toString();
    }

    private static void floorRow(StringBuilder md, String what, LatencyStats.Millis m) {
        md.append("| ").append(what).append(" | ").append(LoadReport.fmt(m.p50())).append(" | ")
                .append(LoadReport.fmt(m.p99())).append(" | ").append(LoadReport.fmt(m.max())).append(" |\n");
    }

    private static String layerName(LoadReport scale) {
        return scale.label().contains("redis") ? "Redis" : "in-memory";
    }

    private static void row(StringBuilder md, String scenario, String server, LoadReport x) {
        md.append("| ").append(scenario).append(" | ").append(server).append(" | ");
        if (x == null) {
            md.append("not measured | | | | | | | | | | | |\n");
            return;
        }
        LatencyStats.Millis l = x.latencyMillis();
        md.append(LoadReport.whole(x.deliveries().perSecond())).append(" | ")
                .append(LoadReport.fmt(l.p50())).append(" | ")
                .append(LoadReport.fmt(l.p99())).append(" | ")
                .append(LoadReport.fmt(l.p999())).append(" | ")
                .append(LoadReport.fmt(l.max())).append(" | ")
                .append(x.sent().delayMillis().count() == 0 ? "—"
                        : LoadReport.fmt(x.sent().delayMillis().p50()) + " / " + LoadReport.fmt(x.sent().delayMillis().p99()))
                .append(" | ")
                .append(x.deliveries().lost()).append(" of ").append(x.deliveries().expected())
                .append(x.truncated() ? " (time bound hit)" : "").append(" | ")
                .append(x.deliveries().duplicates()).append(" | ")
                .append(LoadReport.fmt(x.connect().latencyMillis().p99())).append(" | ")
                .append(micros(x.cpu().serverMicrosPerDelivery())).append(" | ")
                .append(micros(x.cpu().loadToolMicrosPerDelivery())).append(" | ")
                .append(mib(x.server().rssConnectedKb())).append(" |\n");
    }

    private static String micros(Double value) {
        return value == null ? "—" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }

    private static String mib(Long kb) {
        return kb == null ? "—" : String.format(Locale.ROOT, "%.0f", kb / 1024.0);
    }

    private static double ratioValue(LoadReport a, LoadReport b, ToDoubleFunction<LoadReport> f) {
        if (a == null || b == null) {
            return Double.NaN;
        }
        double bv = f.applyAsDouble(b);
        return bv == 0 ? Double.NaN : f.applyAsDouble(a) / bv;
    }

    private static String ratio(LoadReport a, LoadReport b, ToDoubleFunction<LoadReport> f) {
        double v = ratioValue(a, b, f);
        return Double.isNaN(v) ? "—" : fmt(v) + "×";
    }

    private static String met(double value, boolean ok) {
        return Double.isNaN(value) ? "—" : ok ? "yes" : "**no**";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Draws deliveries/s and p99 latency per scenario, Mux next to Django, on log scales. */
    static void writeChart(Results r, Path file) throws IOException {
        int width = 1200;
        int height = 520;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            panel(g, r, 0, width / 2, height, "Deliveries per second (higher is better)",
                    x -> x.deliveries().perSecond(), false);
            panel(g, r, width / 2, width / 2, height, "p99 latency, ms (lower is better)",
                    x -> x.latencyMillis().p99(), true);
            // Legend.
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            FontMetrics fm = g.getFontMetrics();
            String muxLabel = r.mux().isEmpty() ? "Mux (not measured)" : "Mux";
            String djangoLabel = "Django Channels";
            int gap = 40;
            int total = 20 + fm.stringWidth(muxLabel) + gap + 20 + fm.stringWidth(djangoLabel);
            int lx = (width - total) / 2;
            int ly = height - 22;
            legend(g, lx, ly, MUX, muxLabel);
            legend(g, lx + 20 + fm.stringWidth(muxLabel) + gap, ly, DJANGO, djangoLabel);
        } finally {
            g.dispose();
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
    }

    private static void legend(Graphics2D g, int x, int y, Color c, String text) {
        g.setColor(c);
        g.fillRect(x, y - 12, 14, 14);
        g.setColor(Color.DARK_GRAY);
        g.drawString(text, x + 20, y);
    }

    private static void panel(Graphics2D g, Results r, int x0, int w, int h, String title,
                              ToDoubleFunction<LoadReport> metric, boolean latency) {
        int left = x0 + 80;
        int right = x0 + w - 20;
        int top = 50;
        int bottom = h - 90;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, x0 + (w - fm.stringWidth(title)) / 2, 28);

        List<Double> values = new ArrayList<>();
        for (String s : SCENARIOS.keySet()) {
            for (LoadReport x : new LoadReport[] {r.mux().get(s), r.django().get(s)}) {
                if (x != null && metric.applyAsDouble(x) > 0) {
                    values.add(metric.applyAsDouble(x));
                }
            }
        }
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(10);
        // Log scale from the decade below the smallest value to the decade above the largest; a
        // value just above a decade (1,001) gets the decade below that, or its bar has no height.
        double lo = Math.pow(10, Math.floor(Math.log10(min / 2)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        double logLo = Math.log10(lo);
        double logHi = Math.log10(hi);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            int y = (int) Math.round(bottom - (Math.log10(d) - logLo) / (logHi - logLo) * (bottom - top));
            g.setColor(new Color(0xdd, 0xdd, 0xdd));
            g.setStroke(new BasicStroke(1));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = axisLabel(d);
            g.drawString(label, left - 8 - fm.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);

        int groups = SCENARIOS.size();
        int groupWidth = (right - left) / groups;
        int barWidth = Math.min(60, groupWidth / 3);
        int i = 0;
        for (Map.Entry<String, String> s : SCENARIOS.entrySet()) {
            int gx = left + i * groupWidth + groupWidth / 2;
            LoadReport[] pair = {r.mux().get(s.getKey()), r.django().get(s.getKey())};
            Color[] colors = {MUX, DJANGO};
            for (int k = 0; k < 2; k++) {
                int bx = gx - barWidth - 4 + k * (barWidth + 8);
                LoadReport x = pair[k];
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                fm = g.getFontMetrics();
                if (x == null) {
                    g.setColor(Color.GRAY);
                    String na = "n/a";
                    g.drawString(na, bx + (barWidth - fm.stringWidth(na)) / 2, bottom - 6);
                    continue;
                }
                double v = Math.max(metric.applyAsDouble(x), lo);
                int y = (int) Math.round(bottom - (Math.log10(v) - logLo) / (logHi - logLo) * (bottom - top));
                g.setColor(colors[k]);
                g.fillRect(bx, y, barWidth, bottom - y);
                g.setColor(Color.BLACK);
                String label = latency ? LoadReport.fmt(metric.applyAsDouble(x)) : LoadReport.whole(metric.applyAsDouble(x));
                g.drawString(label, bx + (barWidth - fm.stringWidth(label)) / 2, y - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            fm = g.getFontMetrics();
            g.setColor(Color.BLACK);
            String name = s.getValue();
            g.drawString(name, gx - fm.stringWidth(name) / 2, bottom + 20);
            i++;
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 11));
        g.setColor(Color.GRAY);
        g.drawString("log scale", left + 4, top - 6);
    }

    private static String axisLabel(double d) {
        if (d >= 1_000_000) {
            return String.format(Locale.ROOT, "%.0fM", d / 1_000_000);
        }
        if (d >= 1000) {
            return String.format(Locale.ROOT, "%.0fk", d / 1000);
        }
        if (d >= 1) {
            return String.format(Locale.ROOT, "%.0f", d);
        }
        return Objects.toString(String.format(Locale.ROOT, "%s", d));
    }
}

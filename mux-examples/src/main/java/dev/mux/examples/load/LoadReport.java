package dev.mux.examples.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The result of one load run: connections, sends, deliveries with losses and duplicates,
 * latency percentiles, fan-out times, errors and the server's memory. Renders as a text table
 * and as JSON (and reads back from JSON).
 *
 * <p>Durations are milliseconds, memory kibibytes or bytes as named. Server figures are null
 * when not measured. Immutable and thread-safe.
 *
 * @param label the run's name
 * @param url the chat room's URL
 * @param startedAt when the run started, ISO-8601 UTC
 * @param settings what the run was asked to do
 * @param connect the connection phase
 * @param sent the measured sends
 * @param deliveries the measured deliveries and their accounting
 * @param latencyMillis per delivery: time from send (scheduled send when paced) to arrival
 * @param fanout per message: time from send until the last connected client had it
 * @param warmup the warm-up phase
 * @param errors connection, send and protocol errors
 * @param server the server process's memory
 * @param cpu CPU time of the server process and of the load tool during the measured phase
 * @param truncated whether the run hit its time bound before finishing
 * @param durationSeconds wall time of the whole run
 */
public record LoadReport(
        String label,
        String url,
        String startedAt,
        Settings settings,
        Connect connect,
        Sent sent,
        Deliveries deliveries,
        LatencyStats.Millis latencyMillis,
        Fanout fanout,
        Warmup warmup,
        Errors errors,
        Server server,
        Cpu cpu,
        boolean truncated,
        double durationSeconds) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Validates that no part is missing.
     *
     * @throws NullPointerException if a part is null
     */
    public LoadReport {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(connect, "connect");
        Objects.requireNonNull(sent, "sent");
        Objects.requireNonNull(deliveries, "deliveries");
        Objects.requireNonNull(latencyMillis, "latencyMillis");
        Objects.requireNonNull(fanout, "fanout");
        Objects.requireNonNull(warmup, "warmup");
        Objects.requireNonNull(errors, "errors");
        Objects.requireNonNull(server, "server");
        cpu = cpu == null ? Cpu.NONE : cpu; // reports written before CPU was measured
    }

    /**
     * What the run was asked to do.
     *
     * @param clients clients in the room
     * @param senders sending clients
     * @param messages measured messages per sender
     * @param rate messages per second per sender; 0 = back to back
     * @param window most messages in flight per sender; 0 = no limit
     * @param serial whether each message waited for the previous one to reach every client
     * @param warmup warm-up messages per sender
     * @param size minimum message text length
     */
    public record Settings(int clients, int senders, int messages, double rate, int window, boolean serial,
                           int warmup, int size) {
    }

    /**
     * The connection phase.
     *
     * @param attempted connections tried
     * @param connected connections open after the handshake
     * @param failed connections that failed or timed out
     * @param totalMillis time until every handshake had finished
     * @param latencyMillis per successful handshake: time from request to open
     */
    public record Connect(int attempted, int connected, int failed, double totalMillis, LatencyStats.Millis latencyMillis) {
    }

    /**
     * The measured sends.
     *
     * @param messages messages sent by all senders
     * @param durationMillis time from the first send to the last
     * @param perSecond achieved send rate over all senders
     * @param maxInFlight most messages one sender had on their way (sent, not yet back at itself),
     *     counting the one just sent
     * @param delayMillis per message: time from its stamp (its scheduled send time when paced,
     *     the moment the sender took it up when back to back) until the load tool had written the
     *     frame. This part of every latency is spent in the load tool (its timer waking late, its
     *     own send path), not in the server; {@link LatencyStats.Millis#EMPTY} in reports written
     *     before it was measured
     */
    public record Sent(long messages, double durationMillis, double perSecond, long maxInFlight,
                       LatencyStats.Millis delayMillis) {

        /** Reports written before the send delay was measured read with an empty summary. */
        public Sent {
            delayMillis = delayMillis == null ? LatencyStats.Millis.EMPTY : delayMillis;
        }
    }

    /**
     * The measured deliveries.
     *
     * @param expected connected clients × messages sent
     * @param delivered distinct messages that arrived, summed over clients
     * @param lost expected messages that never arrived
     * @param duplicates arrivals of a message a client already had
     * @param reordered first arrivals after a later message of the same sender
     * @param foreign frames in the room that were not this run's messages
     * @param windowMillis time from the first send to the last delivery
     * @param perSecond delivered / window
     */
    public record Deliveries(long expected, long delivered, long lost, long duplicates, long reordered,
                             long foreign, double windowMillis, double perSecond) {
    }

    /**
     * CPU time used during the measured phase, from its first send until its last delivery
     * arrived (or the waiting for it ended): by the server process (from {@code /proc}, at
     * 10 ms resolution) and by the load tool's own process. Per delivery = time ÷ distinct
     * deliveries. Fields are null when not measured.
     *
     * @param serverSeconds the server's CPU seconds, user and system
     * @param serverMicrosPerDelivery the server's CPU microseconds per delivery
     * @param loadToolSeconds the load tool's CPU seconds
     * @param loadToolMicrosPerDelivery the load tool's CPU microseconds per delivery
     */
    public record Cpu(Double serverSeconds, Double serverMicrosPerDelivery, Double loadToolSeconds,
                      Double loadToolMicrosPerDelivery) {

        /** Nothing measured. */
        public static final Cpu NONE = new Cpu(null, null, null, null);
    }

    /**
     * Per-message fan-out: time from send until the last connected client had the message.
     *
     * @param complete messages that reached every connected client
     * @param incomplete messages that some client never got
     * @param millis percentiles over the complete messages
     */
    public record Fanout(long complete, long incomplete, LatencyStats.Millis millis) {
    }

    /**
     * The warm-up phase (not measured).
     *
     * @param messages warm-up messages sent
     * @param expected deliveries expected
     * @param delivered deliveries that arrived
     */
    public record Warmup(long messages, long expected, long delivered) {
    }

    /**
     * Errors during the run.
     *
     * @param count how many errors
     * @param samples the first few, as text
     */
    public record Errors(long count, List<String> samples) {
        /**
         * Copies the samples.
         */
        public Errors {
            samples = List.copyOf(samples);
        }
    }

    /**
     * The server process's memory; every field null when not measured.
     *
     * @param pid the process id
     * @param rssBeforeKb resident set before the clients connected
     * @param rssConnectedKb resident set with every client connected and idle
     * @param rssEndKb resident set after the last delivery
     * @param peakRssKb largest resident set of the process's life
     * @param liveHeapBeforeBytes live heap after a full GC before connecting (JVM only)
     * @param liveHeapConnectedBytes live heap after a full GC with every client connected and idle (JVM only)
     * @param heapPerConnectionBytes (connected - before) / connections open at the measurement (JVM only)
     * @param heapMeasuredConnections connections still open when the connected heap was measured (JVM only)
     */
    public record Server(Long pid, Long rssBeforeKb, Long rssConnectedKb, Long rssEndKb, Long peakRssKb,
                         Long liveHeapBeforeBytes, Long liveHeapConnectedBytes, Long heapPerConnectionBytes,
                         Long heapMeasuredConnections) {
        /** Nothing measured. */
        public static final Server NONE = new Server(null, null, null, null, null, null, null, null, null);
    }

    /**
     * Renders the report as JSON.
     *
     * @return indented JSON
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render report as JSON", e);
        }
    }

    /**
     * Reads a report written by {@link #toJson()}.
     *
     * @param json the JSON text
     * @return the report
     * @throws IllegalArgumentException if the text is not a report
     */
    public static LoadReport fromJson(String json) {
        try {
            return JSON.readValue(json, LoadReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a load report: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Renders the report as a text table for a terminal.
     *
     * @return the table, lines separated by {@code \n}
     */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        String pacing = settings.rate() == 0
                ? "back to back" + (settings.window() > 0 ? " (window " + settings.window() + ")" : "") : (settings.rate() == Math.rint(settings.rate()) ? whole(settings.rate()) : Double.toString(settings.rate())) + " msg/s per sender";
        line(sb, "run", label + (truncated ? "  (TRUNCATED: hit the time bound)" : ""));
        line(sb, "url", url);
        line(sb, "load", settings.clients() + " clients, " + settings.senders() + " sender(s) x "
                + settings.messages() + " messages, " + pacing + (settings.serial() ? ", serial" : "")
                + (settings.warmup() > 0 ? ", warm-up " + settings.warmup() : ""));
        line(sb, "connect", connect.connected() + "/" + connect.attempted() + " in " + whole(connect.totalMillis())
                + " ms; handshake p50 " + fmt(connect.latencyMillis().p50()) + " p99 " + fmt(connect.latencyMillis().p99())
                + " max " + fmt(connect.latencyMillis().max()) + " ms");
        line(sb, "sent", sent.messages() + " in " + whole(sent.durationMillis()) + " ms (" + whole(sent.perSecond())
                + " msg/s; at most " + sent.maxInFlight() + " in flight)");
        if (sent.delayMillis().count() > 0) {
            line(sb, "send delay ms", percentiles(sent.delayMillis()) + " (stamp to frame written, in the load tool)");
        }
        line(sb, "deliveries/s", whole(deliveries.perSecond()));
        line(sb, "delivered", deliveries.delivered() + " of " + deliveries.expected() + " in "
                + whole(deliveries.windowMillis()) + " ms");
        line(sb, "lost", Long.toString(deliveries.lost()));
        line(sb, "duplicates", Long.toString(deliveries.duplicates()));
        line(sb, "reordered", Long.toString(deliveries.reordered()));
        line(sb, "foreign", Long.toString(deliveries.foreign()));
        line(sb, "latency ms", percentiles(latencyMillis));
        line(sb, "fan-out ms", percentiles(fanout.millis()) + " (" + fanout.complete() + " complete, "
                + fanout.incomplete() + " incomplete)");
        if (warmup.messages() > 0) {
            line(sb, "warm-up", warmup.delivered() + " of " + warmup.expected() + " delivered");
        }
        line(sb, "errors", errors.count() + (errors.samples().isEmpty() ? "" : ": " + errors.samples().get(0)));
        if (server.pid() != null) {
            line(sb, "server pid", server.pid().toString());
            line(sb, "server RSS KiB", "before " + orDash(server.rssBeforeKb()) + ", connected " + orDash(server.rssConnectedKb())
                    + ", end " + orDash(server.rssEndKb()) + ", peak " + orDash(server.peakRssKb()));
            if (server.liveHeapBeforeBytes() != null) {
                line(sb, "server live heap", "before " + server.liveHeapBeforeBytes() + " B, connected "
                        + server.liveHeapConnectedBytes() + " B, per connection " + server.heapPerConnectionBytes()
                        + " B (" + server.heapMeasuredConnections() + " open)");
            }
        }
        if (cpu.loadToolMicrosPerDelivery() != null) {
            line(sb, "CPU/delivery", (cpu.serverMicrosPerDelivery() == null ? ""
                    : String.format(Locale.ROOT, "server %.1f us (%.2f s), ", cpu.serverMicrosPerDelivery(),
                            cpu.serverSeconds()))
                    + String.format(Locale.ROOT, "load tool %.1f us (%.2f s), measured phase",
                            cpu.loadToolMicrosPerDelivery(), cpu.loadToolSeconds()));
        }
        line(sb, "duration", String.format(Locale.ROOT, "%.1f s", durationSeconds));
        return sb.toString();
    }

    private static String percentiles(LatencyStats.Millis m) {
        return "p50 " + fmt(m.p50()) + "  p99 " + fmt(m.p99()) + "  p99.9 " + fmt(m.p999()) + "  max " + fmt(m.max())
                + "  (n=" + m.count() + ")";
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "%-16s %s%n", key, value));
    }

    private static String orDash(Long v) {
        return v == null ? "-" : v.toString();
    }

    /** Formats a latency with about four significant digits. */
    static String fmt(double v) {
        String pattern = v >= 1000 ? "%.0f" : v >= 100 ? "%.1f" : v >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    /** Formats a rate, a count or a long duration as a whole number. */
    static String whole(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }
}

package dev.mux.examples.metrics;

import dev.mux.observe.DropCause;
import dev.mux.observe.LayerOperation;
import dev.mux.observe.MuxListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts what Mux reports as Micrometer counters. Tags stay bounded: close codes, HTTP
 * statuses, layer operations and drop causes, never connection ids, channels or groups.
 *
 * <table>
 *   <caption>Meters (Prometheus names)</caption>
 *   <tr><th>meter</th><th>tags</th><th>counts</th></tr>
 *   <tr><td>{@code mux_connections_opened_total}</td><td></td><td>connections opened</td></tr>
 *   <tr><td>{@code mux_connections_refused_total}</td><td>{@code status}</td><td>handshakes refused</td></tr>
 *   <tr><td>{@code mux_connections_closed_total}</td><td>{@code code}</td><td>connections ended, by close code</td></tr>
 *   <tr><td>{@code mux_frames_in_total}, {@code mux_frames_in_bytes_total}</td><td>{@code kind}</td>
 *       <td>frames from clients</td></tr>
 *   <tr><td>{@code mux_frames_out_total}, {@code mux_frames_out_bytes_total}</td><td>{@code kind}</td>
 *       <td>frames to clients</td></tr>
 *   <tr><td>{@code mux_layer_sent_total}, {@code mux_layer_group_sent_total},
 *       {@code mux_layer_received_total}</td><td></td><td>layer traffic</td></tr>
 *   <tr><td>{@code mux_layer_failures_total}</td><td>{@code operation}</td><td>failed layer operations</td></tr>
 *   <tr><td>{@code mux_dropped_total}</td><td>{@code cause}</td><td>messages and frames dropped</td></tr>
 *   <tr><td>{@code mux_layer_disconnects_total}, {@code mux_layer_reconnects_total}</td><td></td>
 *       <td>store connections lost and re-established</td></tr>
 * </table>
 *
 * <p><b>Threading:</b> thread-safe; every method is lock-free after the first use of a tag.
 */
public final class MicrometerListener implements MuxListener {

    private final MeterRegistry registry;
    private final Counter opened;
    private final Counter[] framesIn;
    private final Counter[] bytesIn;
    private final Counter[] framesOut;
    private final Counter[] bytesOut;
    private final Counter sent;
    private final Counter groupSent;
    private final Counter received;
    private final Counter disconnects;
    private final Counter reconnects;
    private final Map<LayerOperation, Counter> failures = new EnumMap<>(LayerOperation.class);
    private final Map<DropCause, Counter> dropped = new EnumMap<>(DropCause.class);
    private final Map<Integer, Counter> closed = new ConcurrentHashMap<>();
    private final Map<Integer, Counter> refused = new ConcurrentHashMap<>();

    /**
     * Registers the meters; every counter with a fixed tag set exists from the start, at 0.
     *
     * @param registry where the meters live
     */
    public MicrometerListener(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        opened = Counter.builder("mux.connections.opened").description("WebSocket connections opened")
                .register(registry);
        framesIn = kinds("mux.frames.in", "frames received from clients");
        bytesIn = kinds("mux.frames.in.bytes", "payload bytes received from clients");
        framesOut = kinds("mux.frames.out", "frames written to clients");
        bytesOut = kinds("mux.frames.out.bytes", "payload bytes written to clients");
        sent = Counter.builder("mux.layer.sent").description("messages queued by channel layer sends")
                .register(registry);
        groupSent = Counter.builder("mux.layer.group.sent").description("channel layer group sends")
                .register(registry);
        received = Counter.builder("mux.layer.received").description("messages handed to channel layer receives")
                .register(registry);
        disconnects = Counter.builder("mux.layer.disconnects")
                .description("connections of the channel layer to its store that were lost").register(registry);
        reconnects = Counter.builder("mux.layer.reconnects")
                .description("connections of the channel layer to its store re-established after a loss")
                .register(registry);
        for (LayerOperation operation : LayerOperation.values()) {
            failures.put(operation, Counter.builder("mux.layer.failures").description("failed channel layer operations")
                    .tag("operation", operation.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        for (DropCause cause : DropCause.values()) {
            dropped.put(cause, Counter.builder("mux.dropped").description("messages and frames dropped, by cause")
                    .tag("cause", cause.name().toLowerCase(Locale.ROOT)).register(registry));
        }
    }

    private Counter[] kinds(String name, String description) {
        return new Counter[] {
            Counter.builder(name).description(description).tag("kind", "text").register(registry),
            Counter.builder(name).description(description).tag("kind", "binary").register(registry)
        };
    }

    @Override
    public void connectionOpened(String connectionId, String path) {
        opened.increment();
    }

    @Override
    public void connectionRefused(String path, int status, String reason) {
        refused.computeIfAbsent(status, s -> Counter.builder("mux.connections.refused")
                .description("WebSocket handshakes refused, by HTTP status").tag("status", Integer.toString(s))
                .register(registry)).increment();
    }

    @Override
    public void connectionClosed(String connectionId, int code) {
        closed.computeIfAbsent(code, c -> Counter.builder("mux.connections.closed")
                .description("WebSocket connections ended, by close code").tag("code", Integer.toString(c))
                .register(registry)).increment();
    }

    @Override
    public void frameIn(String connectionId, boolean binary, long bytes) {
        framesIn[binary ? 1 : 0].increment();
        bytesIn[binary ? 1 : 0].increment(bytes);
    }

    @Override
    public void frameOut(String connectionId, boolean binary, long bytes) {
        framesOut[binary ? 1 : 0].increment();
        bytesOut[binary ? 1 : 0].increment(bytes);
    }

    @Override
    public void layerSent(String layer, String channel) {
        sent.increment();
    }

    @Override
    public void layerGroupSent(String layer, String group, int delivered, int droppedCount) {
        groupSent.increment();
    }

    @Override
    public void layerReceived(String layer, String channel) {
        received.increment();
    }

    @Override
    public void layerFailed(String layer, LayerOperation operation, Throwable failure) {
        failures.get(operation).increment();
    }

    @Override
    public void dropped(String source, DropCause cause, int count) {
        dropped.get(cause).increment(count);
    }

    @Override
    public void layerDisconnected(String layer, String endpoint) {
        disconnects.increment();
    }

    @Override
    public void layerReconnected(String layer, String endpoint) {
        reconnects.increment();
    }
}

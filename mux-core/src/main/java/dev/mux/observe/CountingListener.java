package dev.mux.observe;

import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link MuxListener} that counts every event in memory: for applications without a metrics
 * library (expose the counts over JMX or a health page), and for tests that assert on what
 * happened.
 *
 * <pre>{@code
 * CountingListener counts = new CountingListener();
 * Mux mux = Mux.builder().layer(new InMemoryChannelLayer(LayerOptions.defaults(), counts)).listener(counts)...;
 * ...
 * long slow = counts.dropped(DropCause.SLOW_CLIENT);
 * long rateLimited = counts.closed(1008);
 * }</pre>
 *
 * <p><b>Threading:</b> thread-safe; counting is lock-free ({@link LongAdder}). Reads are not a
 * consistent snapshot across counters.
 */
public final class CountingListener implements MuxListener {

    private final LongAdder opened = new LongAdder();
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder groupSends = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final Map<Integer, LongAdder> closedByCode = new ConcurrentHashMap<>();
    private final Map<Integer, LongAdder> refusedByStatus = new ConcurrentHashMap<>();
    private final Map<DropCause, LongAdder> droppedByCause = new EnumMap<>(DropCause.class);
    private final Map<LayerOperation, LongAdder> failedByOperation = new EnumMap<>(LayerOperation.class);

    /** Creates a listener with every count at zero. */
    public CountingListener() {
        // Filled up front: EnumMap is not thread-safe for puts, but reads of a full map are.
        for (DropCause c : DropCause.values()) {
            droppedByCause.put(c, new LongAdder());
        }
        for (LayerOperation o : LayerOperation.values()) {
            failedByOperation.put(o, new LongAdder());
        }
    }

    @Override
    public void connectionOpened(String connectionId, String path) {
        opened.increment();
    }

    @Override
    public void connectionRefused(String path, int status, String reason) {
        refusedByStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    @Override
    public void connectionClosed(String connectionId, int code) {
        closedByCode.computeIfAbsent(code, c -> new LongAdder()).increment();
    }

    @Override
    public void frameIn(String connectionId, boolean binary, long bytes) {
        framesIn.increment();
        bytesIn.add(bytes);
    }

    @Override
    public void frameOut(String connectionId, boolean binary, long bytes) {
        framesOut.increment();
        bytesOut.add(bytes);
    }

    @Override
    public void layerSent(String layer, String channel) {
        sent.increment();
    }

    @Override
    public void layerGroupSent(String layer, String group, int delivered, int dropped) {
        groupSends.increment();
    }

    @Override
    public void layerReceived(String layer, String channel) {
        received.increment();
    }

    @Override
    public void layerFailed(String layer, LayerOperation operation, Throwable failure) {
        failedByOperation.get(operation).increment();
    }

    @Override
    public void dropped(String source, DropCause cause, int count) {
        droppedByCause.get(cause).add(count);
    }

    @Override
    public void layerDisconnected(String layer, String endpoint) {
        disconnects.increment();
    }

    @Override
    public void layerReconnected(String layer, String endpoint) {
        reconnects.increment();
    }

    /**
     * Returns the connections opened.
     *
     * @return the count
     */
    public long opened() {
        return opened.sum();
    }

    /**
     * Returns the connections closed, whatever the code.
     *
     * @return the count
     */
    public long closed() {
        return closedByCode.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Returns the connections closed with one code.
     *
     * @param code a close code
     * @return the count
     */
    public long closed(int code) {
        LongAdder n = closedByCode.get(code);
        return n == null ? 0 : n.sum();
    }

    /**
     * Returns the handshakes refused with one HTTP status.
     *
     * @param status an HTTP status
     * @return the count
     */
    public long refused(int status) {
        LongAdder n = refusedByStatus.get(status);
        return n == null ? 0 : n.sum();
    }

    /**
     * Returns the frames received from clients.
     *
     * @return the count
     */
    public long framesIn() {
        return framesIn.sum();
    }

    /**
     * Returns the payload bytes received from clients.
     *
     * @return the count
     */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /**
     * Returns the frames written to clients.
     *
     * @return the count
     */
    public long framesOut() {
        return framesOut.sum();
    }

    /**
     * Returns the payload bytes written to clients.
     *
     * @return the count
     */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /**
     * Returns the messages layers queued with {@code send}.
     *
     * @return the count
     */
    public long layerSent() {
        return sent.sum();
    }

    /**
     * Returns the group sends layers completed.
     *
     * @return the count
     */
    public long layerGroupSends() {
        return groupSends.sum();
    }

    /**
     * Returns the messages layers handed to receives.
     *
     * @return the count
     */
    public long layerReceived() {
        return received.sum();
    }

    /**
     * Returns the failed layer operations of one kind.
     *
     * @param operation the operation
     * @return the count
     */
    public long layerFailed(LayerOperation operation) {
        return failedByOperation.get(operation).sum();
    }

    /**
     * Returns the failed layer operations of every kind.
     *
     * @return the count
     */
    public long layerFailed() {
        return failedByOperation.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /**
     * Returns the messages or frames dropped for one cause.
     *
     * @param cause the cause
     * @return the count
     */
    public long dropped(DropCause cause) {
        return droppedByCause.get(cause).sum();
    }

    /**
     * Returns how often a layer lost its store.
     *
     * @return the count
     */
    public long layerDisconnects() {
        return disconnects.sum();
    }

    /**
     * Returns how often a layer got its store back.
     *
     * @return the count
     */
    public long layerReconnects() {
        return reconnects.sum();
    }

    /**
     * Returns every non-zero count by name, for logs and test failure messages.
     *
     * @return a sorted map
     */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        put(out, "opened", opened());
        put(out, "framesIn", framesIn());
        put(out, "framesOut", framesOut());
        put(out, "layerSent", layerSent());
        put(out, "layerGroupSends", layerGroupSends());
        put(out, "layerReceived", layerReceived());
        put(out, "layerDisconnects", layerDisconnects());
        put(out, "layerReconnects", layerReconnects());
        closedByCode.forEach((code, n) -> put(out, "closed." + code, n.sum()));
        refusedByStatus.forEach((status, n) -> put(out, "refused." + status, n.sum()));
        droppedByCause.forEach((cause, n) -> put(out, "dropped." + cause, n.sum()));
        failedByOperation.forEach((op, n) -> put(out, "failed." + op, n.sum()));
        return out;
    }

    private static void put(Map<String, Long> out, String name, long value) {
        if (value != 0) {
            out.put(name, value);
        }
    }

    @Override
    public String toString() {
        return "CountingListener" + snapshot();
    }
}

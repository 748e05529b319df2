package dev.mux.observe;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards events to several listeners and shields the caller from their exceptions.
 *
 * <p>Thread-safe: the list is immutable; the set of already-logged failures is concurrent.
 */
final class CompositeListener implements MuxListener {

    private static final Logger log = LoggerFactory.getLogger(CompositeListener.class);

    private final MuxListener[] listeners;
    /** "listener#method" pairs already logged: a listener that always throws must not flood the log. */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    private CompositeListener(MuxListener[] listeners) {
        this.listeners = listeners;
    }

    static MuxListener of(List<? extends MuxListener> given) {
        List<MuxListener> flat = new ArrayList<>();
        for (MuxListener l : given) {
            Objects.requireNonNull(l, "listeners must not contain null");
            if (l instanceof CompositeListener c) {
                flat.addAll(List.of(c.listeners));
            } else if (l != NOOP) {
                flat.add(l);
            }
        }
        return flat.isEmpty() ? NOOP : new CompositeListener(flat.toArray(new MuxListener[0]));
    }

    @FunctionalInterface
    private interface Event {
        void deliver(MuxListener l);
    }

    private void each(String method, Event event) {
        for (MuxListener l : listeners) {
            try {
                event.deliver(l);
            } catch (RuntimeException e) {
                if (logged.size() < 1000 && logged.add(System.identityHashCode(l) + "#" + method)) {
                    log.warn("listener {}: {} threw; the event is skipped for it (logged once)", l, method, e);
                }
            }
        }
    }

    @Override
    public void connectionOpened(String connectionId, String path) {
        each("connectionOpened", l -> l.connectionOpened(connectionId, path));
    }

    @Override
    public void connectionRefused(String path, int status, String reason) {
        each("connectionRefused", l -> l.connectionRefused(path, status, reason));
    }

    @Override
    public void connectionClosed(String connectionId, int code) {
        each("connectionClosed", l -> l.connectionClosed(connectionId, code));
    }

    @Override
    public void frameIn(String connectionId, boolean binary, long bytes) {
        each("frameIn", l -> l.frameIn(connectionId, binary, bytes));
    }

    @Override
    public void frameOut(String connectionId, boolean binary, long bytes) {
        each("frameOut", l -> l.frameOut(connectionId, binary, bytes));
    }

    @Override
    public void layerSent(String layer, String channel) {
        each("layerSent", l -> l.layerSent(layer, channel));
    }

    @Override
    public void layerGroupSent(String layer, String group, int delivered, int dropped) {
        each("layerGroupSent", l -> l.layerGroupSent(layer, group, delivered, dropped));
    }

    @Override
    public void layerReceived(String layer, String channel) {
        each("layerReceived", l -> l.layerReceived(layer, channel));
    }

    @Override
    public void layerFailed(String layer, LayerOperation operation, Throwable failure) {
        each("layerFailed", l -> l.layerFailed(layer, operation, failure));
    }

    @Override
    public void dropped(String source, DropCause cause, int count) {
        each("dropped", l -> l.dropped(source, cause, count));
    }

    @Override
    public void layerDisconnected(String layer, String endpoint) {
        each("layerDisconnected", l -> l.layerDisconnected(layer, endpoint));
    }

    @Override
    public void layerReconnected(String layer, String endpoint) {
        each("layerReconnected", l -> l.layerReconnected(layer, endpoint));
    }

    @Override
    public String toString() {
        return "MuxListener.composite" + List.of(listeners);
    }
}

package dev.mux.observe;

import java.util.List;
import java.util.Objects;

/**
 * Hears what Mux does, for metrics and monitoring: connections opened, refused and closed (with
 * their codes), frames in and out, channel layer sends, receives and failures, messages dropped
 * and why, and a layer's connection to its store going and coming back.
 *
 * <p>Every method has an empty default, so a listener overrides only what it counts. Give one
 * listener to the consumer runtime ({@code Mux.builder().listener(...)},
 * {@code ConsumerRuntime.builder().listener(...)}) and to the layer
 * ({@code new InMemoryChannelLayer(options, listener)},
 * {@code RedisChannelLayer.builder().listener(...)}); combine several with
 * {@link #composite(List)}. Names passed in (connection ids, channels, groups) are unbounded
 * sets: a metrics listener should not turn them into tags.
 *
 * <pre>{@code
 * MuxListener counting = new MuxListener() {
 *     final LongAdder dropped = new LongAdder();
 *     @Override public void dropped(String source, DropCause cause, int count) {
 *         dropped.add(count);
 *     }
 * };
 * }</pre>
 *
 * <p><b>Threading:</b> methods are called on the thread where the event happens — container
 * I/O threads, the runtime's executor, a layer's callback or timer threads — concurrently for
 * different connections and channels. Implementations must be thread-safe, fast and must not
 * block or call back into Mux. An exception thrown by a listener is caught and logged (at most
 * once per listener and method) and never disturbs the component that reported the event.
 */
public interface MuxListener {

    /** The default listener: ignores everything. */
    MuxListener NOOP = new MuxListener() {
        @Override
        public String toString() {
            return "MuxListener.NOOP";
        }
    };

    /**
     * Returns a listener that forwards every event to each of the given ones in order; one that
     * throws is logged and skipped, the others still hear the event.
     *
     * @param listeners the listeners; {@link #NOOP} entries are left out
     * @return the composite, or {@link #NOOP} if none is left
     * @throws NullPointerException if the list or an element is {@code null}
     */
    static MuxListener composite(List<? extends MuxListener> listeners) {
        Objects.requireNonNull(listeners, "listeners must not be null");
        return CompositeListener.of(listeners);
    }

    /**
     * Returns a listener that forwards every event to each of the given ones.
     *
     * @param listeners the listeners
     * @return the composite, or {@link #NOOP} if none is given
     * @see #composite(List)
     */
    static MuxListener composite(MuxListener... listeners) {
        Objects.requireNonNull(listeners, "listeners must not be null");
        return CompositeListener.of(List.of(listeners));
    }

    /**
     * Wraps a listener so that its exceptions are logged, never thrown to the reporting
     * component; components call this on the listener they are given.
     *
     * @param listener a listener
     * @return {@link #NOOP} for {@link #NOOP}, the listener itself if already guarded, else a
     *         guarding wrapper
     */
    static MuxListener guarded(MuxListener listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        if (listener == NOOP || listener instanceof CompositeListener) {
            return listener;
        }
        return CompositeListener.of(List.of(listener));
    }

    // -------------------------------------------------------------------------------------
    // Connections, reported by the consumer runtime

    /**
     * A WebSocket connection was accepted and opened.
     *
     * @param connectionId the connection's id, as its log lines show it
     * @param path         the request path relative to the application
     */
    default void connectionOpened(String connectionId, String path) {
    }

    /**
     * A handshake was refused before a connection opened: by the origin policy, the router, the
     * authenticator, a connection limit, or the consumer.
     *
     * @param path   the request path
     * @param status the HTTP status the client got (403, 404, 429, 500, 503)
     * @param reason why, for logs; never client data
     */
    default void connectionRefused(String path, int status, String reason) {
    }

    /**
     * An opened connection has ended and released everything it held.
     *
     * @param connectionId the connection's id
     * @param code         the close code: sent by the server (1008, 1009, 1011, 1013, …), sent by
     *                     the client, or 1006 when the connection dropped without a close frame
     */
    default void connectionClosed(String connectionId, int code) {
    }

    /**
     * A frame arrived from a client, before any limit is applied.
     *
     * @param connectionId the connection's id
     * @param binary       {@code true} for a binary frame, {@code false} for text
     * @param bytes        the payload's size: bytes for binary, UTF-8 bytes for text
     */
    default void frameIn(String connectionId, boolean binary, long bytes) {
    }

    /**
     * A frame was written to a client.
     *
     * @param connectionId the connection's id
     * @param binary       {@code true} for a binary frame, {@code false} for text
     * @param bytes        the payload's size: bytes for binary, UTF-8 bytes for text
     */
    default void frameOut(String connectionId, boolean binary, long bytes) {
    }

    // -------------------------------------------------------------------------------------
    // Channel layers

    /**
     * A layer queued a message on a channel.
     *
     * @param layer   the layer's name, as its log lines show it
     * @param channel the channel
     */
    default void layerSent(String layer, String channel) {
    }

    /**
     * A layer sent a message to a group.
     *
     * @param layer     the layer's name
     * @param group     the group
     * @param delivered member channels the message was queued for
     * @param dropped   member channels skipped because they were full (also reported as
     *                  {@link DropCause#CHANNEL_FULL} drops)
     */
    default void layerGroupSent(String layer, String group, int delivered, int dropped) {
    }

    /**
     * A layer handed a message to a receive.
     *
     * @param layer   the layer's name
     * @param channel the channel it was received on
     */
    default void layerReceived(String layer, String channel) {
    }

    /**
     * A layer operation failed: the channel was full, the store was unreachable or did not
     * answer in time, or the layer was closed.
     *
     * @param layer     the layer's name
     * @param operation the operation
     * @param failure   the exception the operation's stage failed with
     */
    default void layerFailed(String layer, LayerOperation operation, Throwable failure) {
    }

    /**
     * Messages or frames were dropped.
     *
     * @param source the layer's name or the connection's id that dropped them
     * @param cause  why
     * @param count  how many, at least 1
     */
    default void dropped(String source, DropCause cause, int count) {
    }

    /**
     * A layer lost its connection to its store (a Redis server went away).
     *
     * @param layer    the layer's name
     * @param endpoint the store's address, without credentials
     */
    default void layerDisconnected(String layer, String endpoint) {
    }

    /**
     * A layer's connection to its store is back after a loss.
     *
     * @param layer    the layer's name
     * @param endpoint the store's address, without credentials
     */
    default void layerReconnected(String layer, String endpoint) {
    }
}

package dev.mux.consumer;

import dev.mux.layer.Bytes;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The base class of a WebSocket consumer: one instance serves one connection, from the
 * handshake to the disconnect, as in Django Channels.
 *
 * <h2>Lifecycle</h2>
 * <ol>
 *   <li>The connection gets a process-local {@linkplain #channelName() channel name} from the
 *       layer and starts receiving layer messages on it.</li>
 *   <li>The {@linkplain #groups() declared groups} are joined.</li>
 *   <li>{@link #onConnect()} runs during the handshake. It must {@link #accept()} (the default
 *       does), {@link #reject()} (the client sees HTTP 403), or {@link #close(int, String)}
 *       (before accepting, also HTTP 403). It may also decide later, from a layer message
 *       handler, within {@link ConnectionLimits#handshakeTimeout()}.</li>
 *   <li>{@link #onText(String)} and {@link #onBinary(Bytes)} run for each frame; layer messages
 *       are dispatched by their {@code type} to methods annotated with {@link Handles}. A
 *       message whose type has no handler is logged with the connection id and dropped; the
 *       connection stays up.</li>
 *   <li>{@link #onDisconnect(int)} runs exactly once, with the client's close code, with the
 *       server's own code right after the server closed, or with {@value CloseCodes#ABNORMAL} if
 *       the connection dropped or the handshake was refused. Then every group the consumer
 *       joined, declared or added later, is discarded.</li>
 * </ol>
 *
 * <h2>Threading</h2>
 * Every callback ({@code groups}, {@code onConnect}, {@code onText}, {@code onBinary},
 * {@code @Handles} methods, {@code onDisconnect}) runs on a thread of the runtime's shared
 * executor, <b>one at a time per connection, in arrival order</b>; what one callback writes to
 * fields the next one sees. Different connections run in parallel. Group operations started in
 * a callback ({@link #groupAdd}, {@link #groupDiscard}, {@link #groupSend}) complete before the
 * next callback of this connection starts, and before the handshake answer goes out, so a
 * {@code groupAdd} in {@code onConnect} is in effect when the client sees the connection
 * open. A callback may block, but it holds a pool thread while it does.
 *
 * <p>{@link #accept}, {@link #reject} must be called from this consumer's callbacks. The send
 * methods, {@link #close}, and the group methods may be called from any thread.
 *
 * <h2>Errors</h2>
 * An exception thrown by a callback, or a failed group operation it started, is logged with
 * the connection id and closes this connection with {@value CloseCodes#INTERNAL_ERROR} (or
 * refuses the handshake with HTTP 500 if it had not been accepted); other connections are not
 * touched.
 *
 * <pre>{@code
 * public final class EchoConsumer extends WebSocketConsumer {
 *     @Override protected void onText(String text) {
 *         sendText(text);
 *     }
 * }
 * }</pre>
 */
public abstract class WebSocketConsumer {

    private volatile Connection connection;

    /** Creates a consumer; the runtime binds it to its connection before any callback. */
    protected WebSocketConsumer() {
    }

    // ---------------------------------------------------------------------------------------
    // Callbacks

    /**
     * Returns the groups this consumer joins before {@link #onConnect()} runs; they are
     * discarded on disconnect. Called once per connection.
     *
     * @return group names; the default is none
     */
    protected Collection<String> groups() {
        return List.of();
    }

    /**
     * Handles the handshake: call {@link #accept()}, {@link #accept(String)}, {@link #reject()}
     * or {@link #close(int, String)}. The default accepts without a subprotocol.
     */
    protected void onConnect() {
        accept();
    }

    /**
     * Handles a text frame. The default ignores it.
     *
     * @param text the frame's text
     */
    protected void onText(String text) {
    }

    /**
     * Handles a binary frame. The default ignores it.
     *
     * @param data the frame's bytes
     */
    protected void onBinary(Bytes data) {
    }

    /**
     * Handles the end of the connection; runs exactly once, after which the consumer's groups
     * are discarded. Sends are ignored from here on.
     *
     * @param code the close code: the client's, the server's own, or
     *             {@value CloseCodes#ABNORMAL} for a dropped connection or a refused handshake
     */
    protected void onDisconnect(int code) {
    }

    // ---------------------------------------------------------------------------------------
    // Handshake and closing

    /**
     * Accepts the connection without a subprotocol.
     *
     * @throws IllegalStateException if called outside this consumer's callbacks, twice, or
     *                               after the handshake was refused
     */
    protected final void accept() {
        connection().accept(null);
    }

    /**
     * Accepts the connection with one of the subprotocols the client offered
     * ({@link Scope#subprotocols()}).
     *
     * @param subprotocol the chosen subprotocol
     * @throws IllegalArgumentException if the client did not offer it
     * @throws IllegalStateException    if called outside this consumer's callbacks, twice, or
     *                                  after the handshake was refused
     */
    protected final void accept(String subprotocol) {
        Objects.requireNonNull(subprotocol, "subprotocol must not be null; use accept() for none");
        connection().accept(subprotocol);
    }

    /**
     * Rejects the handshake: the client gets HTTP 403 and no WebSocket.
     *
     * @throws IllegalStateException if called outside this consumer's callbacks or after
     *                               {@link #accept()}; use {@link #close(int, String)} then
     */
    protected final void reject() {
        connection().reject();
    }

    /**
     * Closes the connection with {@value CloseCodes#NORMAL}; before {@link #accept()} this
     * rejects the handshake (HTTP 403).
     */
    protected final void close() {
        close(CloseCodes.NORMAL, "");
    }

    /**
     * Closes the connection after the frames already sent; before {@link #accept()} this
     * rejects the handshake (HTTP 403) and the code is not seen by the client. Closing a closed
     * connection does nothing.
     *
     * @param code   1000, 1001-1003, 1007-1014 or an application code 3000-4999
     * @param reason a reason of at most {@value CloseCodes#MAX_REASON_BYTES} UTF-8 bytes
     * @throws IllegalArgumentException if the code may not be sent or the reason is too long
     */
    protected final void close(int code, String reason) {
        connection().close(code, reason == null ? "" : reason);
    }

    // ---------------------------------------------------------------------------------------
    // Sending

    /**
     * Queues a text frame for the client. Frames go out in the order they were queued. A frame
     * for a closed connection is dropped. If the client does not read and the outbound queue is
     * full, the connection closes with {@value CloseCodes#TRY_AGAIN_LATER}.
     *
     * @param text the text
     * @throws IllegalStateException if the connection has not been accepted
     */
    protected final void sendText(String text) {
        connection().sendText(text);
    }

    /**
     * Queues a binary frame for the client; the array is copied.
     *
     * @param data the bytes
     * @throws IllegalStateException if the connection has not been accepted
     * @see #sendText(String)
     */
    protected final void sendBinary(byte[] data) {
        Objects.requireNonNull(data, "data must not be null");
        connection().sendBinary(Bytes.of(data));
    }

    /**
     * Queues a binary frame for the client.
     *
     * @param data the bytes
     * @throws IllegalStateException if the connection has not been accepted
     * @see #sendText(String)
     */
    protected final void sendBinary(Bytes data) {
        connection().sendBinary(data);
    }

    // ---------------------------------------------------------------------------------------
    // Groups and the layer

    /**
     * Adds this consumer's channel to a group; the membership is discarded on disconnect.
     * Called from a callback, the next callback waits until it is done.
     *
     * @param group a valid group name
     * @return a stage that completes when the membership is recorded
     * @throws IllegalArgumentException if the name is invalid
     */
    protected final CompletionStage<Void> groupAdd(String group) {
        return connection().groupAdd(group);
    }

    /**
     * Removes this consumer's channel from a group.
     *
     * @param group a valid group name
     * @return a stage that completes when the membership is gone
     * @throws IllegalArgumentException if the name is invalid
     */
    protected final CompletionStage<Void> groupDiscard(String group) {
        return connection().groupDiscard(group);
    }

    /**
     * Sends a message to every member of a group, this consumer included if it is a member;
     * each member's consumer handles it with its {@link Handles} method for the message's
     * {@code type}.
     *
     * @param group   a valid group name
     * @param message the message, normally with a {@code type}
     * @return a stage with how many members got it and how many were full
     * @throws IllegalArgumentException if the name is invalid
     */
    protected final CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        return connection().groupSend(group, message);
    }

    /**
     * Returns the channel layer, for operations the helpers above do not cover (sending to a
     * worker's channel, for example). Such operations are not awaited by the runtime.
     *
     * @return the layer
     */
    protected final ChannelLayer channelLayer() {
        return connection().layer();
    }

    /**
     * Returns this connection's process-local channel name: send a message there to reach this
     * consumer's {@link Handles} methods.
     *
     * @return the channel name
     */
    protected final String channelName() {
        return connection().channelName();
    }

    /**
     * Returns what is known about the connection: path, query, headers, route parameters,
     * principal.
     *
     * @return the scope
     */
    protected final Scope scope() {
        return connection().scope();
    }

    /**
     * Returns the connection's id, as it appears in every log line about it.
     *
     * @return the id, unique within the process
     */
    protected final String connectionId() {
        return connection().id();
    }

    // ---------------------------------------------------------------------------------------

    /** Binds this instance to its connection; one instance serves exactly one connection. */
    final void bind(Connection c) {
        synchronized (this) {
            if (connection != null) {
                throw new IllegalStateException("consumer " + getClass().getName() + " already serves connection "
                        + connection.id() + "; a route's factory must create a new consumer for every connection");
            }
            connection = c;
        }
    }

    private Connection connection() {
        Connection c = connection;
        if (c == null) {
            throw new IllegalStateException("consumer " + getClass().getName()
                    + " is not connected yet; its methods work from groups() and onConnect() on");
        }
        return c;
    }
}

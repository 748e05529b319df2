package dev.mux.demux;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The handler of one stream of a {@link Demultiplexer demultiplexed} WebSocket: what Channels
 * 1.x put in {@code WebsocketDemultiplexer.consumers}.
 *
 * <p>A stream consumer is shared: the instance given to a demultiplexer serves every connection
 * that demultiplexer factory creates (a {@link dev.mux.binding.Binding} serves all of them).
 * Per-connection state therefore belongs to the connection, not to fields of the consumer —
 * or the route's factory creates a fresh consumer per connection.
 *
 * <pre>{@code
 * StreamConsumer echo = (stream, payload) -> stream.send(Map.of("original_message", payload));
 * }</pre>
 *
 * <p><b>Threading:</b> every method is called on the thread that runs the connection, one call
 * at a time and in arrival order for that connection; calls for different connections run in
 * parallel, so an implementation shared by connections must be thread-safe. An exception
 * thrown here is handled by the connection as any exception in user code: logged with the
 * connection id, and the connection closed with 1011.
 */
@FunctionalInterface
public interface StreamConsumer {

    /**
     * Called once when the socket is accepted, before any frame of the connection is handled.
     *
     * <p>The default does nothing.
     *
     * @param stream this stream's handle on the new connection
     */
    default void onConnect(StreamHandle stream) {
    }

    /**
     * Called for each valid frame on this stream, with the frame's {@code payload}.
     *
     * @param stream  this stream's handle on the connection the frame came from
     * @param payload the frame's payload, always a JSON object; the consumer may keep or change it
     */
    void onPayload(StreamHandle stream, ObjectNode payload);

    /**
     * Called once when the socket has closed; the handle can no longer send to the socket.
     *
     * <p>The default does nothing.
     *
     * @param stream this stream's handle on the closed connection
     * @param code   the WebSocket close code
     */
    default void onDisconnect(StreamHandle stream, int code) {
    }
}

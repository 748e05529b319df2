package dev.mux.demux;

import dev.mux.layer.ChannelLayer;
import dev.mux.layer.GroupSendResult;
import java.security.Principal;
import java.util.concurrent.CompletionStage;

/**
 * One stream of one connection, as its {@link StreamConsumer} sees it: Channels 1.x's
 * {@code WebsocketMultiplexer}.
 *
 * <p>Everything sent through a handle is wrapped in the stream envelope
 * {@code {"stream": "<name>", "payload": ...}}, so the client's demultiplexer routes it back to
 * the same stream.
 *
 * <pre>{@code
 * public void onPayload(StreamHandle stream, ObjectNode payload) {
 *     stream.send(Map.of("echo", payload));                          // to this socket
 *     stream.groupSend("room-7", Map.of("said", payload.get("text"))); // to every member socket
 * }
 * }</pre>
 *
 * <p><b>Threading:</b> may be called from any thread; frames sent to the socket keep the order
 * of the calls that sent them.
 */
public interface StreamHandle {

    /**
     * Returns the stream name this handle wraps frames with.
     *
     * @return the stream name
     */
    String stream();

    /**
     * Sends {@code {"stream": stream(), "payload": payload}} to this connection's socket.
     *
     * @param payload anything Jackson writes as JSON: a {@code JsonNode}, a map, a record, a POJO
     * @throws NullPointerException if {@code payload} is {@code null}
     */
    void send(Object payload);

    /**
     * Sends {@code {"stream": stream(), "payload": payload}} to every socket in a group, through
     * the channel layer; each member demultiplexer writes the frame to its socket as it is.
     *
     * @param group   a valid group name
     * @param payload anything Jackson writes as JSON
     * @return a stage with how many members the frame was queued for and how many were skipped
     *         because they were full
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if the group name is invalid
     */
    CompletionStage<GroupSendResult> groupSend(String group, Object payload);

    /**
     * Returns the channel layer of the connection.
     *
     * @return the layer, never {@code null}
     */
    ChannelLayer channelLayer();

    /**
     * Returns the authenticated user of the connection.
     *
     * @return the principal, or {@code null} for an anonymous connection
     */
    Principal principal();

    /**
     * Returns the id of the connection, for log lines.
     *
     * @return the connection id
     */
    String connectionId();
}

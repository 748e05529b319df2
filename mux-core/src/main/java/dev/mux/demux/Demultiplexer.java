package dev.mux.demux;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.Handles;
import dev.mux.consumer.JsonWebSocketConsumer;
import dev.mux.layer.Bytes;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import java.security.Principal;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON WebSocket consumer that carries many logical streams over one socket: Channels 1.x's
 * {@code WebsocketDemultiplexer}.
 *
 * <p>Frames in both directions are {@code {"stream": "<name>", "payload": {...}}}. Each inbound
 * frame goes to the {@link StreamConsumer} mapped to its stream; connect and disconnect reach
 * every stream consumer; each stream consumer sends through its {@link StreamHandle}, which
 * wraps the envelope, to this socket or to a group. The connection groups ({@link
 * #connectionGroups()}, Channels' {@code connection_groups()}) are joined before the socket is
 * accepted and left when it closes; frames sent to them through the layer (message type
 * {@value StreamFrames#LAYER_MESSAGE_TYPE}) are written to the socket unchanged.
 *
 * <pre>{@code
 * Mux mux = Mux.builder()
 *     .layer(layer)
 *     .route("/ws/", () -> Demultiplexer.of(Map.of("message-stream", messageBinding))
 *                                       .connectionGroups("message-update"))
 *     .build();
 * }</pre>
 *
 * <h2>Errors are answered</h2>
 * Unlike Channels 1.x, which only logged them, a frame that cannot be routed gets an error frame
 * {@code {"stream": <stream or null>, "payload": {"errors": ["<what was wrong>"],
 * "response_status": 400|404}}} and the socket stays open:
 * <ul>
 *   <li>not valid JSON, not a JSON object, or a binary frame: 400, stream {@code null};</li>
 *   <li>no {@code stream} or no {@code payload} key, or a stream that is not a string: 400;</li>
 *   <li>a stream nobody mapped: 404;</li>
 *   <li>a payload that is not a JSON object: 400.</li>
 * </ul>
 * An exception thrown by a stream consumer is an error in the application: it is logged with
 * the connection id and closes the connection with 1011, as for any consumer.
 *
 * <p>A subclass may override {@link #onConnect()} (to check the user before calling
 * {@code super.onConnect()}, which accepts), {@link #onDisconnect(int)} (calling super) and
 * {@link #connectionGroups()} (to compute groups from the {@link #scope() scope}).
 *
 * <p><b>Threading:</b> as every consumer: one instance per connection, callbacks one at a time
 * in arrival order. The stream consumers are called on those callback threads; the handles may
 * be used from any thread.
 */
public class Demultiplexer extends JsonWebSocketConsumer {

    private static final Logger log = LoggerFactory.getLogger(Demultiplexer.class);

    private final Map<String, StreamConsumer> consumers;
    private final Map<String, Handle> handles;
    private volatile List<String> connectionGroups = List.of();

    /**
     * Creates a demultiplexer for one connection.
     *
     * @param consumers stream names to the consumers of those streams; copied, in iteration order
     * @throws IllegalArgumentException if the map is empty or a stream name is blank
     */
    public Demultiplexer(Map<String, ? extends StreamConsumer> consumers) {
        Objects.requireNonNull(consumers, "consumers must not be null");
        if (consumers.isEmpty()) {
            throw new IllegalArgumentException("a demultiplexer needs at least one stream, got an empty map");
        }
        Map<String, StreamConsumer> copy = new LinkedHashMap<>();
        Map<String, Handle> h = new LinkedHashMap<>();
        consumers.forEach((stream, consumer) -> {
            if (stream == null || stream.isBlank()) {
                throw new IllegalArgumentException("stream names must not be null or blank, got "
                        + (stream == null ? "null" : "'" + stream + "'"));
            }
            copy.put(stream, Objects.requireNonNull(consumer, "consumer of stream '" + stream + "' must not be null"));
            h.put(stream, new Handle(stream));
        });
        this.consumers = Collections.unmodifiableMap(copy);
        this.handles = Collections.unmodifiableMap(h);
    }

    /**
     * Creates a demultiplexer for one connection; call it in a route's factory so that every
     * connection gets its own.
     *
     * @param consumers stream names to the consumers of those streams
     * @return a new demultiplexer
     * @throws IllegalArgumentException if the map is empty or a stream name is blank
     */
    public static Demultiplexer of(Map<String, ? extends StreamConsumer> consumers) {
        return new Demultiplexer(consumers);
    }

    /**
     * Sets the groups this connection joins before it is accepted and leaves when it closes.
     *
     * @param groups valid group names
     * @return this demultiplexer
     * @throws IllegalArgumentException if a name is invalid
     */
    public Demultiplexer connectionGroups(String... groups) {
        Objects.requireNonNull(groups, "groups must not be null");
        Set<String> names = new LinkedHashSet<>();
        for (String g : groups) {
            names.add(ChannelNames.requireValidGroup(g));
        }
        this.connectionGroups = List.copyOf(names);
        return this;
    }

    /**
     * Returns the groups this connection joins (Channels' {@code connection_groups()}); a
     * subclass may compute them from the {@link #scope() scope}. Called once, before
     * {@link #onConnect()}.
     *
     * @return group names; by default those given to {@link #connectionGroups(String...)}
     */
    public List<String> connectionGroups() {
        return connectionGroups;
    }

    /**
     * Returns the mapped stream names.
     *
     * @return an unmodifiable set, in the order of the map given
     */
    public final Set<String> streams() {
        return consumers.keySet();
    }

    /**
     * Returns the {@link #connectionGroups() connection groups}.
     *
     * @return the groups to join before {@link #onConnect()}
     */
    @Override
    protected final Collection<String> groups() {
        return connectionGroups();
    }

    /**
     * Accepts the socket, then calls {@link StreamConsumer#onConnect} of every stream consumer,
     * in the order of the map.
     */
    @Override
    protected void onConnect() {
        accept();
        consumers.forEach((stream, consumer) -> consumer.onConnect(handles.get(stream)));
    }

    /**
     * Routes a frame to its stream consumer, or answers it with an error frame.
     *
     * @param content the decoded frame
     */
    @Override
    protected final void onJson(JsonNode content) {
        FrameParser.Result result = FrameParser.parse(content, consumers::containsKey);
        if (result instanceof FrameParser.Routed routed) {
            consumers.get(routed.stream()).onPayload(handles.get(routed.stream()), routed.payload());
        } else {
            FrameParser.Rejected rejected = (FrameParser.Rejected) result;
            log.debug("{} rejected a frame with {}: {}", connectionId(), rejected.status(), rejected.errors());
            sendJson(rejected.toFrame());
        }
    }

    /**
     * Answers a text frame that is not JSON with a 400 error frame; the socket stays open.
     *
     * @param text  the frame's text
     * @param error what the decoder found
     */
    @Override
    protected final void onInvalidJson(String text, JsonProcessingException error) {
        log.debug("{} rejected a frame that is not JSON", connectionId());
        sendJson(StreamFrames.error(null, FrameParser.BAD_REQUEST,
                List.of("Invalid multiplexed frame: not valid JSON")));
    }

    /**
     * Answers a binary frame with a 400 error frame; the socket stays open.
     *
     * @param data the frame's bytes
     */
    @Override
    protected final void onBinary(Bytes data) {
        log.debug("{} rejected a binary frame of {} bytes", connectionId(), data.size());
        sendJson(StreamFrames.error(null, FrameParser.BAD_REQUEST,
                List.of("Invalid multiplexed frame: binary frames are not accepted, send JSON text")));
    }

    /**
     * Calls {@link StreamConsumer#onDisconnect} of every stream consumer, in the order of the map.
     *
     * @param code the close code
     */
    @Override
    protected void onDisconnect(int code) {
        consumers.forEach((stream, consumer) -> consumer.onDisconnect(handles.get(stream), code));
    }

    /**
     * Writes a frame sent to one of this connection's groups to the socket, unchanged.
     *
     * @param message a {@value StreamFrames#LAYER_MESSAGE_TYPE} message with the frame's text
     */
    @Handles(StreamFrames.LAYER_MESSAGE_TYPE)
    final void forwardFrame(Message message) {
        Object text = message.get(StreamFrames.TEXT_KEY);
        if (text instanceof String frame) {
            sendText(frame);
        } else {
            // A peer sent a malformed frame message: the fault is on the sending side, this
            // socket's client did nothing wrong, so the connection stays up.
            log.warn("{} ignored a {} message without a string '{}'", connectionId(),
                    StreamFrames.LAYER_MESSAGE_TYPE, StreamFrames.TEXT_KEY);
        }
    }

    /** The handle of one stream on this connection. */
    private final class Handle implements StreamHandle {
        private final String stream;

        Handle(String stream) {
            this.stream = stream;
        }

        @Override
        public String stream() {
            return stream;
        }

        @Override
        public void send(Object payload) {
            Objects.requireNonNull(payload, "payload must not be null");
            JsonNode tree = payload instanceof JsonNode node ? node : objectMapper().valueToTree(payload);
            sendJson(StreamFrames.envelope(stream, tree));
        }

        @Override
        public CompletionStage<GroupSendResult> groupSend(String group, Object payload) {
            ChannelNames.requireValidGroup(group);
            return Demultiplexer.this.groupSend(group,
                    StreamFrames.layerMessage(StreamFrames.encode(objectMapper(), stream, payload)));
        }

        @Override
        public ChannelLayer channelLayer() {
            return Demultiplexer.this.channelLayer();
        }

        @Override
        public Principal principal() {
            return scope().principal().orElse(null);
        }

        @Override
        public String connectionId() {
            return Demultiplexer.this.connectionId();
        }

        @Override
        public String toString() {
            return "StreamHandle[" + stream + "]";
        }
    }
}

package dev.mux.binding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.JsonAssertions;
import dev.mux.demux.StreamConsumer;
import dev.mux.demux.StreamFrames;
import dev.mux.demux.StreamHandle;
import dev.mux.internal.Json;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.GroupSendResult;
import java.security.Principal;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stream handle that keeps what a stream consumer sends to "its socket", to test a binding's
 * logic without a connection. Group sends go through the real layer given (if any).
 */
public final class RecordingStreamHandle implements StreamHandle {

    private final String stream;
    private final Principal principal;
    private final ChannelLayer layer;
    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();

    /** Creates a handle for an anonymous connection without a layer. */
    public RecordingStreamHandle(String stream) {
        this(stream, null, null);
    }

    /** Creates a handle. */
    public RecordingStreamHandle(String stream, Principal principal, ChannelLayer layer) {
        this.stream = stream;
        this.principal = principal;
        this.layer = layer;
    }

    /** Hands a payload (JSON, single quotes allowed) to a stream consumer as if this connection sent it. */
    public void deliver(StreamConsumer consumer, String payload) {
        consumer.onPayload(this, (ObjectNode) JsonAssertions.json(payload));
    }

    /** Returns the payloads sent to this connection, in order. */
    public List<JsonNode> sent() {
        return List.copyOf(sent);
    }

    /** Returns the only payload sent, failing if there was not exactly one. */
    public JsonNode onlySent() {
        if (sent.size() != 1) {
            throw new AssertionError("expected exactly one payload sent, got " + sent);
        }
        return sent.get(0);
    }

    @Override
    public String stream() {
        return stream;
    }

    @Override
    public void send(Object payload) {
        sent.add(Json.mapper().valueToTree(payload));
    }

    @Override
    public CompletionStage<GroupSendResult> groupSend(String group, Object payload) {
        return layer.groupSend(group, StreamFrames.layerMessage(StreamFrames.encode(Json.mapper(), stream, payload)));
    }

    @Override
    public ChannelLayer channelLayer() {
        return layer;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public String connectionId() {
        return "test-connection";
    }
}

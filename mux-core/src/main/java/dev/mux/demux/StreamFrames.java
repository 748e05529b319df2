package dev.mux.demux;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.layer.Message;
import java.util.List;
import java.util.Objects;

/**
 * The wire format of demultiplexed frames, and how a frame travels to a group through the layer.
 *
 * <p>A frame is {@code {"stream": "<name>", "payload": ...}} in both directions (Channels 1.x).
 * To reach every socket of a group, a frame's JSON text is sent to the group as the layer
 * message {@code {"type": "demux.frame", "text": "<frame JSON>"}}; each member
 * {@link Demultiplexer} writes that text to its socket unchanged. Applications rarely need this
 * class: {@link StreamHandle#groupSend} and the bindings use it.
 *
 * <p>Thread-safe: stateless.
 */
public final class StreamFrames {

    /** The {@code type} of the layer message that carries a frame to the members of a group. */
    public static final String LAYER_MESSAGE_TYPE = "demux.frame";

    /** The key of that layer message holding the frame's JSON text. */
    public static final String TEXT_KEY = "text";

    private StreamFrames() {
    }

    /**
     * Builds the envelope of a frame.
     *
     * @param stream  the stream name, or {@code null} (only error frames have no stream)
     * @param payload the payload
     * @return {@code {"stream": stream, "payload": payload}}
     */
    public static ObjectNode envelope(String stream, JsonNode payload) {
        Objects.requireNonNull(payload, "payload must not be null");
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        if (stream == null) {
            frame.putNull("stream");
        } else {
            frame.put("stream", stream);
        }
        frame.set("payload", payload);
        return frame;
    }

    /**
     * Writes a frame as JSON text.
     *
     * @param mapper  the mapper that writes the payload
     * @param stream  the stream name
     * @param payload anything the mapper writes as JSON
     * @return the frame's JSON text
     * @throws IllegalArgumentException if the mapper cannot write the payload
     */
    public static String encode(ObjectMapper mapper, String stream, Object payload) {
        Objects.requireNonNull(mapper, "mapper must not be null");
        Objects.requireNonNull(stream, "stream must not be null");
        Objects.requireNonNull(payload, "payload must not be null");
        JsonNode tree = payload instanceof JsonNode node ? node : mapper.valueToTree(payload);
        try {
            return mapper.writeValueAsString(envelope(stream, tree));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the payload of stream '" + stream + "' as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Builds the error frame Mux answers a bad frame or request with.
     *
     * @param stream the stream the error concerns, or {@code null} if unknown
     * @param status an HTTP-like status: 400, 403, 404, 405…
     * @param errors what was wrong, one entry per problem
     * @return {@code {"stream": stream, "payload": {"errors": [...], "response_status": status}}}
     */
    public static ObjectNode error(String stream, int status, List<String> errors) {
        Objects.requireNonNull(errors, "errors must not be null");
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        errors.forEach(payload.putArray("errors")::add);
        payload.put("response_status", status);
        return envelope(stream, payload);
    }

    /**
     * Wraps a frame's JSON text in the layer message that carries it to a group.
     *
     * @param frameText the frame's JSON text
     * @return {@code {"type": "demux.frame", "text": frameText}}
     */
    public static Message layerMessage(String frameText) {
        Objects.requireNonNull(frameText, "frameText must not be null");
        return Message.of("type", LAYER_MESSAGE_TYPE, TEXT_KEY, frameText);
    }
}

package dev.mux.demux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Checks an inbound frame and either routes it to a stream or says, in words a client developer
 * understands, what is wrong with it. Pure logic, so every error kind is tested without a socket.
 */
final class FrameParser {

    /** Status of a frame that is malformed. */
    static final int BAD_REQUEST = 400;
    /** Status of a frame naming a stream the demultiplexer does not map. */
    static final int NOT_FOUND = 404;

    private FrameParser() {
    }

    /** The outcome of checking one frame. */
    sealed interface Result permits Routed, Rejected {
    }

    /**
     * A valid frame.
     *
     * @param stream  a mapped stream
     * @param payload the payload object
     */
    record Routed(String stream, ObjectNode payload) implements Result {
    }

    /**
     * An invalid frame and the answer it gets.
     *
     * @param stream the frame's stream if it named one as a string, else {@code null}
     * @param status 400 or 404
     * @param errors what was wrong
     */
    record Rejected(String stream, int status, List<String> errors) implements Result {
        Rejected {
            errors = List.copyOf(errors);
        }

        /** Returns the error frame sent back to the client. */
        ObjectNode toFrame() {
            return StreamFrames.error(stream, status, errors);
        }
    }

    /**
     * Checks a frame in the order Channels 1.x does: shape, then stream, then payload type.
     *
     * @param frame  the decoded frame
     * @param mapped tells whether a stream name is mapped
     * @return where to route it, or why not
     */
    static Result parse(JsonNode frame, Predicate<String> mapped) {
        if (frame == null || !frame.isObject()) {
            return new Rejected(null, BAD_REQUEST, List.of("Invalid multiplexed frame: expected a JSON object, got "
                    + describe(frame)));
        }
        JsonNode streamNode = frame.get("stream");
        JsonNode payload = frame.get("payload");
        String stream = streamNode != null && streamNode.isTextual() ? streamNode.textValue() : null;
        List<String> errors = new ArrayList<>(2);
        if (streamNode == null) {
            errors.add("Invalid multiplexed frame: no \"stream\" key");
        } else if (stream == null) {
            errors.add("Invalid multiplexed frame: \"stream\" must be a string, got " + describe(streamNode));
        }
        if (payload == null) {
            errors.add("Invalid multiplexed frame: no \"payload\" key");
        }
        if (!errors.isEmpty()) {
            return new Rejected(stream, BAD_REQUEST, errors);
        }
        if (!mapped.test(stream)) {
            return new Rejected(stream, NOT_FOUND, List.of("Invalid multiplexed frame: stream \"" + stream
                    + "\" is not mapped"));
        }
        if (!payload.isObject()) {
            return new Rejected(stream, BAD_REQUEST, List.of("Invalid multiplexed frame: \"payload\" must be a JSON"
                    + " object, got " + describe(payload)));
        }
        return new Routed(stream, (ObjectNode) payload);
    }

    private static String describe(JsonNode node) {
        JsonNodeType type = node == null ? JsonNodeType.MISSING : node.getNodeType();
        return switch (type) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case MISSING -> "nothing";
            case NULL -> "null";
            default -> "a " + type.name().toLowerCase(Locale.ROOT);
        };
    }
}

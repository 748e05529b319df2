package dev.mux.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mux.internal.Json;
import dev.mux.layer.Bytes;
import java.util.Objects;

/**
 * A consumer that speaks JSON: each text frame is decoded and handed to
 * {@link #onJson(JsonNode)}, and {@link #sendJson(Object)} encodes objects, trees, maps,
 * records and {@link dev.mux.layer.Message}s. Encoding and decoding use Jackson; override
 * {@link #objectMapper()}, or {@link #decodeJson(String)} and {@link #encodeJson(Object)}, to
 * change them.
 *
 * <h2>Bad input</h2>
 * <ul>
 *   <li>A text frame that is not one JSON value (empty, malformed, or followed by more text)
 *       goes to {@link #onInvalidJson}, which by default closes the connection with
 *       {@value CloseCodes#INVALID_PAYLOAD} ("invalid JSON").</li>
 *   <li>A binary frame goes to {@link #onBinary(Bytes)}, which by default closes the
 *       connection with {@value CloseCodes#UNSUPPORTED_DATA} ("binary frames are not
 *       accepted").</li>
 * </ul>
 * A subclass that prefers to answer with an error frame and stay open overrides these.
 *
 * <p>This is Channels' tutorial chat:
 *
 * <pre>{@code
 * public final class ChatConsumer extends JsonWebSocketConsumer {
 *     private String group;
 *
 *     @Override protected void onConnect() {
 *         group = "chat_" + scope().routeParam("room");
 *         groupAdd(group);
 *         accept();
 *     }
 *
 *     @Override protected void onJson(JsonNode content) {
 *         groupSend(group, Message.of("type", "chat.message", "message", content.get("message")));
 *     }
 *
 *     @Handles("chat.message")
 *     void chatMessage(Message event) {
 *         sendJson(Map.of("message", event.get("message")));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Threading:</b> as for {@link WebSocketConsumer}: callbacks run one at a time per
 * connection on the runtime's executor; {@link #sendJson} may be called from any thread.
 */
public abstract class JsonWebSocketConsumer extends WebSocketConsumer {

    /** Creates a consumer; the runtime binds it to its connection before any callback. */
    protected JsonWebSocketConsumer() {
    }

    /**
     * Handles a decoded JSON frame. The default ignores it.
     *
     * @param content the decoded value: an object, array, or scalar
     */
    protected void onJson(JsonNode content) {
    }

    /**
     * Handles a text frame that is not valid JSON. The default closes the connection with
     * {@value CloseCodes#INVALID_PAYLOAD}.
     *
     * @param text  the frame's text, never logged by Mux
     * @param error what the decoder found
     */
    protected void onInvalidJson(String text, JsonProcessingException error) {
        close(CloseCodes.INVALID_PAYLOAD, "invalid JSON");
    }

    /**
     * Handles a binary frame. A JSON consumer does not accept binary data: the default closes
     * the connection with {@value CloseCodes#UNSUPPORTED_DATA}.
     *
     * @param data the frame's bytes
     */
    @Override
    protected void onBinary(Bytes data) {
        close(CloseCodes.UNSUPPORTED_DATA, "binary frames are not accepted");
    }

    /**
     * Decodes the frame and calls {@link #onJson(JsonNode)}, or {@link #onInvalidJson} if it is
     * not JSON. Final: override the hooks instead.
     *
     * @param text the frame's text
     */
    @Override
    protected final void onText(String text) {
        JsonNode content;
        try {
            content = decodeJson(text);
        } catch (JsonProcessingException e) {
            onInvalidJson(text, e);
            return;
        }
        if (content == null || content.isMissingNode()) {
            onInvalidJson(text, new JsonProcessingException("no JSON value in a frame of " + text.length()
                    + " characters") {
                private static final long serialVersionUID = 1L;
            });
            return;
        }
        onJson(content);
    }

    /**
     * Encodes a value and queues it as a text frame.
     *
     * @param content a {@link JsonNode}, {@link dev.mux.layer.Message}, map, list, record, POJO
     *                or scalar that {@link #encodeJson(Object)} can encode
     * @throws IllegalArgumentException if it cannot be encoded; the message names its class
     * @throws IllegalStateException    if the connection has not been accepted
     */
    protected void sendJson(Object content) {
        String text;
        try {
            text = encodeJson(content);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode a " + (content == null ? "null" : content.getClass().getName())
                    + " as JSON: " + e.getOriginalMessage(), e);
        }
        sendText(text);
    }

    /**
     * Returns the mapper used by {@link #decodeJson} and {@link #encodeJson}. The default is
     * shared by all consumers, rejects trailing text after a value, and writes
     * {@link dev.mux.layer.Message}s, {@link dev.mux.layer.Bytes} (as base64) and
     * {@code java.time} values (as ISO-8601 strings); an override should return a shared
     * instance too, not a new one per call.
     *
     * @return the mapper
     */
    protected ObjectMapper objectMapper() {
        return Json.mapper();
    }

    /**
     * Decodes a text frame.
     *
     * @param text the frame's text
     * @return the value; {@code null} or a missing node count as invalid
     * @throws JsonProcessingException if the text is not valid JSON
     */
    protected JsonNode decodeJson(String text) throws JsonProcessingException {
        return objectMapper().readTree(text);
    }

    /**
     * Encodes a value as JSON text.
     *
     * @param content the value
     * @return the JSON text
     * @throws JsonProcessingException if Jackson cannot encode it
     */
    protected String encodeJson(Object content) throws JsonProcessingException {
        Objects.requireNonNull(content, "content must not be null");
        return objectMapper().writeValueAsString(content);
    }
}

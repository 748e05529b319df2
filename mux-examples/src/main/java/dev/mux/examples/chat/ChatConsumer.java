package dev.mux.examples.chat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.Handles;
import dev.mux.consumer.JsonWebSocketConsumer;
import dev.mux.examples.board.BoardMessage;
import dev.mux.layer.Message;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat of the Django Channels tutorial, on {@code /ws/chat/{room}/}, speaking exactly its
 * protocol: the client sends {@code {"message": text}}; the consumer sends
 * {@code {"type": "chat.message", "message": text}} to the group {@code chat_<room>}; every
 * member consumer sends {@code {"message": text}} to its client.
 *
 * <p>Because the group name, the message type and the payload are the tutorial's, a Django
 * Channels server whose channel layer is the same Redis chats with this one: its clients and
 * Mux's clients of one room see each other's messages.
 *
 * <p>Mux adds what the tutorial leaves out: a room name that is not 1 to 64 letters, digits,
 * {@code _} or {@code -} is refused at the handshake (HTTP 403), and a frame that is not
 * {@code {"message": text}} with 1 to {@value BoardMessage#MAX_TEXT_LENGTH} characters of valid
 * Unicode (no half surrogate pair, which JSON can escape but UTF-8 cannot carry) is
 * answered with {@code {"error": "<what was wrong>"}} and otherwise ignored, so one bad client
 * cannot spam the room with garbage nor lose its connection over a typo. When the channel
 * layer is unavailable (Redis down or frozen), the sender is told
 * {@code {"error": "message not delivered: ..."}} and stays connected.
 *
 * <p><b>Threading:</b> one instance per connection; the Mux runtime calls it one callback at a
 * time.
 */
public final class ChatConsumer extends JsonWebSocketConsumer {
    private static final Logger log = LoggerFactory.getLogger(ChatConsumer.class);

    /** The layer message type members receive, as in the tutorial. */
    public static final String CHAT_MESSAGE = "chat.message";

    /** The prefix of the room's group name, as in the tutorial. */
    public static final String GROUP_PREFIX = "chat_";

    private String group;

    /** Creates the consumer of one connection. */
    public ChatConsumer() {
    }

    /**
     * Returns the group of a room.
     *
     * @param room a valid room name
     * @return {@code chat_<room>}
     */
    public static String groupOf(String room) {
        return GROUP_PREFIX + BoardMessage.checkRoom(room);
    }

    /** Joins the room's group and accepts, or refuses a malformed room name. */
    @Override
    protected void onConnect() {
        String room = scope().routeParam("room");
        if (!BoardMessage.ROOM_NAME.matcher(room).matches()) {
            log.info("{} refused: room name is not 1 to 64 letters, digits, '_' or '-'", connectionId());
            reject();
            return;
        }
        group = groupOf(room);
        groupAdd(group);
        accept();
    }

    /**
     * Forwards {@code {"message": text}} to everyone in the room, this client included.
     *
     * @param content the frame
     */
    @Override
    protected void onJson(JsonNode content) {
        JsonNode message = content.get("message");
        if (!content.isObject() || message == null || !message.isTextual()) {
            sendJson(Map.of("error", "expected {\"message\": \"<text>\"}"));
            return;
        }
        String text = message.textValue();
        if (text.isEmpty() || text.length() > BoardMessage.MAX_TEXT_LENGTH) {
            sendJson(Map.of("error", "a message has 1 to " + BoardMessage.MAX_TEXT_LENGTH
                    + " characters, this one had " + text.length()));
            return;
        }
        if (hasLoneSurrogate(text)) {
            // JSON may escape half a character ("\ud800"); no UTF-8 carries it, nor Redis.
            sendJson(Map.of("error", "a message must be valid Unicode text"));
            return;
        }
        groupSend(group, Message.of("type", CHAT_MESSAGE, "message", text)).whenComplete((result, failure) -> {
            if (failure != null) {
                // The runtime counts the failure and logs it once per outage; the sender hears it.
                sendJson(Map.of("error", "message not delivered: the chat is unavailable, try again"));
            }
        });
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Sends a message of the room to this client, as {@code {"message": text}}.
     *
     * @param event the group message, {@code {"type": "chat.message", "message": text}}
     */
    @Handles(CHAT_MESSAGE)
    void chatMessage(Message event) {
        Object text = event.get("message");
        if (!(text instanceof String)) {
            // Another server on the same Redis may send anything; only the tutorial's shape is relayed.
            log.warn("{} dropped a chat.message without a text 'message'", connectionId());
            return;
        }
        sendJson(Map.of("message", text));
    }
}

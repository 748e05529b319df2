package dev.mux.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.layer.Bytes;
import dev.mux.layer.Message;
import java.util.Map;

/**
 * Consumers that tests of the runtime, the communicator and the containers share.
 *
 * <p>Like every consumer, each instance serves one connection; use the classes' constructors as
 * route factories ({@code TestConsumers.Echo::new}).
 */
public final class TestConsumers {

    private TestConsumers() {
    }

    /** Echoes text and binary frames. */
    public static final class Echo extends WebSocketConsumer {
        @Override
        protected void onText(String text) {
            sendText(text);
        }

        @Override
        protected void onBinary(Bytes data) {
            sendBinary(data);
        }
    }

    /**
     * The Channels tutorial chat consumer: joins {@code chat_<room>} (route parameter
     * {@code room}) and relays every {@code {"message": ...}} to the room.
     */
    public static final class ChatConsumer extends JsonWebSocketConsumer {
        private String group;

        @Override
        protected void onConnect() {
            group = "chat_" + scope().routeParam("room");
            groupAdd(group);
            accept();
        }

        @Override
        protected void onJson(JsonNode content) {
            groupSend(group, Message.of("type", "chat.message", "message", content.get("message")));
        }

        @Handles("chat.message")
        void chatMessage(Message event) {
            sendJson(Map.of("message", event.get("message")));
        }
    }
}

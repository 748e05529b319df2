package dev.mux.jakarta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.Handles;
import dev.mux.consumer.JsonWebSocketConsumer;
import dev.mux.consumer.Scope;
import dev.mux.consumer.WebSocketConsumer;
import dev.mux.layer.Message;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.Map;

/** The consumers the container scenarios run, besides {@link dev.mux.consumer.TestConsumers}. */
final class ItConsumers {

    private ItConsumers() {
    }

    /** A chat room that can also be told to throw or to flood its client. */
    static final class Room extends JsonWebSocketConsumer {
        private String group;

        @Override
        protected void onConnect() {
            group = "room_" + scope().routeParam("room");
            groupAdd(group);
            accept();
        }

        @Override
        protected void onJson(JsonNode content) {
            if (content.has("throw")) {
                throw new IllegalStateException("a bug in the consumer");
            }
            if (content.has("flood")) {
                String payload = "x".repeat(content.get("size").asInt());
                for (int i = 0; i < content.get("flood").asInt(); i++) {
                    sendText(payload);
                }
                return;
            }
            if (content.has("sync")) {
                sendJson(Map.of("synced", true));
                return;
            }
            groupSend(group, Message.of("type", "room.message", "message", content.get("message")));
        }

        @Handles("room.message")
        void roomMessage(Message event) {
            sendJson(Map.of("message", event.get("message")));
        }

        @Handles("room.probe")
        void probe(Message event) {
            // Sent by the tests to count the room's members; nothing to do.
        }
    }

    /** Reports its scope right after accepting. */
    static final class ScopeReport extends JsonWebSocketConsumer {
        @Override
        protected void onConnect() {
            accept();
            Scope s = scope();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("path", s.path());
            out.put("route", s.routeParams());
            out.put("query", s.queryParams());
            out.put("header", s.header("X-Test").orElse(null));
            out.put("user", s.principal().map(Principal::getName).orElse(null));
            out.put("remote", s.remoteAddress().map(a -> a.getHostString()).orElse(null));
            sendJson(out);
        }
    }

    /** Rejects every handshake. */
    static final class Rejecting extends WebSocketConsumer {
        @Override
        protected void onConnect() {
            reject();
        }
    }

    /** Accepts with subprotocol v1 when offered. */
    static final class Protocol extends WebSocketConsumer {
        @Override
        protected void onConnect() {
            if (scope().subprotocols().contains("v1")) {
                accept("v1");
            } else {
                accept();
            }
        }
    }
}

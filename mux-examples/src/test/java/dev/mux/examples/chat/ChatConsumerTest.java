package dev.mux.examples.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.Message;
import dev.mux.routing.Router;
import dev.mux.testing.WebSocketCommunicator;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChatConsumerTest {

    private final ChannelLayer layer = new InMemoryChannelLayer();
    private final Router router = Router.builder().route("/ws/chat/{room}/", ChatConsumer::new).build();

    @AfterEach
    void close() {
        layer.close();
    }

    private WebSocketCommunicator client(String path) {
        return WebSocketCommunicator.builder(layer).router(router).path(path).header("Host", "localhost")
                .build();
    }

    @Test
    void everyoneInTheRoomGetsEveryMessageTheSenderIncluded() {
        try (WebSocketCommunicator alice = client("/ws/chat/lobby/");
             WebSocketCommunicator bob = client("/ws/chat/lobby/");
             WebSocketCommunicator carol = client("/ws/chat/elsewhere/")) {
            assertThat(alice.connect().accepted()).isTrue();
            assertThat(bob.connect().accepted()).isTrue();
            assertThat(carol.connect().accepted()).isTrue();

            alice.sendJson(Map.of("message", "hello"));

            assertThat(alice.receiveJson().toString()).isEqualTo("{\"message\":\"hello\"}");
            assertThat(bob.receiveJson().toString()).isEqualTo("{\"message\":\"hello\"}");
            carol.expectNothing();
        }
    }

    @Test
    void theGroupMessageIsTheTutorials() throws Exception {
        String probe = layer.newChannel();
        layer.groupAdd("chat_lobby", probe).toCompletableFuture().get();
        try (WebSocketCommunicator alice = client("/ws/chat/lobby/")) {
            alice.connect();

            alice.sendJson(Map.of("message", "hi"));

            Message sent = layer.receive(probe).toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(sent.asMap()).isEqualTo(Map.of("type", "chat.message", "message", "hi"));
        }
    }

    @Test
    void aMessageSentToTheGroupByAnotherServerReachesTheClient() throws Exception {
        try (WebSocketCommunicator alice = client("/ws/chat/lobby/")) {
            alice.connect();

            layer.groupSend("chat_lobby", Message.of("type", "chat.message", "message", "from python"))
                    .toCompletableFuture().get();

            assertThat(alice.receiveJson().get("message").asText()).isEqualTo("from python");
        }
    }

    @Test
    void aFrameThatIsNotAMessageIsAnsweredWithAnErrorAndTheSocketStaysOpen() {
        try (WebSocketCommunicator alice = client("/ws/chat/lobby/");
             WebSocketCommunicator bob = client("/ws/chat/lobby/")) {
            alice.connect();
            bob.connect();

            alice.sendJson(Map.of("text", "wrong key"));
            assertThat(alice.receiveJson().get("error").asText()).isEqualTo("expected {\"message\": \"<text>\"}");
            alice.sendJson(java.util.List.of(1, 2));
            assertThat(alice.receiveJson().get("error").asText()).isEqualTo("expected {\"message\": \"<text>\"}");
            alice.sendJson(Map.of("message", 42));
            assertThat(alice.receiveJson().get("error").asText()).isEqualTo("expected {\"message\": \"<text>\"}");
            alice.sendJson(Map.of("message", "x".repeat(1001)));
            assertThat(alice.receiveJson().get("error").asText())
                    .isEqualTo("a message has 1 to 1000 characters, this one had 1001");
            alice.sendText("{\"message\": \"half a pair: \\ud800\"}");
            assertThat(alice.receiveJson().get("error").asText()).isEqualTo("a message must be valid Unicode text");
            bob.expectNothing();

            alice.sendJson(Map.of("message", "still here"));
            assertThat(bob.receiveJson().get("message").asText()).isEqualTo("still here");
        }
    }

    @Test
    void aMalformedRoomNameIsRefusedAtTheHandshake() {
        try (WebSocketCommunicator client = client("/ws/chat/caf%C3%A9/")) {
            assertThat(client.connect().accepted()).isFalse();
        }
    }

    @Test
    void aGroupMessageWithoutTextIsNotRelayed() throws Exception {
        try (WebSocketCommunicator alice = client("/ws/chat/lobby/")) {
            alice.connect();

            layer.groupSend("chat_lobby", Message.of("type", "chat.message", "message", 5L)).toCompletableFuture().get();

            alice.expectNothing();
        }
    }
}

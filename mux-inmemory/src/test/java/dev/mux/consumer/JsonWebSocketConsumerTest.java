package dev.mux.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.Message;
import dev.mux.routing.Router;
import dev.mux.testing.WebSocketCommunicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JsonWebSocketConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final InMemoryChannelLayer layer = new InMemoryChannelLayer();
    private final List<WebSocketCommunicator> communicators = new ArrayList<>();

    @AfterEach
    void tearDown() {
        communicators.forEach(WebSocketCommunicator::close);
        layer.close();
    }

    private final Router chatRouter = Router.builder().route("/ws/chat/{room}/", TestConsumers.ChatConsumer::new).build();

    private WebSocketCommunicator chat(String room) {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).router(chatRouter)
                .path("/ws/chat/" + room + "/").timeout(WAIT).build();
        communicators.add(c);
        assertThat(c.connect().accepted()).isTrue();
        return c;
    }

    private WebSocketCommunicator client(Supplier<? extends WebSocketConsumer> factory) {
        WebSocketCommunicator c = WebSocketCommunicator.builder(layer).consumer(factory).path("/ws/json/")
                .timeout(WAIT).build();
        communicators.add(c);
        assertThat(c.connect().accepted()).isTrue();
        return c;
    }

    @Test
    void theTutorialChatRelaysAMessageToEveryoneInTheRoomAndNoOneElse() {
        WebSocketCommunicator alice = chat("lobby");
        WebSocketCommunicator bob = chat("lobby");
        WebSocketCommunicator carol = chat("lobby");
        WebSocketCommunicator elsewhere = chat("kitchen");
        alice.sendJson(Map.of("message", "hello"));
        for (WebSocketCommunicator c : List.of(alice, bob, carol)) {
            assertThat(c.receiveJson()).isEqualTo(JsonNodeFactory.instance.objectNode().put("message", "hello"));
        }
        elsewhere.expectNothing();
        assertThat(layer.groupCount()).isEqualTo(2);
        for (WebSocketCommunicator c : List.of(alice, bob, carol, elsewhere)) {
            c.disconnect();
        }
        assertThat(layer.groupCount()).isZero();
        assertThat(layer.channelCount()).isZero();
    }

    @Test
    void nestedJsonSurvivesTheRelayUnchanged() {
        WebSocketCommunicator alice = chat("lobby");
        alice.sendText("{\"message\": {\"text\": \"hi\", \"tags\": [1, 2.5, true, null]}}");
        assertThat(alice.receiveJson().get("message").toString())
                .isEqualTo("{\"text\":\"hi\",\"tags\":[1,2.5,true,null]}");
    }

    static final class Quiet extends JsonWebSocketConsumer {
        final List<JsonNode> received = new ArrayList<>();

        @Override
        protected void onJson(JsonNode content) {
            received.add(content);
            sendJson(content);
        }
    }

    @Test
    void invalidJsonClosesTheConnectionWith1007() {
        for (String bad : List.of("{not json", "", "   ", "{\"a\": 1} trailing", "[1, 2")) {
            Quiet quiet = new Quiet();
            WebSocketCommunicator c = client(() -> quiet);
            c.sendText(bad);
            assertThat(c.receiveClose()).as("answer to %s", bad).isEqualTo(CloseCodes.INVALID_PAYLOAD);
            assertThat(c.awaitDisconnected(WAIT)).isEqualTo(1007);
            assertThat(quiet.received).isEmpty();
        }
    }

    @Test
    void scalarsAndArraysAreValidJson() {
        WebSocketCommunicator c = client(Quiet::new);
        c.sendText("42");
        assertThat(c.receiveJson().intValue()).isEqualTo(42);
        c.sendText("[1,\"a\"]");
        assertThat(c.receiveJson().size()).isEqualTo(2);
    }

    @Test
    void aBinaryFrameToAJsonConsumerClosesWith1003() {
        WebSocketCommunicator c = client(Quiet::new);
        c.sendBinary(new byte[] {'{', '}'});
        assertThat(c.receiveClose()).isEqualTo(CloseCodes.UNSUPPORTED_DATA);
    }

    @Test
    void aSubclassMayAnswerInvalidJsonWithAnErrorFrameAndStayOpen() {
        WebSocketCommunicator c = client(() -> new JsonWebSocketConsumer() {
            @Override
            protected void onInvalidJson(String text, JsonProcessingException error) {
                sendJson(Map.of("error", "invalid JSON"));
            }

            @Override
            protected void onJson(JsonNode content) {
                sendJson(content);
            }
        });
        c.sendText("{oops");
        assertThat(c.receiveJson().get("error").asText()).isEqualTo("invalid JSON");
        c.sendText("{\"ok\": true}");
        assertThat(c.receiveJson().get("ok").asBoolean()).isTrue();
    }

    record Point(int x, int y) {
    }

    @Test
    void sendJsonEncodesRecordsMapsTreesMessagesAndBytes() {
        WebSocketCommunicator c = client(() -> new JsonWebSocketConsumer() {
            @Override
            protected void onJson(JsonNode content) {
                sendJson(new Point(1, 2));
                sendJson(Map.of("list", List.of(1, 2)));
                sendJson(JsonNodeFactory.instance.objectNode().put("tree", true));
                sendJson(Message.of("type", "m", "n", 3));
                sendJson(Map.of("raw", new byte[] {1, 2}, "bytes", dev.mux.layer.Bytes.of(new byte[] {3})));
            }
        });
        c.sendText("{}");
        assertThat(c.receiveText()).isEqualTo("{\"x\":1,\"y\":2}");
        assertThat(c.receiveText()).isEqualTo("{\"list\":[1,2]}");
        assertThat(c.receiveText()).isEqualTo("{\"tree\":true}");
        assertThat(c.receiveText()).isEqualTo("{\"type\":\"m\",\"n\":3}");
        JsonNode bytes = c.receiveJson();
        assertThat(bytes.get("raw").asText()).isEqualTo("AQI=");
        assertThat(bytes.get("bytes").asText()).isEqualTo("Aw==");
    }

    @Test
    void anObjectJacksonCannotEncodeClosesWith1011() {
        WebSocketCommunicator c = client(() -> new JsonWebSocketConsumer() {
            @Override
            protected void onJson(JsonNode content) {
                sendJson(new Object());
            }
        });
        c.sendText("{}");
        assertThat(c.receiveClose()).isEqualTo(CloseCodes.INTERNAL_ERROR);
    }

    static final ObjectMapper SNAKE = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    record Greeting(String fullName) {
    }

    @Test
    void anOverriddenObjectMapperIsUsedForEncoding() {
        WebSocketCommunicator c = client(() -> new JsonWebSocketConsumer() {
            @Override
            protected ObjectMapper objectMapper() {
                return SNAKE;
            }

            @Override
            protected void onJson(JsonNode content) {
                sendJson(new Greeting(content.get("name").asText()));
            }
        });
        c.sendText("{\"name\": \"Ada Lovelace\"}");
        assertThat(c.receiveText()).isEqualTo("{\"full_name\":\"Ada Lovelace\"}");
    }

    @Test
    void overriddenEncodeAndDecodeHooksAreUsed() {
        WebSocketCommunicator c = client(() -> new JsonWebSocketConsumer() {
            @Override
            protected JsonNode decodeJson(String text) throws JsonProcessingException {
                return super.decodeJson(text.substring("json:".length()));
            }

            @Override
            protected String encodeJson(Object content) throws JsonProcessingException {
                return "json:" + super.encodeJson(content);
            }

            @Override
            protected void onJson(JsonNode content) {
                sendJson(content);
            }
        });
        c.sendText("json:{\"a\":1}");
        assertThat(c.receiveText()).isEqualTo("json:{\"a\":1}");
    }
}

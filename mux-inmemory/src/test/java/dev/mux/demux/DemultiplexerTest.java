package dev.mux.demux;

import static dev.mux.JsonAssertions.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mux.consumer.CloseCodes;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.Message;
import dev.mux.testing.WebSocketCommunicator;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DemultiplexerTest {

    /** Echoes payloads back on its stream and records what happened to it. */
    static final class EchoStream implements StreamConsumer {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void onConnect(StreamHandle stream) {
            events.add("connect " + stream.stream());
        }

        @Override
        public void onPayload(StreamHandle stream, ObjectNode payload) {
            if (payload.has("shout")) {
                stream.groupSend(payload.get("shout").textValue(), Map.of("heard", payload.get("text")));
            } else if (payload.has("fail")) {
                throw new IllegalStateException("stream consumer failed on purpose");
            } else {
                stream.send(Map.of("original_message", payload));
            }
        }

        @Override
        public void onDisconnect(StreamHandle stream, int code) {
            events.add("disconnect " + stream.stream() + " " + code);
        }
    }

    /** Counts payloads per connection, answering with the count, to show streams are independent. */
    static final class CountingStream implements StreamConsumer {
        private final Map<String, Integer> counts = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onPayload(StreamHandle stream, ObjectNode payload) {
            int n = counts.merge(stream.connectionId(), 1, Integer::sum);
            stream.send(Map.of("count", n, "at", Instant.parse("2024-05-01T12:30:00Z")));
        }
    }

    private InMemoryChannelLayer layer;
    private EchoStream echo;
    private CountingStream counter;
    private final List<WebSocketCommunicator> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        layer = new InMemoryChannelLayer();
        echo = new EchoStream();
        counter = new CountingStream();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(WebSocketCommunicator::close);
        layer.close();
    }

    private WebSocketCommunicator connect(Supplier<Demultiplexer> factory) {
        WebSocketCommunicator client = WebSocketCommunicator.builder(layer).consumer(factory).path("/ws/")
                .timeout(Duration.ofSeconds(10)).build();
        clients.add(client);
        assertThat(client.connect().accepted()).isTrue();
        return client;
    }

    private WebSocketCommunicator connect() {
        Map<String, StreamConsumer> streams = new LinkedHashMap<>();
        streams.put("echo", echo);
        streams.put("counter", counter);
        return connect(() -> Demultiplexer.of(streams).connectionGroups("everyone"));
    }

    @Test
    void framesAreRoutedToTheirStreamAndRepliesWrappedInItsEnvelope() {
        WebSocketCommunicator client = connect();

        client.sendText("{\"stream\": \"echo\", \"payload\": {\"anything\": \"dict-only payload\"}}");

        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'anything': 'dict-only payload'}}}");
    }

    @Test
    void twoStreamsOnOneSocketWorkIndependently() {
        WebSocketCommunicator client = connect();

        client.sendText("{\"stream\": \"counter\", \"payload\": {}}");
        client.sendText("{\"stream\": \"echo\", \"payload\": {\"n\": 1}}");
        client.sendText("{\"stream\": \"counter\", \"payload\": {}}");

        assertJson(client.receiveJson(), "{'stream': 'counter', 'payload': {'count': 1, 'at': '2024-05-01T12:30:00Z'}}");
        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'n': 1}}}");
        assertJson(client.receiveJson(), "{'stream': 'counter', 'payload': {'count': 2, 'at': '2024-05-01T12:30:00Z'}}");
        client.expectNothing();
    }

    @Test
    void connectAndDisconnectReachEveryStreamConsumer() {
        EchoStream other = new EchoStream();
        Map<String, StreamConsumer> streams = new LinkedHashMap<>();
        streams.put("a", echo);
        streams.put("b", other);
        WebSocketCommunicator client = connect(() -> Demultiplexer.of(streams));

        client.disconnect(4001);

        assertThat(echo.events).containsExactly("connect a", "disconnect a 4001");
        assertThat(other.events).containsExactly("connect b", "disconnect b 4001");
    }

    @Test
    void aHandleSendsAWrappedFrameToEveryMemberOfAGroup() {
        WebSocketCommunicator alice = connect();
        WebSocketCommunicator bob = connect();

        alice.sendText("{\"stream\": \"echo\", \"payload\": {\"shout\": \"everyone\", \"text\": \"hi all\"}}");

        assertJson(alice.receiveJson(), "{'stream': 'echo', 'payload': {'heard': 'hi all'}}");
        assertJson(bob.receiveJson(), "{'stream': 'echo', 'payload': {'heard': 'hi all'}}");
    }

    @Test
    void connectionGroupsAreJoinedAndFramesSentToThemReachTheSocketUnchanged() {
        WebSocketCommunicator client = connect();
        String frame = "{\"stream\":\"echo\",\"payload\":{\"from\":\"elsewhere\"}}";

        GroupSendResult result = layer.groupSend("everyone", StreamFrames.layerMessage(frame)).toCompletableFuture().join();

        assertThat(result.delivered()).isEqualTo(1);
        assertThat(client.receiveText()).isEqualTo(frame);
        client.disconnect();
        assertThat(layer.groupSend("everyone", StreamFrames.layerMessage(frame)).toCompletableFuture().join().members())
                .as("members after disconnect").isZero();
    }

    @Test
    void everyBadFrameIsAnsweredAndTheSocketStaysOpen() {
        WebSocketCommunicator client = connect();

        client.sendText("[1, 2]");
        assertJson(client.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got an array'], 'response_status': 400}}");
        client.sendText("{\"payload\": {}}");
        assertJson(client.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"stream\" key'], 'response_status': 400}}");
        client.sendText("{\"stream\": \"echo\"}");
        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"payload\" key'], 'response_status': 400}}");
        client.sendText("{\"stream\": \"nope\", \"payload\": {}}");
        assertJson(client.receiveJson(), "{'stream': 'nope', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: stream \"nope\" is not mapped'], 'response_status': 404}}");
        client.sendText("{\"stream\": \"echo\", \"payload\": \"text\"}");
        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: \"payload\" must be a JSON object, got a string'],"
                + " 'response_status': 400}}");
        client.sendText("{not json");
        assertJson(client.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: not valid JSON'], 'response_status': 400}}");
        client.sendBinary(new byte[] {1, 2, 3});
        assertJson(client.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: binary frames are not accepted, send JSON text'],"
                + " 'response_status': 400}}");

        client.sendText("{\"stream\": \"echo\", \"payload\": {\"still\": \"open\"}}");
        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'still': 'open'}}}");
    }

    @Test
    void anExceptionInAStreamConsumerClosesOnlyThatConnectionWith1011() {
        WebSocketCommunicator failing = connect();
        WebSocketCommunicator bystander = connect();

        failing.sendText("{\"stream\": \"echo\", \"payload\": {\"fail\": true}}");

        assertThat(failing.receiveClose()).isEqualTo(CloseCodes.INTERNAL_ERROR);
        bystander.sendText("{\"stream\": \"echo\", \"payload\": {\"ok\": 1}}");
        assertJson(bystander.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'ok': 1}}}");
    }

    @Test
    void aMalformedFrameMessageFromAPeerIsIgnoredAndTheConnectionStaysUp() {
        WebSocketCommunicator client = connect();

        layer.send(client.channelName(), Message.of("type", StreamFrames.LAYER_MESSAGE_TYPE, "text", 5))
                .toCompletableFuture().join();
        client.sendText("{\"stream\": \"echo\", \"payload\": {\"ok\": 1}}");

        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'ok': 1}}}");
    }

    @Test
    void misuseIsRefusedAtOnceNamingTheProblem() {
        assertThatThrownBy(() -> Demultiplexer.of(Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one stream");
        assertThatThrownBy(() -> Demultiplexer.of(Map.of(" ", echo))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> Demultiplexer.of(Map.of("echo", echo)).connectionGroups("bad group"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad group");
        assertThat(Demultiplexer.of(Map.of("echo", echo)).streams()).containsExactly("echo");
    }
}

package dev.mux.binding.seed;

import static dev.mux.JsonAssertions.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

import dev.mux.binding.Binding;
import dev.mux.binding.MapStore;
import dev.mux.demux.Demultiplexer;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.testing.WebSocketCommunicator;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed's demultiplexer and binding, written with Mux, behave as in Channels 1.x. */
class SeedExampleTest {

    private InMemoryChannelLayer layer;
    private MapStore<Message> store;
    private Binding<Message> binding;

    @BeforeEach
    void setUp() {
        layer = new InMemoryChannelLayer();
        store = new MapStore<>(Message::id, Message::withId);
        binding = MessageBinding.create(store);
    }

    @AfterEach
    void tearDown() {
        layer.close();
    }

    private WebSocketCommunicator connect(Supplier<Demultiplexer> factory) {
        WebSocketCommunicator client = WebSocketCommunicator.builder(layer).consumer(factory).path("/ws/")
                .timeout(Duration.ofSeconds(10)).build();
        assertThat(client.connect().accepted()).isTrue();
        return client;
    }

    @Test
    void aMessageCreatedByOneClientIsBroadcastToEveryConnection() {
        try (WebSocketCommunicator writer = connect(() -> new MessageDemultiplexer(binding));
             WebSocketCommunicator reader = connect(() -> Demultiplexer.of(Map.of("message-stream", binding))
                     .connectionGroups("message-update"))) {

            writer.sendJson(Map.of("stream", "message-stream", "payload",
                    Map.of("action", "create", "data", Map.of("text", "hello", "created", "2024-05-01T12:30:00Z"))));

            String expected = "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 1,"
                    + " 'data': {'text': 'hello', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}";
            assertJson(writer.receiveJson(), expected);
            assertJson(reader.receiveJson(), expected);
            assertThat(store.get(1)).isEqualTo(new Message(1L, "hello", Instant.parse("2024-05-01T12:30:00Z")));
        }
    }
}

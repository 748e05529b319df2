package dev.mux.binding;

import static dev.mux.JsonAssertions.assertJson;

import dev.mux.demux.DemuxClient;
import dev.mux.demux.Demultiplexer;
import dev.mux.demux.StreamConsumer;
import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.ChannelLayer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The demultiplexer and bindings seen from clients: every scenario sends and asserts the exact
 * JSON a client sees. Subclasses run them in-process and in real containers.
 *
 * <p>The server: route {@value #ROUTE}; each connection joins the group {@code room-<room>}; the
 * streams are {@code message-stream} (a binding of {@link ChatMessage}, all fields, groups by
 * room, anyone may do anything), {@code archive-stream} (the same model, only {@code text},
 * read-only: every action is denied) and {@code echo}.
 */
abstract class BindingOverSocketScenarios {

    /** The route every implementation serves. */
    static final String ROUTE = "/demultiplex/{room}/";

    private static final Instant CREATED = Instant.parse("2024-05-01T12:30:00Z");

    protected InMemoryChannelLayer layer;
    protected ChatMessageStore store;
    protected Binding<ChatMessage> messages;
    private final List<DemuxClient> clients = new ArrayList<>();

    /** Starts a server serving the route with the factory on the layer. */
    protected abstract void startServer(ChannelLayer layer, String route, Supplier<Demultiplexer> factory)
            throws Exception;

    /** Connects a client to a path of the running server. */
    protected abstract DemuxClient connect(String path) throws Exception;

    /** Stops the server. */
    protected abstract void stopServer() throws Exception;

    @BeforeEach
    void start() throws Exception {
        layer = new InMemoryChannelLayer();
        store = new ChatMessageStore();
        messages = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .permission((principal, action, pk) -> true)
                .build();
        Binding<ChatMessage> archive = Binding.builder(ChatMessage.class)
                .stream("archive-stream").model("board.message").fields("text")
                .store(store).groups(m -> Set.of("archive"))
                .permission(BindingPermission.denyAll())
                .build();
        StreamConsumer echo = (stream, payload) -> stream.send(Map.of("original_message", payload));
        Map<String, StreamConsumer> streams = new LinkedHashMap<>();
        streams.put("message-stream", messages);
        streams.put("archive-stream", archive);
        streams.put("echo", echo);
        startServer(layer, ROUTE, () -> new RoomDemultiplexer(streams));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            clients.forEach(DemuxClient::close);
            stopServer();
        } finally {
            layer.close();
        }
    }

    private DemuxClient join(String room) throws Exception {
        DemuxClient client = connect("/demultiplex/" + room + "/");
        clients.add(client);
        // A round trip proves the connection is accepted and its room group joined.
        send(client, "{'stream': 'echo', 'payload': {'ready': true}}");
        assertJson(client.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'ready': true}}}");
        return client;
    }

    /** Sends JSON written with single quotes (the scenarios use no apostrophes in values). */
    private static void send(DemuxClient client, String json) {
        client.sendText(json.replace('\'', '"'));
    }

    private static String broadcast(String action, long pk, String data) {
        return "{'stream': 'message-stream', 'payload': {'action': '" + action + "', 'pk': " + pk
                + ", 'data': " + data + ", 'model': 'board.message'}}";
    }

    @Test
    void createUpdateAndDeleteAreBroadcastToTheRoomAsChannelsSendsThem() throws Exception {
        DemuxClient alice = join("a");
        DemuxClient bob = join("a");
        DemuxClient carol = join("b");

        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'create',"
                + " 'data': {'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}}}");
        // No request_id: no direct reply, so the first frame alice sees is the broadcast.
        String created = broadcast("create", 1, "{'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}");
        assertJson(alice.receiveJson(), created);
        assertJson(bob.receiveJson(), created);

        send(bob, "{'stream': 'message-stream', 'payload': {'action': 'update', 'pk': 1, 'data': {'text': 'edited'}}}");
        String updated = broadcast("update", 1, "{'text': 'edited', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}");
        assertJson(alice.receiveJson(), updated);
        assertJson(bob.receiveJson(), updated);

        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1}}");
        String deleted = broadcast("delete", 1, "{'text': 'edited', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}");
        assertJson(alice.receiveJson(), deleted);
        assertJson(bob.receiveJson(), deleted);

        carol.expectNothing();
        alice.expectNothing();
    }

    @Test
    void aRequestIdGetsADirectReplyBeforeTheBroadcast() throws Exception {
        DemuxClient alice = join("a");

        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'create', 'request_id': 'req-1',"
                + " 'data': {'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}}}");

        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'create',"
                + " 'data': {'id': 1, 'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'},"
                + " 'errors': [], 'response_status': 201, 'request_id': 'req-1'}}");
        assertJson(alice.receiveJson(), broadcast("create", 1,
                "{'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}"));
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1, 'request_id': 2}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'data': null,"
                + " 'errors': [], 'response_status': 204, 'request_id': 2}}");
    }

    @Test
    void aMessageMovingFromRoomAToRoomBIsDeletedForAAndCreatedForB() throws Exception {
        store.put(new ChatMessage(null, "moving", "a", CREATED));
        DemuxClient inA = join("a");
        DemuxClient inB = join("b");

        send(inA, "{'stream': 'message-stream', 'payload': {'action': 'update', 'pk': 1, 'data': {'room': 'b'}}}");

        String data = "{'text': 'moving', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}";
        assertJson(inA.receiveJson(), broadcast("delete", 1, data));
        assertJson(inB.receiveJson(), broadcast("create", 1, data));
        inA.expectNothing();
        inB.expectNothing();
    }

    @Test
    void aChangeTheApplicationReportsReachesConnectedClients() throws Exception {
        DemuxClient alice = join("a");
        DemuxClient carol = join("b");

        // As a REST handler or a batch job would: store, then report; no socket is involved.
        ChatMessage stored = store.put(new ChatMessage(null, "from a batch job", "a", CREATED));
        messages.saved(stored).toCompletableFuture().join();
        ChatMessage moved = store.put(stored.inRoom("b"));
        messages.saved(moved).toCompletableFuture().join();
        messages.deleted(store.remove(1)).toCompletableFuture().join();

        assertJson(alice.receiveJson(), broadcast("create", 1,
                "{'text': 'from a batch job', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}"));
        assertJson(alice.receiveJson(), broadcast("delete", 1,
                "{'text': 'from a batch job', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}"));
        assertJson(carol.receiveJson(), broadcast("create", 1,
                "{'text': 'from a batch job', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}"));
        assertJson(carol.receiveJson(), broadcast("delete", 1,
                "{'text': 'from a batch job', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}"));
    }

    @Test
    void everyErrorIsAnsweredWithAnErrorFrameAndTheSocketStaysOpen() throws Exception {
        store.put(new ChatMessage(null, "kept", "a", CREATED));
        DemuxClient alice = join("a");

        alice.sendText("[\"not\", \"an object\"]");
        assertJson(alice.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: expected a JSON object, got an array'], 'response_status': 400}}");
        send(alice, "{'payload': {}}");
        assertJson(alice.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"stream\" key'], 'response_status': 400}}");
        send(alice, "{'stream': 'message-stream'}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: no \"payload\" key'], 'response_status': 400}}");
        send(alice, "{'stream': 'nope', 'payload': {}}");
        assertJson(alice.receiveJson(), "{'stream': 'nope', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: stream \"nope\" is not mapped'], 'response_status': 404}}");
        send(alice, "{'stream': 'message-stream', 'payload': [1]}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'errors':"
                + " ['Invalid multiplexed frame: \"payload\" must be a JSON object, got an array'],"
                + " 'response_status': 400}}");
        alice.sendText("{\"stream\": ");
        assertJson(alice.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: not valid JSON'], 'response_status': 400}}");
        alice.sendBinary(new byte[] {1, 2, 3});
        assertJson(alice.receiveJson(), "{'stream': null, 'payload': {'errors':"
                + " ['Invalid multiplexed frame: binary frames are not accepted, send JSON text'],"
                + " 'response_status': 400}}");

        send(alice, "{'stream': 'archive-stream', 'payload': {'action': 'update', 'pk': 1, 'data': {'text': 'x'}}}");
        assertJson(alice.receiveJson(), "{'stream': 'archive-stream', 'payload': {'action': 'update', 'data': null,"
                + " 'errors': ['You do not have permission to perform this action.'], 'response_status': 403,"
                + " 'request_id': null}}");
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'frobnicate', 'request_id': 9}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'frobnicate', 'data': null,"
                + " 'errors': ['Method \"frobnicate\" not allowed.'], 'response_status': 405, 'request_id': 9}}");
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 404}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'data': null,"
                + " 'errors': ['Not found.'], 'response_status': 404, 'request_id': null}}");
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'create',"
                + " 'data': {'text': 'x', 'room': 'a', 'created': 'yesterday', 'colour': 'red'}}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'data': null,"
                + " 'errors': [{'colour': ['Unknown field.']}], 'response_status': 400, 'request_id': null}}");
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'create',"
                + " 'data': {'text': 'x', 'room': 'a', 'created': 'yesterday'}}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'data': null,"
                + " 'errors': [{'created': ['Invalid value: expected an ISO-8601 Instant.']}], 'response_status': 400,"
                + " 'request_id': null}}");

        // Nothing changed, and the socket still works.
        send(alice, "{'stream': 'echo', 'payload': {'still': 'open'}}");
        assertJson(alice.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'still': 'open'}}}");
        org.assertj.core.api.Assertions.assertThat(store.size()).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThat(store.get(1).text()).isEqualTo("kept");
    }

    @Test
    void twoStreamsOnOneSocketWorkIndependently() throws Exception {
        store.put(new ChatMessage(null, "kept", "a", CREATED));
        DemuxClient alice = join("a");

        send(alice, "{'stream': 'archive-stream', 'payload': {'action': 'delete', 'pk': 1, 'request_id': 'x'}}");
        send(alice, "{'stream': 'message-stream', 'payload': {'action': 'update', 'pk': 1, 'request_id': 'y',"
                + " 'data': {'text': 'changed'}}}");

        assertJson(alice.receiveJson(), "{'stream': 'archive-stream', 'payload': {'action': 'delete', 'data': null,"
                + " 'errors': ['You do not have permission to perform this action.'], 'response_status': 403,"
                + " 'request_id': 'x'}}");
        assertJson(alice.receiveJson(), "{'stream': 'message-stream', 'payload': {'action': 'update',"
                + " 'data': {'id': 1, 'text': 'changed', 'room': 'a', 'created': '2024-05-01T12:30:00Z'},"
                + " 'errors': [], 'response_status': 200, 'request_id': 'y'}}");
        assertJson(alice.receiveJson(), broadcast("update", 1,
                "{'text': 'changed', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}"));
        send(alice, "{'stream': 'echo', 'payload': {'n': 2}}");
        assertJson(alice.receiveJson(), "{'stream': 'echo', 'payload': {'original_message': {'n': 2}}}");
    }
}

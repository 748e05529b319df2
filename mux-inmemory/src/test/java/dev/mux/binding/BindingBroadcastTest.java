package dev.mux.binding;

import static dev.mux.JsonAssertions.assertJson;
import static dev.mux.JsonAssertions.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mux.inmemory.InMemoryChannelLayer;
import dev.mux.layer.GroupSendResult;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What bindings broadcast, over a real in-memory layer, for changes through the stream and reported ones. */
class BindingBroadcastTest {

    private static final Instant CREATED = Instant.parse("2024-05-01T12:30:00Z");

    private InMemoryChannelLayer layer;
    private ChatMessageStore store;
    private Binding<ChatMessage> binding;
    private RecordingStreamHandle client;

    @BeforeEach
    void setUp() {
        layer = new InMemoryChannelLayer();
        store = new ChatMessageStore();
        binding = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .permission(BindingPermission.allowAll())
                .build();
        client = new RecordingStreamHandle("message-stream", null, layer);
        binding.onConnect(client);
    }

    @AfterEach
    void tearDown() {
        layer.close();
    }

    private void receive(String payload) {
        client.deliver(binding, payload);
    }

    @Test
    void aCreateWithoutRequestIdIsNotAnsweredButBroadcastToTheInstancesGroups() {
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");

        receive("{'action': 'create', 'data': {'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}}");

        assertThat(client.sent()).isEmpty();
        assertThat(store.get(1)).isEqualTo(new ChatMessage(1L, "hello", "a", CREATED));
        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 1,"
                + " 'data': {'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        roomA.assertNothingQueued();
        roomB.assertNothingQueued();
    }

    @Test
    void requestIdsGetDcrfRepliesWithStatus201Then200Then204() {
        receive("{'action': 'create', 'data': {'text': 'hello', 'room': 'a', 'created': '2024-05-01T12:30:00Z'},"
                + " 'request_id': 'c1'}");
        receive("{'action': 'update', 'pk': 1, 'data': {'text': 'edited'}, 'request_id': 2}");
        receive("{'action': 'delete', 'pk': 1, 'request_id': {'any': 'json'}}");

        assertThat(client.sent()).hasSize(3);
        assertJson(client.sent().get(0), "{'action': 'create', 'data': {'id': 1, 'text': 'hello', 'room': 'a',"
                + " 'created': '2024-05-01T12:30:00Z'}, 'errors': [], 'response_status': 201, 'request_id': 'c1'}");
        assertJson(client.sent().get(1), "{'action': 'update', 'data': {'id': 1, 'text': 'edited', 'room': 'a',"
                + " 'created': '2024-05-01T12:30:00Z'}, 'errors': [], 'response_status': 200, 'request_id': 2}");
        assertJson(client.sent().get(2), "{'action': 'delete', 'data': null, 'errors': [], 'response_status': 204,"
                + " 'request_id': {'any': 'json'}}");
        assertThat(store.size()).isZero();
    }

    @Test
    void anExplicitNullRequestIdAsksForNoReplyLikeAnAbsentOne() {
        receive("{'action': 'create', 'data': {'text': 'hello', 'room': 'a'}, 'request_id': null}");

        assertThat(client.sent()).isEmpty();
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void updateAndDeleteAreBroadcastWithTheFullDataOfTheInstance() {
        store.put(new ChatMessage(null, "hello", "a", CREATED));
        LayerMember roomA = new LayerMember(layer, "room-a");

        receive("{'action': 'update', 'pk': 1, 'data': {'text': 'edited'}}");
        receive("{'action': 'delete', 'pk': 1}");

        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'update', 'pk': 1,"
                + " 'data': {'text': 'edited', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1,"
                + " 'data': {'text': 'edited', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        roomA.assertNothingQueued();
        assertThat(client.sent()).isEmpty();
    }

    @Test
    void anInstanceMovingBetweenGroupsIsDeletedForTheOldAndCreatedForTheNew() {
        store.put(new ChatMessage(null, "hello", "a", CREATED));
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");

        receive("{'action': 'update', 'pk': 1, 'data': {'room': 'b'}}");

        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1,"
                + " 'data': {'text': 'hello', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        assertJson(roomB.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 1,"
                + " 'data': {'text': 'hello', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        roomA.assertNothingQueued();
        roomB.assertNothingQueued();
    }

    @Test
    void anUpdateChangesOnlyTheSelectedFields() {
        Binding<ChatMessage> textOnly = Binding.builder(ChatMessage.class)
                .stream("texts").model("board.message").fields("text")
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .permission(BindingPermission.allowAll()).layer(layer)
                .build();
        store.put(new ChatMessage(null, "hello", "a", CREATED));
        RecordingStreamHandle texts = new RecordingStreamHandle("texts", null, layer);
        LayerMember roomA = new LayerMember(layer, "room-a");

        texts.deliver(textOnly, "{'action': 'update', 'pk': 1, 'request_id': 1,"
                + " 'data': {'text': 'edited', 'room': 'b', 'id': 99, 'created': '1999-01-01T00:00:00Z'}}");

        assertThat(store.get(1)).isEqualTo(new ChatMessage(1L, "edited", "a", CREATED));
        assertJson(texts.onlySent(), "{'action': 'update', 'data': {'id': 1, 'text': 'edited'}, 'errors': [],"
                + " 'response_status': 200, 'request_id': 1}");
        assertJson(roomA.nextFrame(), "{'stream': 'texts', 'payload': {'action': 'update', 'pk': 1,"
                + " 'data': {'text': 'edited'}, 'model': 'board.message'}}");
    }

    @Test
    void aDeniedRequestBroadcastsNothing() {
        Binding<ChatMessage> readOnly = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .permission(BindingPermission.denyAll()).layer(layer)
                .build();
        store.put(new ChatMessage(null, "hello", "a", CREATED));
        LayerMember roomA = new LayerMember(layer, "room-a");

        client.deliver(readOnly, "{'action': 'update', 'pk': 1, 'data': {'text': 'edited'}}");

        assertThat(client.onlySent().get("response_status").intValue()).isEqualTo(403);
        assertThat(store.get(1).text()).isEqualTo("hello");
        roomA.assertNothingQueued();
    }

    @Test
    void changesTheApplicationReportsAreBroadcastWithTheGroupsLastBroadcast() {
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");
        ChatMessage stored = store.put(new ChatMessage(null, "from rest", "a", CREATED));

        GroupSendResult created = binding.saved(stored).toCompletableFuture().join();
        ChatMessage moved = store.put(stored.inRoom("b"));
        binding.saved(moved).toCompletableFuture().join();
        binding.deleted(store.remove(1)).toCompletableFuture().join();

        assertThat(created).isEqualTo(new GroupSendResult(1, 0));
        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 1,"
                + " 'data': {'text': 'from rest', 'room': 'a', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1,"
                + " 'data': {'text': 'from rest', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        assertJson(roomB.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 1,"
                + " 'data': {'text': 'from rest', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        assertJson(roomB.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 1,"
                + " 'data': {'text': 'from rest', 'room': 'b', 'created': '2024-05-01T12:30:00Z'}, 'model': 'board.message'}}");
        roomA.assertNothingQueued();
        roomB.assertNothingQueued();
    }

    @Test
    void aChangeThroughTheStreamIsRememberedForTheNextReportedOne() {
        store.put(new ChatMessage(null, "hello", "a", CREATED));
        receive("{'action': 'update', 'pk': 1, 'data': {'text': 'edited'}}");
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");

        binding.saved(store.put(store.get(1).inRoom("b"))).toCompletableFuture().join();

        assertThat(json(roomA.nextFrame()).at("/payload/action").textValue()).isEqualTo("delete");
        assertThat(json(roomB.nextFrame()).at("/payload/action").textValue()).isEqualTo("create");
    }

    @Test
    void savedWithThePreviousStateDiffsAgainstIt() {
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");
        ChatMessage before = new ChatMessage(5L, "old", "a", CREATED);

        binding.saved(before, before.inRoom("b")).toCompletableFuture().join();
        binding.saved(null, new ChatMessage(6L, "new", "a", CREATED)).toCompletableFuture().join();

        assertThat(json(roomA.nextFrame()).at("/payload").toString()).contains("\"action\":\"delete\"", "\"pk\":5");
        assertThat(json(roomB.nextFrame()).at("/payload").toString()).contains("\"action\":\"create\"", "\"pk\":5");
        assertThat(json(roomA.nextFrame()).at("/payload").toString()).contains("\"action\":\"create\"", "\"pk\":6");
        roomA.assertNothingQueued();
        roomB.assertNothingQueued();
    }

    @Test
    void anInstanceInTwoGroupsThatMovesOneGetsDeleteUpdateAndCreate() {
        Binding<ChatMessage> both = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").fields("room")
                .store(store).groups(m -> Set.of("all", "room-" + m.room()))
                .permission(BindingPermission.allowAll()).layer(layer)
                .build();
        LayerMember all = new LayerMember(layer, "all");
        LayerMember roomA = new LayerMember(layer, "room-a");
        LayerMember roomB = new LayerMember(layer, "room-b");
        ChatMessage m = new ChatMessage(3L, "x", "a", CREATED);

        GroupSendResult result = both.saved(m, m.inRoom("b")).toCompletableFuture().join();

        assertThat(result).isEqualTo(new GroupSendResult(3, 0));
        assertJson(roomA.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'delete', 'pk': 3,"
                + " 'data': {'room': 'b'}, 'model': 'board.message'}}");
        assertJson(all.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'update', 'pk': 3,"
                + " 'data': {'room': 'b'}, 'model': 'board.message'}}");
        assertJson(roomB.nextFrame(), "{'stream': 'message-stream', 'payload': {'action': 'create', 'pk': 3,"
                + " 'data': {'room': 'b'}, 'model': 'board.message'}}");
    }

    @Test
    void aBindingServesOneLayer() {
        try (InMemoryChannelLayer other = new InMemoryChannelLayer()) {
            assertThatThrownBy(() -> binding.onConnect(new RecordingStreamHandle("message-stream", null, other)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a binding serves one layer");
        }
        assertThat(binding.layer()).containsSame(layer);
    }

    @Test
    void anInvalidGroupNameFromTheGroupFunctionFailsTheReportLoudly() {
        Binding<ChatMessage> bad = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room " + m.room()))
                .permission(BindingPermission.allowAll()).layer(layer)
                .build();

        assertThatThrownBy(() -> bad.saved(new ChatMessage(1L, "x", "a", CREATED)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid group name: 'room a'");
    }

    @Test
    void aUuidPkIsBroadcastAsAString() {
        record Doc(java.util.UUID id, String title) {
        }
        Binding<Doc> docs = Binding.builder(Doc.class)
                .stream("docs").model("wiki.doc").allFields()
                .store(new MapStoreOfNothing<>()).groups(d -> Set.of("docs"))
                .permission(BindingPermission.denyAll()).layer(layer)
                .build();
        LayerMember member = new LayerMember(layer, "docs");

        docs.saved(new Doc(java.util.UUID.fromString("0b7a3d2e-9f36-4c3a-8a5e-2d7f3c1b9e40"), "t"))
                .toCompletableFuture().join();

        assertJson(member.nextFrame(), "{'stream': 'docs', 'payload': {'action': 'create',"
                + " 'pk': '0b7a3d2e-9f36-4c3a-8a5e-2d7f3c1b9e40', 'data': {'title': 't'}, 'model': 'wiki.doc'}}");
    }

    /** A store for bindings that only broadcast. */
    private static final class MapStoreOfNothing<T> implements BindingStore<T> {
        @Override
        public java.util.Optional<T> find(Object pk) {
            return java.util.Optional.empty();
        }

        @Override
        public T create(T instance) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public java.util.Optional<T> update(T instance) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public boolean delete(T instance) {
            throw new UnsupportedOperationException("read-only");
        }
    }
}

package dev.mux.binding;

import static dev.mux.JsonAssertions.assertJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every way an inbound request can fail, and that it is answered and changes nothing. */
class BindingInboundErrorsTest {

    private static final Instant CREATED = Instant.parse("2024-05-01T12:30:00Z");

    private ChatMessageStore store;
    private Binding<ChatMessage> binding;
    private RecordingStreamHandle handle;

    @BeforeEach
    void setUp() {
        store = new ChatMessageStore();
        store.put(new ChatMessage(null, "first", "a", CREATED));
        binding = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .permission((user, action, pk) -> action != Action.DELETE)
                .validator((m, action) -> m.room() != null && m.room().length() > 10
                        ? Map.of("room", List.of("Ensure this field has no more than 10 characters."))
                        : Map.of())
                .build();
        handle = new RecordingStreamHandle("message-stream");
    }

    private void receive(String payload) {
        handle.deliver(binding, payload);
    }

    private void assertReply(String expected) {
        assertJson(handle.onlySent(), expected);
        assertThat(store.size()).as("rows").isEqualTo(1);
        assertThat(store.get(1)).isEqualTo(new ChatMessage(1L, "first", "a", CREATED));
    }

    @Test
    void aBindingWithoutAPolicyAnswersEveryWrite403AndChangesNothing() {
        Binding<ChatMessage> noPolicy = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store).groups(m -> Set.of("room-" + m.room()))
                .build();
        for (String payload : List.of(
                "{'action': 'create', 'data': {'text': 'x', 'room': 'r'}, 'request_id': 1}",
                "{'action': 'update', 'pk': 1, 'data': {'text': 'changed'}, 'request_id': 2}",
                "{'action': 'delete', 'pk': 1, 'request_id': 3}")) {
            handle.deliver(noPolicy, payload);
            assertThat(handle.sent().get(handle.sent().size() - 1).get("response_status").asInt()).isEqualTo(403);
        }
        assertThat(handle.sent()).hasSize(3);
        assertThat(store.size()).isEqualTo(1);
        assertThat(store.get(1)).isEqualTo(new ChatMessage(1L, "first", "a", CREATED));
    }

    @Test
    void anUnknownFieldWhoseNameLooksLikeAJsonPointerIsAnswered400NotA500() {
        receive("{'action': 'create', 'data': {'/text/0': 'x', 'text': 'y', 'room': 'r'}, 'request_id': 'p'}");

        assertReply("{'action': 'create', 'data': null, 'errors': [{'/text/0': ['Unknown field.']}],"
                + " 'response_status': 400, 'request_id': 'p'}");
    }

    @Test
    void aPayloadWithoutActionIsAnswered405() {
        receive("{'pk': 1}");

        assertReply("{'action': null, 'data': null, 'errors': ['Unable to find action in message body.'],"
                + " 'response_status': 405, 'request_id': null}");
    }

    @Test
    void anUnknownActionIsAnswered405NamingIt() {
        receive("{'action': 'frobnicate', 'pk': 1, 'request_id': 'r1'}");

        assertReply("{'action': 'frobnicate', 'data': null, 'errors': ['Method \"frobnicate\" not allowed.'],"
                + " 'response_status': 405, 'request_id': 'r1'}");
    }

    @Test
    void anActionThatIsNotAStringIsAnswered405() {
        receive("{'action': ['update']}");

        assertReply("{'action': ['update'], 'data': null, 'errors': ['Method \"[\\\"update\\\"]\" not allowed.'],"
                + " 'response_status': 405, 'request_id': null}");
    }

    @Test
    void aDeniedActionIsAnswered403AndChangesNothing() {
        receive("{'action': 'delete', 'pk': 1, 'request_id': 7}");

        assertReply("{'action': 'delete', 'data': null,"
                + " 'errors': ['You do not have permission to perform this action.'],"
                + " 'response_status': 403, 'request_id': 7}");
    }

    @Test
    void theDenialIsAnsweredBeforeTheStoreIsAskedSoExistenceDoesNotLeak() {
        receive("{'action': 'delete', 'pk': 999}");

        assertReply("{'action': 'delete', 'data': null,"
                + " 'errors': ['You do not have permission to perform this action.'],"
                + " 'response_status': 403, 'request_id': null}");
    }

    @Test
    void anUnknownPkIsAnswered404() {
        receive("{'action': 'update', 'pk': 999, 'data': {'text': 'x'}}");

        assertReply("{'action': 'update', 'data': null, 'errors': ['Not found.'],"
                + " 'response_status': 404, 'request_id': null}");
    }

    @Test
    void aMissingPkIsAnswered400() {
        receive("{'action': 'update', 'data': {'text': 'x'}}");

        assertReply("{'action': 'update', 'data': null, 'errors': [{'pk': ['This field is required.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void aPkOfTheWrongTypeIsAnswered400() {
        receive("{'action': 'update', 'pk': 'twelve', 'data': {'text': 'x'}}");

        assertReply("{'action': 'update', 'data': null,"
                + " 'errors': [{'pk': ['Invalid pk \"twelve\": expected an integer.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void missingDataIsAnswered400() {
        receive("{'action': 'create'}");

        assertReply("{'action': 'create', 'data': null, 'errors': [{'data': ['This field is required.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void dataThatIsNotAnObjectIsAnswered400() {
        receive("{'action': 'update', 'pk': 1, 'data': 'text'}");

        assertReply("{'action': 'update', 'data': null, 'errors': [{'data': ['Expected a JSON object.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void aFieldTheModelDoesNotHaveIsAnswered400RatherThanDropped() {
        receive("{'action': 'update', 'pk': 1, 'data': {'txet': 'x', 'rom': 'b'}}");

        assertReply("{'action': 'update', 'data': null,"
                + " 'errors': [{'txet': ['Unknown field.'], 'rom': ['Unknown field.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void aValueOfTheWrongTypeIsAnswered400OnItsField() {
        receive("{'action': 'create', 'data': {'text': 'x', 'room': 'a', 'created': 'yesterday'}}");

        assertReply("{'action': 'create', 'data': null,"
                + " 'errors': [{'created': ['Invalid value: expected an ISO-8601 Instant.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void theValidatorsFieldErrorsAreAnswered400() {
        receive("{'action': 'update', 'pk': 1, 'data': {'room': 'a-very-long-room'}, 'request_id': 'r'}");

        assertReply("{'action': 'update', 'data': null,"
                + " 'errors': [{'room': ['Ensure this field has no more than 10 characters.']}],"
                + " 'response_status': 400, 'request_id': 'r'}");
    }

    @Test
    void theModelConstructorsRefusalIsANonFieldError() {
        receive("{'action': 'update', 'pk': 1, 'data': {'text': '  '}}");

        assertReply("{'action': 'update', 'data': null, 'errors': [{'non_field_errors': ['text must not be blank']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void theStoresInvalidDataExceptionIsAnswered400() {
        receive("{'action': 'create', 'data': {'text': 'taken', 'room': 'a'}}");

        assertReply("{'action': 'create', 'data': null,"
                + " 'errors': [{'text': ['A message with this text already exists.']}],"
                + " 'response_status': 400, 'request_id': null}");
    }

    @Test
    void aStoreFailureIsAnswered500WithoutItsDetails() {
        receive("{'action': 'create', 'data': {'text': 'explode', 'room': 'a'}, 'request_id': 1}");

        assertReply("{'action': 'create', 'data': null, 'errors': ['Internal server error.'],"
                + " 'response_status': 500, 'request_id': 1}");
    }
}

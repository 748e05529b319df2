package dev.mux.binding;

import static dev.mux.JsonAssertions.assertJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BindingBuilderTest {

    private static final Instant CREATED = Instant.parse("2024-05-01T12:30:00Z");

    private static Binding.Builder<ChatMessage> complete() {
        return Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message")
                .store(new ChatMessageStore())
                .groups(m -> Set.of("message-update"))
                .permission(BindingPermission.allowAll());
    }

    /** A POJO model with a UUID pk, a date, a computed property and a field that is never sent. */
    public static final class Task {
        private UUID uuid;
        private String title;
        private LocalDate due;
        private boolean done;
        private String secret;

        public UUID getUuid() {
            return uuid;
        }

        public void setUuid(UUID uuid) {
            this.uuid = uuid;
        }

        public String getTitle() {
            return title;
        }

        public void setTitle(String title) {
            this.title = title;
        }

        public LocalDate getDue() {
            return due;
        }

        public void setDue(LocalDate due) {
            this.due = due;
        }

        public boolean isDone() {
            return done;
        }

        public void setDone(boolean done) {
            this.done = done;
        }

        public String getSecret() {
            return secret;
        }

        public void setSecret(String secret) {
            this.secret = secret;
        }

        public boolean isOverdue() {
            return !done && due.isBefore(LocalDate.of(2024, 6, 1));
        }
    }

    private static final BindingStore<Task> NO_TASKS = new BindingStore<>() {
        @Override
        public Optional<Task> find(Object pk) {
            return Optional.empty();
        }

        @Override
        public Task create(Task instance) {
            return instance;
        }

        @Override
        public Optional<Task> update(Task instance) {
            return Optional.empty();
        }

        @Override
        public boolean delete(Task instance) {
            return false;
        }
    };

    private static Task task() {
        Task t = new Task();
        t.setUuid(UUID.fromString("0b7a3d2e-9f36-4c3a-8a5e-2d7f3c1b9e40"));
        t.setTitle("write docs");
        t.setDue(LocalDate.of(2024, 5, 20));
        t.setSecret("s3cret");
        return t;
    }

    @Test
    void aBindingWithoutAPermissionPolicyDeniesEveryWrite() {
        Binding<ChatMessage> binding = Binding.builder(ChatMessage.class)
                .stream("message-stream").model("board.message").allFields()
                .store(new ChatMessageStore()).groups(m -> Set.of("g")).build();
        for (Action action : Action.values()) {
            assertThat(binding.hasPermission(() -> "admin", action, 1L)).as(action.toString()).isFalse();
            assertThat(binding.hasPermission(null, action, null)).as(action.toString()).isFalse();
        }
    }

    @Test
    void everyMissingSettingIsNamedAtOnce() {
        assertThatThrownBy(() -> Binding.builder(ChatMessage.class).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("binding ChatMessage needs stream(..), model(..), fields(..), allFields() or exclude(..),"
                        + " store(..), groups(..)");
    }

    @Test
    void fieldsOrExcludeIsRequired() {
        assertThatThrownBy(() -> complete().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs fields(..), allFields() or exclude(..)");
    }

    @Test
    void onlyOneWayOfChoosingFieldsIsAllowed() {
        assertThatThrownBy(() -> complete().fields("text").exclude("room"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fields were already chosen (fields[text])");
    }

    @Test
    void aFieldThatIsNotAPropertyFailsWhenTheBindingIsBuilt() {
        assertThatThrownBy(() -> complete().fields("text", "titel").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fields names 'titel', which is not a property of dev.mux.binding.ChatMessage")
                .hasMessageContaining("[id, text, room, created]");
        assertThatThrownBy(() -> complete().exclude("nope").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exclude names 'nope'");
    }

    @Test
    void aMissingPkPropertyFailsWhenTheBindingIsBuilt() {
        assertThatThrownBy(() -> complete().allFields().pkField("key").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pkField 'key' is not a readable property of dev.mux.binding.ChatMessage");
    }

    @Test
    void allFieldsIsSpelledEitherWay() {
        assertThat(complete().allFields().build().fields()).containsExactly("text", "room", "created");
        assertThat(complete().fields("__all__").build().fields()).containsExactly("text", "room", "created");
        assertThatThrownBy(() -> complete().fields("__all__", "text"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stands alone");
        assertThatThrownBy(() -> complete().exclude("__all__"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyOrBlankFieldListsAreRefused() {
        assertThatThrownBy(() -> complete().fields()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fields must name at least one field");
        assertThatThrownBy(() -> complete().exclude("room", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null or blank");
    }

    @Test
    void theModelLabelMustBeAppDotModel() {
        assertThatThrownBy(() -> complete().model("message")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model must be a label of the form app.model, was 'message'");
        assertThatThrownBy(() -> complete().stream(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream must not be blank");
    }

    @Test
    void dataHoldsTheSelectedFieldsWithoutThePkAndDatesAsIso8601() {
        Binding<ChatMessage> binding = complete().allFields().build();

        assertJson(binding.data(new ChatMessage(12L, "hi", "lobby", CREATED)),
                "{'text': 'hi', 'room': 'lobby', 'created': '2024-05-01T12:30:00Z'}");
    }

    @Test
    void fieldsAndExcludeNarrowTheData() {
        ChatMessage m = new ChatMessage(12L, "hi", "lobby", CREATED);

        assertJson(complete().fields("text", "id").build().data(m), "{'text': 'hi'}");
        assertJson(complete().exclude("created").build().data(m), "{'text': 'hi', 'room': 'lobby'}");
    }

    @Test
    void pojosWithAUuidPkAndComputedPropertiesAreSerializedToo() {
        Binding<Task> binding = Binding.builder(Task.class)
                .stream("tasks").model("todo.task").pkField("uuid").exclude("secret")
                .store(NO_TASKS).groups(t -> Set.of("tasks")).permission(BindingPermission.denyAll())
                .build();

        assertThat(binding.fields()).containsExactlyInAnyOrder("title", "due", "done", "overdue");
        assertJson(binding.data(task()), "{'title': 'write docs', 'due': '2024-05-20', 'done': false, 'overdue': true}");
    }

    @Test
    void groupNamesAreValidatedAndSorted() {
        Binding<ChatMessage> binding = complete().allFields().groups(m -> Set.of("room-" + m.room(), "all")).build();
        ChatMessage m = new ChatMessage(1L, "hi", "b", CREATED);

        assertThat(binding.groupNames(m)).containsExactly("all", "room-b");
        Binding<ChatMessage> bad = complete().allFields().groups(x -> Set.of("no spaces allowed")).build();
        assertThatThrownBy(() -> bad.groupNames(m)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the group function of binding 'message-stream' returned an invalid group name:"
                        + " 'no spaces allowed'");
    }

    @Test
    void thePermissionPolicyDecides() {
        Binding<ChatMessage> binding = complete().allFields().permission(BindingPermission.authenticated()).build();

        assertThat(binding.hasPermission(null, Action.CREATE, null)).isFalse();
        assertThat(binding.hasPermission(() -> "ann", Action.DELETE, 3L)).isTrue();
    }

    @Test
    void reportingAChangeBeforeAnyLayerIsKnownFailsLoudly() {
        Binding<ChatMessage> binding = complete().allFields().build();

        assertThatThrownBy(() -> binding.saved(new ChatMessage(1L, "hi", "a", CREATED)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("binding 'message-stream' has no channel layer yet");
    }

    @Test
    void actionsHaveTheirWireNames() {
        assertThat(Action.fromWireName("update")).contains(Action.UPDATE);
        assertThat(Action.fromWireName("UPDATE")).isEmpty();
        assertThat(Action.fromWireName(null)).isEmpty();
        assertThat(Action.DELETE.wireName()).isEqualTo("delete");
    }
}

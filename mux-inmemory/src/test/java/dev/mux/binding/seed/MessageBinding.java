package dev.mux.binding.seed;

import dev.mux.binding.Binding;
import dev.mux.binding.BindingStore;
import java.util.Set;

/**
 * The seed's {@code MessageBinding}: model {@code Message}, stream {@code message-stream}, all
 * fields, every message in the group {@code message-update}, anyone may do anything.
 */
public final class MessageBinding {

    private MessageBinding() {
    }

    /** Builds the binding over the application's store. */
    public static Binding<Message> create(BindingStore<Message> store) {
        return Binding.builder(Message.class)
                .stream("message-stream").model("board.message").allFields()
                .store(store)
                .groups(message -> Set.of("message-update"))
                .permission((principal, action, pk) -> true)
                .build();
    }
}

package dev.mux.examples.board;

import dev.mux.binding.Action;
import dev.mux.binding.Binding;
import dev.mux.binding.BindingPermission;
import dev.mux.binding.BindingStore;
import dev.mux.layer.ChannelLayer;
import java.security.Principal;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The board's data binding, as the seed application's {@code MessageBinding}: model
 * {@link BoardMessage} ({@value #MODEL}), stream {@value #STREAM}, all fields, every message in
 * the group {@value #GROUP}.
 *
 * <pre>{@code
 * Binding<BoardMessage> binding = MessageBinding.create(store, layer);
 * // inbound:  {"stream": "message-stream", "payload": {"action": "create", "data": {"room": "lobby", "message": "Hi"}}}
 * // outbound: {"stream": "message-stream", "payload": {"action": "create", "pk": 7,
 * //            "data": {"room": "lobby", "message": "Hi", "created": "2026-01-01T12:00:00Z"}, "model": "board.message"}}
 * }</pre>
 *
 * <p>Anyone may create; updating and deleting need the {@linkplain AdminAuthenticator admin}
 * principal ({@link #permission()}). Changes made elsewhere — the REST API — are broadcast the
 * same way through {@link #events(Binding)}.
 *
 * <p><b>Threading:</b> the binding and the events are thread-safe.
 */
public final class MessageBinding {

    /** The stream the binding serves. */
    public static final String STREAM = "message-stream";

    /** The model label in broadcasts. */
    public static final String MODEL = "board.message";

    /** The group every message belongs to, and every board socket joins. */
    public static final String GROUP = "message-update";

    private MessageBinding() {
    }

    /**
     * Creates the binding.
     *
     * @param store the messages' store
     * @param layer the channel layer broadcasts go through (also those of REST changes, which
     *              have no socket of their own)
     * @return the binding
     */
    public static Binding<BoardMessage> create(JdbcMessageStore store, ChannelLayer layer) {
        return Binding.builder(BoardMessage.class)
                .stream(STREAM)
                .model(MODEL)
                .allFields()
                .store(bindingStore(store))
                .groups(message -> Set.of(GROUP))
                .permission(permission())
                .layer(layer)
                .build();
    }

    /**
     * Returns the board's policy, Channels' {@code has_permission}: anyone may create, only the
     * admin may update or delete.
     *
     * @return the permission
     */
    public static BindingPermission permission() {
        return (Principal user, Action action, Object pk) ->
                action == Action.CREATE || AdminAuthenticator.isAdmin(user);
    }

    /**
     * Adapts the JDBC store to the binding's store interface.
     *
     * @param store the JDBC store
     * @return the binding store
     */
    public static BindingStore<BoardMessage> bindingStore(JdbcMessageStore store) {
        Objects.requireNonNull(store, "store");
        return new BindingStore<>() {
            @Override
            public Optional<BoardMessage> find(Object pk) {
                return store.find((Long) pk);
            }

            @Override
            public BoardMessage create(BoardMessage instance) {
                // The id and the creation time are the database's to give, whatever the client sent.
                return store.create(instance.room(), instance.message());
            }

            @Override
            public Optional<BoardMessage> update(BoardMessage instance) {
                return store.update(instance.id(), instance.room(), instance.message());
            }

            @Override
            public boolean delete(BoardMessage instance) {
                return store.delete(instance.id()).isPresent();
            }
        };
    }

    /**
     * Returns the events that broadcast changes made outside the board's stream through the
     * binding, as the binding broadcasts its own.
     *
     * @param binding the board's binding
     * @return the events
     */
    public static BoardEvents events(Binding<BoardMessage> binding) {
        Objects.requireNonNull(binding, "binding");
        return new BoardEvents() {
            @Override
            public void saved(BoardMessage message, boolean created) {
                binding.saved(message);
            }

            @Override
            public void deleted(BoardMessage message) {
                binding.deleted(message);
            }
        };
    }
}

package dev.mux.binding;

/**
 * An application's store of {@link ChatMessage}s: a {@link MapStore} (what a real application
 * would do with JDBC or JPA) whose {@code create} also fails the way a database can, for the
 * error tests. Thread-safe.
 */
public final class ChatMessageStore extends MapStore<ChatMessage> {

    /** Creates an empty store. */
    public ChatMessageStore() {
        super(ChatMessage::id, (m, id) -> new ChatMessage(id, m.text(), m.room(), m.created()));
    }

    /**
     * Creates a row, except for the text {@code taken} (a uniqueness violation, reported as
     * invalid data) and {@code explode} (a database failure).
     */
    @Override
    public ChatMessage create(ChatMessage instance) {
        if ("taken".equals(instance.text())) {
            throw new InvalidDataException("text", "A message with this text already exists.");
        }
        if ("explode".equals(instance.text())) {
            throw new IllegalStateException("the database is down");
        }
        return super.create(instance);
    }
}

package dev.mux.binding;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application's store of {@link ChatMessage}s, over a concurrent map: what a real
 * application would do with JDBC or JPA. Thread-safe.
 */
public final class ChatMessageStore implements BindingStore<ChatMessage> {

    private final Map<Long, ChatMessage> rows = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Stores a message as the application would outside any socket, assigning an id if it has none. */
    public ChatMessage put(ChatMessage message) {
        ChatMessage stored = message.id() == null
                ? new ChatMessage(ids.incrementAndGet(), message.text(), message.room(), message.created())
                : message;
        rows.put(stored.id(), stored);
        return stored;
    }

    /** Returns the row with an id, or {@code null}. */
    public ChatMessage get(long id) {
        return rows.get(id);
    }

    /** Returns how many rows are stored. */
    public int size() {
        return rows.size();
    }

    /** Removes a row as the application would outside any socket. */
    public ChatMessage remove(long id) {
        return rows.remove(id);
    }

    @Override
    public Optional<ChatMessage> find(Object pk) {
        return Optional.ofNullable(rows.get((Long) pk));
    }

    @Override
    public ChatMessage create(ChatMessage instance) {
        if ("taken".equals(instance.text())) {
            throw new InvalidDataException("text", "A message with this text already exists.");
        }
        if ("explode".equals(instance.text())) {
            throw new IllegalStateException("the database is down");
        }
        return put(new ChatMessage(null, instance.text(), instance.room(), instance.created()));
    }

    @Override
    public Optional<ChatMessage> update(ChatMessage instance) {
        return Optional.ofNullable(rows.computeIfPresent(instance.id(), (id, old) -> instance));
    }

    @Override
    public boolean delete(ChatMessage instance) {
        return rows.remove(instance.id()) != null;
    }
}

package dev.mux.binding;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A {@link BindingStore} over a concurrent map with numeric ids, for models that are records:
 * what an application without a database would write. Thread-safe. Subclasses may override
 * the {@link BindingStore} methods to inject failures.
 *
 * @param <T> the model type
 */
public class MapStore<T> implements BindingStore<T> {

    private final Map<Long, T> rows = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Function<T, Long> idOf;
    private final BiFunction<T, Long, T> withId;

    /**
     * Creates a store.
     *
     * @param idOf   reads an instance's id ({@code null} when new)
     * @param withId copies an instance with an id
     */
    public MapStore(Function<T, Long> idOf, BiFunction<T, Long, T> withId) {
        this.idOf = idOf;
        this.withId = withId;
    }

    /** Stores an instance as the application would, assigning an id if it has none. */
    public T put(T instance) {
        Long id = idOf.apply(instance);
        T stored = id == null ? withId.apply(instance, ids.incrementAndGet()) : instance;
        rows.put(idOf.apply(stored), stored);
        return stored;
    }

    /** Returns the row with an id, or {@code null}. */
    public T get(long id) {
        return rows.get(id);
    }

    /** Returns how many rows are stored. */
    public int size() {
        return rows.size();
    }

    /** Removes a row as the application would, returning it, or {@code null} if there was none. */
    public T remove(long id) {
        return rows.remove(id);
    }

    @Override
    public Optional<T> find(Object pk) {
        return Optional.ofNullable(rows.get((Long) pk));
    }

    @Override
    public T create(T instance) {
        return put(withId.apply(instance, null));
    }

    @Override
    public Optional<T> update(T instance) {
        return Optional.ofNullable(rows.computeIfPresent(idOf.apply(instance), (id, old) -> instance));
    }

    @Override
    public boolean delete(T instance) {
        return rows.remove(idOf.apply(instance)) != null;
    }
}

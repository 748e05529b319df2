package dev.mux.binding;

import java.util.Optional;

/**
 * The persistence of a binding's model, implemented by the application over its own storage
 * (JDBC, JPA, a map…).
 *
 * <p>A binding calls the store for the inbound actions it has already checked: the user is
 * permitted and the data is well formed. It never caches instances; the store is the truth.
 * To reject data the model cannot accept (a unique constraint, a foreign key), throw
 * {@link InvalidDataException}: the client gets status 400 with those field errors. Any other
 * exception is logged with the connection id and answered with status 500.
 *
 * <p><b>Threading:</b> called on the threads of the connections that send requests, one call at
 * a time per connection but in parallel across connections, so implementations must be
 * thread-safe. Calls block that connection while they run; keep them short.
 *
 * @param <T> the model type
 */
public interface BindingStore<T> {

    /**
     * Finds an instance by primary key.
     *
     * @param pk the key, converted from the frame's JSON to the pk property's type (for
     *           example a {@code Long} or a {@code UUID})
     * @return the instance, or empty if none has that key
     */
    Optional<T> find(Object pk);

    /**
     * Stores a new instance.
     *
     * @param instance the instance built from the permitted fields of the request; its pk is
     *                 whatever the data left it (usually {@code null} or 0)
     * @return the stored instance, with its primary key assigned; never {@code null}
     * @throws InvalidDataException if the model rejects the data
     */
    T create(T instance);

    /**
     * Replaces an existing instance.
     *
     * @param instance the found instance with the permitted fields of the request applied; its
     *                 pk is unchanged
     * @return the stored instance, or empty if it no longer exists
     * @throws InvalidDataException if the model rejects the data
     */
    Optional<T> update(T instance);

    /**
     * Removes an instance.
     *
     * @param instance the instance as found just before
     * @return {@code false} if it no longer existed
     */
    boolean delete(T instance);
}

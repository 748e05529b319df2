package dev.mux.routing;

import dev.mux.consumer.WebSocketConsumer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A pattern mapped to the factory that makes one consumer per connection.
 *
 * <p>Instances are immutable and thread-safe if the factory is.
 *
 * @param pattern the URL pattern
 * @param factory makes a new consumer for every connection, for example {@code ChatConsumer::new};
 *                called on the handshake thread
 */
public record Route(RoutePattern pattern, Supplier<? extends WebSocketConsumer> factory) {

    /**
     * Validates the fields.
     *
     * @param pattern see the record component
     * @param factory see the record component
     * @throws NullPointerException if a field is {@code null}
     */
    public Route {
        Objects.requireNonNull(pattern, "pattern must not be null");
        Objects.requireNonNull(factory, "factory must not be null");
    }
}

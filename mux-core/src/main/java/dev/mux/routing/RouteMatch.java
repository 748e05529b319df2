package dev.mux.routing;

import java.util.Map;
import java.util.Objects;

/**
 * A route that matched a path, with the values of its parameters.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param route  the route
 * @param params parameter names to decoded values
 */
public record RouteMatch(Route route, Map<String, String> params) {

    /**
     * Validates and copies the fields.
     *
     * @param route see the record component
     * @param params see the record component
     * @throws NullPointerException if a field is {@code null}
     */
    public RouteMatch {
        Objects.requireNonNull(route, "route must not be null");
        params = Map.copyOf(Objects.requireNonNull(params, "params must not be null"));
    }
}

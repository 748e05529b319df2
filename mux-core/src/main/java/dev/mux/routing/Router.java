package dev.mux.routing;

import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.Scope;
import dev.mux.consumer.WebSocketConsumer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which consumer, if any, serves a handshake: checks the {@link OriginPolicy}, matches
 * the path against the routes in order (the first match wins), and asks the
 * {@link Authenticator}. Channels spells this
 * {@code AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter([...])))}.
 *
 * <pre>{@code
 * Router router = Router.builder()
 *     .route("/ws/chat/{room}/", ChatConsumer::new)
 *     .route("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$", DemoDemultiplexer::new)
 *     .allowedOrigins("https://app.example.com")
 *     .build();
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe (given thread-safe factories, policy and
 * authenticator); builders are not thread-safe.
 */
public final class Router {

    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private final List<Route> routes;
    private final OriginPolicy originPolicy;
    private final Authenticator authenticator;

    private Router(Builder b) {
        this.routes = List.copyOf(b.routes);
        this.originPolicy = b.originPolicy;
        this.authenticator = b.authenticator;
    }

    /**
     * Starts a builder with the same-host origin policy and the container authenticator.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the routes in matching order.
     *
     * @return an unmodifiable list
     */
    public List<Route> routes() {
        return routes;
    }

    /**
     * Returns the distinct mount paths of the routes, in order: one Jakarta endpoint each.
     *
     * @return an unmodifiable set of URI templates
     */
    public Set<String> mountPaths() {
        Set<String> paths = new LinkedHashSet<>();
        routes.forEach(r -> paths.add(r.pattern().mountPath()));
        return java.util.Collections.unmodifiableSet(paths);
    }

    /**
     * Returns the origin policy.
     *
     * @return the policy
     */
    public OriginPolicy originPolicy() {
        return originPolicy;
    }

    /**
     * Returns the authenticator.
     *
     * @return the authenticator
     */
    public Authenticator authenticator() {
        return authenticator;
    }

    /**
     * Finds the first route matching a path.
     *
     * @param path a decoded path relative to the application
     * @return the match, or empty
     */
    public Optional<RouteMatch> match(String path) {
        Objects.requireNonNull(path, "path must not be null");
        for (Route route : routes) {
            Optional<Map<String, String>> params = route.pattern().match(path);
            if (params.isPresent()) {
                return Optional.of(new RouteMatch(route, params.get()));
            }
        }
        return Optional.empty();
    }

    /**
     * Decides about a handshake: origin, then route, then authenticator.
     *
     * <p>Called on the container's handshake thread.
     *
     * @param handshake the handshake as a scope: path relative to the application, query,
     *                  headers, subprotocols, remote address, and the container's principal
     * @return the admission, with route parameters and the authenticated principal in its scope,
     *         or the refusal
     */
    public Admission admit(Scope handshake) {
        Objects.requireNonNull(handshake, "handshake must not be null");
        if (!originPolicy.allows(handshake)) {
            log.info("handshake for {} refused with 403: origin {} not allowed by {}", handshake.path(),
                    handshake.header("origin").orElse("(none)"), originPolicy);
            return Admission.refused(ConnectResult.FORBIDDEN, "origin not allowed");
        }
        Optional<RouteMatch> match = match(handshake.path());
        if (match.isEmpty()) {
            log.info("handshake for {} refused with 404: no route matches", handshake.path());
            return Admission.refused(ConnectResult.NOT_FOUND, "no route matches " + handshake.path());
        }
        Scope routed = handshake.withRouteParams(match.get().params());
        Authentication auth;
        try {
            auth = Objects.requireNonNull(authenticator.authenticate(routed), "the authenticator returned null");
        } catch (RuntimeException e) {
            log.error("handshake for {} refused with 500: the authenticator threw", handshake.path(), e);
            return Admission.refused(ConnectResult.SERVER_ERROR, "the authenticator threw " + e.getClass().getName());
        }
        if (auth.isRefused()) {
            log.info("handshake for {} refused with 403 by the authenticator: {}", handshake.path(),
                    auth.refusalReason().orElse(""));
            return Admission.refused(ConnectResult.FORBIDDEN, "refused by the authenticator");
        }
        return Admission.admitted(routed.withPrincipal(auth.principal().orElse(null)), match.get().route().factory());
    }

    @Override
    public String toString() {
        List<String> patterns = new ArrayList<>();
        routes.forEach(r -> patterns.add(r.pattern().pattern()));
        return "Router" + patterns;
    }

    /**
     * Builds a {@link Router}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private final Map<String, Route> byPattern = new LinkedHashMap<>();
        private OriginPolicy originPolicy = OriginPolicy.sameHost();
        private Authenticator authenticator = Authenticator.CONTAINER;

        private Builder() {
        }

        /**
         * Adds a route; routes are tried in the order added.
         *
         * @param pattern a template ({@code /ws/chat/{room}/}) or a regex starting with {@code ^}
         * @param factory makes a new consumer for every connection, for example {@code ChatConsumer::new}
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed or already routed
         */
        public Builder route(String pattern, Supplier<? extends WebSocketConsumer> factory) {
            return route(RoutePattern.parse(pattern), factory);
        }

        /**
         * Adds a route with a parsed pattern.
         *
         * @param pattern the pattern
         * @param factory makes a new consumer for every connection
         * @return this builder
         * @throws IllegalArgumentException if the pattern is already routed
         */
        public Builder route(RoutePattern pattern, Supplier<? extends WebSocketConsumer> factory) {
            Route route = new Route(pattern, factory);
            if (byPattern.putIfAbsent(pattern.pattern(), route) != null) {
                throw new IllegalArgumentException("pattern '" + pattern.pattern() + "' is routed twice");
            }
            routes.add(route);
            return this;
        }

        /**
         * Sets the origin policy.
         *
         * @param policy the policy; default {@link OriginPolicy#sameHost()}
         * @return this builder
         */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /**
         * Allows these origins besides the same host: a shortcut for
         * {@code originPolicy(OriginPolicy.sameHostOr(List.of(origins)))}.
         *
         * @param origins {@code scheme://host[:port]}, {@code scheme://*.domain}, or {@code *}
         * @return this builder
         * @throws IllegalArgumentException if an entry is not an origin
         */
        public Builder allowedOrigins(String... origins) {
            Objects.requireNonNull(origins, "origins must not be null");
            return originPolicy(OriginPolicy.sameHostOr(List.of(origins)));
        }

        /**
         * Sets the authenticator.
         *
         * @param authenticator the authenticator; default {@link Authenticator#CONTAINER}
         * @return this builder
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator must not be null");
            return this;
        }

        /**
         * Builds the router.
         *
         * @return an immutable router
         * @throws IllegalStateException if no route was added
         */
        public Router build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("a Router needs at least one route: call route(pattern, factory)");
            }
            return new Router(this);
        }
    }
}

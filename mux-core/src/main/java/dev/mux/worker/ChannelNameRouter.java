package dev.mux.worker;

import dev.mux.layer.ChannelNames;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Maps channel names to the {@link WorkerConsumer}s that handle them: Channels'
 * {@code ChannelNameRouter}, checked when it is built rather than when a message arrives.
 *
 * <pre>{@code
 * ChannelNameRouter router = ChannelNameRouter.builder()
 *     .route("thumbnails-generate", () -> new ThumbnailConsumer(store))
 *     .route("emails", 4, () -> new EmailConsumer(mailer))     // 4 concurrent receivers
 *     .build();
 * }</pre>
 *
 * <p>Channels routed here are <em>normal</em> channels (no {@code !}): shared queues that any
 * number of receivers, in any number of processes, may take from, each message going to one of
 * them.
 *
 * <p>Instances are immutable and thread-safe (the factories they hold are called by
 * {@link Worker#start()} on its caller's thread); builders are not thread-safe.
 */
public final class ChannelNameRouter {

    private final Map<String, Route> routes;

    private ChannelNameRouter(Map<String, Route> routes) {
        this.routes = Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }

    /**
     * Starts an empty builder.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds a router from a map of channel names to consumer factories, each channel getting
     * the worker's default number of receivers; the Java spelling of
     * {@code ChannelNameRouter({"thumbnails-generate": ThumbnailConsumer.as_asgi()})}.
     *
     * @param factories channel name to factory; iterated in the map's order
     * @return the router
     * @throws NullPointerException     if the map, a key or a value is {@code null}
     * @throws IllegalArgumentException if the map is empty or a channel name is invalid or
     *                                  process-local
     */
    public static ChannelNameRouter of(Map<String, ? extends Supplier<? extends WorkerConsumer>> factories) {
        Objects.requireNonNull(factories, "factories must not be null");
        Builder b = builder();
        factories.forEach(b::route);
        return b.build();
    }

    /**
     * Returns the routed channel names, in the order they were added.
     *
     * @return an unmodifiable list
     */
    public List<String> channels() {
        return List.copyOf(routes.keySet());
    }

    /**
     * Returns every route, in the order added.
     *
     * @return an unmodifiable list
     */
    public List<Route> routes() {
        return List.copyOf(routes.values());
    }

    /**
     * Looks up the route of a channel.
     *
     * @param channel a channel name
     * @return its route, or empty if the channel is not routed
     * @throws NullPointerException if {@code channel} is {@code null}
     */
    public Optional<Route> route(String channel) {
        Objects.requireNonNull(channel, "channel must not be null");
        return Optional.ofNullable(routes.get(channel));
    }

    /**
     * Returns the route of a channel that must be routed.
     *
     * @param channel a channel name
     * @return its route
     * @throws NullPointerException     if {@code channel} is {@code null}
     * @throws IllegalArgumentException if no route exists for it; the message lists the routed
     *                                  channels
     */
    public Route require(String channel) {
        return route(channel).orElseThrow(() -> new IllegalArgumentException(
                "no route for channel '" + channel + "'; routed channels are " + routes.keySet()));
    }

    @Override
    public String toString() {
        return "ChannelNameRouter" + routes.keySet();
    }

    /**
     * One channel's route: the factory of its consumers and, optionally, its own number of
     * concurrent receivers.
     *
     * <p>Instances are immutable and thread-safe if the factory is.
     *
     * @param channel     a normal (non-{@code !}) channel name
     * @param factory     creates one consumer per receiver; must return a new instance on every
     *                    call
     * @param concurrency the number of concurrent receivers for this channel in each worker, or
     *                    empty for {@link WorkerOptions#concurrency()}
     */
    public record Route(String channel, Supplier<? extends WorkerConsumer> factory, OptionalInt concurrency) {

        /**
         * Validates the route.
         *
         * @throws NullPointerException     if an argument is {@code null}
         * @throws IllegalArgumentException if the channel name is invalid or process-local, or
         *                                  the concurrency is out of range
         */
        public Route {
            ChannelNames.requireValidChannel(channel);
            if (ChannelNames.isProcessLocal(channel)) {
                throw new IllegalArgumentException("channel '" + channel + "' is process-local ('!'); "
                        + "a worker receives on shared channels only, such as 'thumbnails-generate'");
            }
            Objects.requireNonNull(factory, "factory must not be null (channel '" + channel + "')");
            Objects.requireNonNull(concurrency, "concurrency must not be null, use OptionalInt.empty()");
            if (concurrency.isPresent()) {
                WorkerOptions.requireConcurrency("concurrency of channel '" + channel + "'",
                        concurrency.getAsInt());
            }
        }
    }

    /**
     * Builds a {@link ChannelNameRouter}; every method validates its arguments at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Route> routes = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Routes a channel to a consumer factory, with the worker's default number of
         * receivers.
         *
         * @param channel a normal (non-{@code !}) channel name
         * @param factory creates a new consumer on every call
         * @return this builder
         * @throws NullPointerException     if an argument is {@code null}
         * @throws IllegalArgumentException if the name is invalid, process-local, or already
         *                                  routed
         */
        public Builder route(String channel, Supplier<? extends WorkerConsumer> factory) {
            return add(new Route(channel, factory, OptionalInt.empty()));
        }

        /**
         * Routes a channel to a consumer factory with its own number of concurrent receivers.
         *
         * @param channel     a normal (non-{@code !}) channel name
         * @param concurrency receivers for this channel in each worker, 1 to
         *                    {@value WorkerOptions#MAX_CONCURRENCY}
         * @param factory     creates a new consumer on every call
         * @return this builder
         * @throws NullPointerException     if an argument is {@code null}
         * @throws IllegalArgumentException if the name is invalid, process-local, or already
         *                                  routed, or the concurrency is out of range
         */
        public Builder route(String channel, int concurrency, Supplier<? extends WorkerConsumer> factory) {
            return add(new Route(channel, factory, OptionalInt.of(concurrency)));
        }

        private Builder add(Route route) {
            if (routes.containsKey(route.channel())) {
                throw new IllegalArgumentException("channel '" + route.channel() + "' is already routed");
            }
            routes.put(route.channel(), route);
            return this;
        }

        /**
         * Builds the router.
         *
         * @return an immutable router
         * @throws IllegalArgumentException if no channel is routed
         */
        public ChannelNameRouter build() {
            if (routes.isEmpty()) {
                throw new IllegalArgumentException("a ChannelNameRouter needs at least one route");
            }
            return new ChannelNameRouter(new LinkedHashMap<>(routes));
        }
    }
}

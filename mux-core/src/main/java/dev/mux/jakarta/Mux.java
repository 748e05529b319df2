package dev.mux.jakarta;

import dev.mux.consumer.ConnectionLimits;
import dev.mux.consumer.ConsumerRuntime;
import dev.mux.consumer.RuntimeStats;
import dev.mux.consumer.WebSocketConsumer;
import dev.mux.layer.ChannelLayer;
import dev.mux.observe.MuxListener;
import dev.mux.routing.Authenticator;
import dev.mux.routing.OriginPolicy;
import dev.mux.routing.RoutePattern;
import dev.mux.routing.Router;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * A Mux application for any Jakarta WebSocket container: routes, origin policy, authenticator,
 * limits and the channel layer, turned into {@link ServerEndpointConfig}s.
 *
 * <pre>{@code
 * Mux mux = Mux.builder()
 *     .layer(new InMemoryChannelLayer())
 *     .route("/ws/chat/{room}/", ChatConsumer::new)
 *     .route("^/demultiplex/(?<room_name>[a-zA-Z0-9_]+)/$", DemoDemultiplexer::new)
 *     .allowedOrigins("https://app.example.com")
 *     .build();
 * for (ServerEndpointConfig config : mux.endpointConfigs()) {
 *     serverContainer.addEndpoint(config);          // Jetty, Tyrus, any Jakarta container
 * }
 * }</pre>
 *
 * <p>For a WAR deployed by scanning, subclass {@link MuxApplicationConfig} instead.
 *
 * <h2>What the container's threads do</h2>
 * <ul>
 *   <li>The handshake thread runs the origin policy, routing, the authenticator and waits
 *       (at most {@link ConnectionLimits#handshakeTimeout()}) for the consumer's connect phase,
 *       which itself runs on the runtime's executor. A refusal answers with its HTTP status:
 *       403 (origin, authenticator, consumer rejected), 404 (no route), 500 (an exception).</li>
 *   <li>The container's I/O threads deliver frames and the close; they only queue work.</li>
 *   <li>Consumer code runs on the runtime's executor, one callback at a time per connection.
 *       Outbound frames are written with the container's asynchronous send, one at a time per
 *       connection.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; builders are not thread-safe.
 */
public final class Mux implements AutoCloseable {

    private final Router router;
    private final ConsumerRuntime runtime;
    private final List<ServerEndpointConfig> configs;

    private Mux(Builder b) {
        this.router = b.router.build();
        this.runtime = b.runtime.build();
        List<ServerEndpointConfig> out = new ArrayList<>();
        for (String mountPath : router.mountPaths()) {
            MuxConfigurator configurator = new MuxConfigurator(this, mountPath);
            ServerEndpointConfig config = ServerEndpointConfig.Builder.create(MuxEndpoint.class, mountPath)
                    .configurator(configurator)
                    .build();
            configurator.sharedUserProperties(config.getUserProperties());
            out.add(config);
        }
        this.configs = List.copyOf(out);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns one endpoint configuration per distinct mount path of the routes; register each
     * with {@code ServerContainer.addEndpoint}.
     *
     * @return an unmodifiable list
     */
    public List<ServerEndpointConfig> endpointConfigs() {
        return configs;
    }

    /**
     * Returns the router: routes, origin policy, authenticator.
     *
     * @return the router
     */
    public Router router() {
        return router;
    }

    /**
     * Returns the runtime that runs the consumers.
     *
     * @return the runtime
     */
    public ConsumerRuntime runtime() {
        return runtime;
    }

    /**
     * Returns the channel layer.
     *
     * @return the layer
     */
    public ChannelLayer layer() {
        return runtime.layer();
    }

    /**
     * Returns the runtime's counters: open connections, refusals, slow-client and error closes.
     *
     * @return a snapshot
     */
    public RuntimeStats stats() {
        return runtime.stats();
    }

    /**
     * Closes every connection with 1001 and stops the runtime's threads; does not close the
     * layer or the container. Idempotent.
     */
    @Override
    public void close() {
        runtime.close();
    }

    @Override
    public String toString() {
        return "Mux[" + router + ", " + runtime + "]";
    }

    /**
     * Builds a {@link Mux}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final Router.Builder router = Router.builder();
        // The runtime's own builder holds the layer, limits and executor, and checks them.
        private final ConsumerRuntime.Builder runtime = ConsumerRuntime.builder();
        private boolean hasLayer;

        private Builder() {
        }

        /**
         * Sets the listener that hears about connections (opened, refused with their HTTP
         * status, closed with their code), frames in and out, and frames dropped for slow
         * clients. Give the same listener to the layer to hear about layer traffic too.
         *
         * @param listener the listener; default {@link MuxListener#NOOP}
         * @return this builder
         */
        public Builder listener(MuxListener listener) {
            runtime.listener(Objects.requireNonNull(listener, "listener must not be null"));
            return this;
        }

        /**
         * Sets the channel layer; required.
         *
         * @param layer the layer, for example an {@code InMemoryChannelLayer} or a
         *              {@code RedisChannelLayer}
         * @return this builder
         */
        public Builder layer(ChannelLayer layer) {
            runtime.layer(layer);
            hasLayer = true;
            return this;
        }

        /**
         * Adds a route; routes are tried in the order added.
         *
         * @param pattern a template ({@code /ws/chat/{room}/}) or a regex starting with {@code ^}
         * @param factory makes a new consumer for every connection
         * @return this builder
         * @throws IllegalArgumentException if the pattern is malformed or already routed
         */
        public Builder route(String pattern, Supplier<? extends WebSocketConsumer> factory) {
            router.route(pattern, factory);
            return this;
        }

        /**
         * Adds a route with a parsed pattern (for example a regex with an explicit mount path).
         *
         * @param pattern the pattern
         * @param factory makes a new consumer for every connection
         * @return this builder
         */
        public Builder route(RoutePattern pattern, Supplier<? extends WebSocketConsumer> factory) {
            router.route(pattern, factory);
            return this;
        }

        /**
         * Allows these origins besides the same host.
         *
         * @param origins {@code scheme://host[:port]}, {@code scheme://*.domain}, or {@code *}
         * @return this builder
         * @throws IllegalArgumentException if an entry is not an origin
         */
        public Builder allowedOrigins(String... origins) {
            router.allowedOrigins(origins);
            return this;
        }

        /**
         * Sets the origin policy.
         *
         * @param policy the policy; default {@link OriginPolicy#sameHost()}
         * @return this builder
         */
        public Builder originPolicy(OriginPolicy policy) {
            router.originPolicy(policy);
            return this;
        }

        /**
         * Sets the authenticator.
         *
         * @param authenticator the authenticator; default {@link Authenticator#CONTAINER}
         * @return this builder
         */
        public Builder authenticator(Authenticator authenticator) {
            router.authenticator(authenticator);
            return this;
        }

        /**
         * Sets the limits every connection of this application gets.
         *
         * @param limits the limits; default {@link ConnectionLimits#defaults()}
         * @return this builder
         */
        public Builder limits(ConnectionLimits limits) {
            runtime.limits(limits);
            return this;
        }

        /**
         * Sets the executor consumer code runs on; Mux does not shut it down.
         *
         * @param executor a shared executor; default a pool of
         *                 {@link ConsumerRuntime#defaultThreads()} threads
         * @return this builder
         */
        public Builder executor(Executor executor) {
            runtime.executor(executor);
            return this;
        }

        /**
         * Builds the application.
         *
         * @return the Mux
         * @throws IllegalStateException if no layer or no route was given
         */
        public Mux build() {
            if (!hasLayer) {
                throw new IllegalStateException("Mux needs a channel layer: call layer(...)");
            }
            return new Mux(this);
        }
    }
}

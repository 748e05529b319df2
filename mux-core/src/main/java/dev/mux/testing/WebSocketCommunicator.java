package dev.mux.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.mux.consumer.CloseCodes;
import dev.mux.consumer.ConnectResult;
import dev.mux.consumer.Connection;
import dev.mux.consumer.ConnectionLimits;
import dev.mux.consumer.ConsumerRuntime;
import dev.mux.consumer.Scope;
import dev.mux.consumer.Transport;
import dev.mux.consumer.WebSocketConsumer;
import dev.mux.internal.Json;
import dev.mux.layer.Bytes;
import dev.mux.layer.ChannelLayer;
import dev.mux.routing.Admission;
import dev.mux.routing.Router;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Drives a consumer in-process, without a server, the way Channels'
 * {@code WebsocketCommunicator} does: connect, send text or JSON, receive with a timeout,
 * expect nothing, disconnect. The consumer runs exactly as in a container — the same
 * runtime, serial queue, limits and close codes — with any {@link ChannelLayer}.
 *
 * <pre>{@code
 * try (ChannelLayer layer = new InMemoryChannelLayer();
 *      WebSocketCommunicator client = WebSocketCommunicator.builder(layer)
 *          .router(Router.builder().route("/ws/chat/{room}/", ChatConsumer::new).build())
 *          .path("/ws/chat/lobby/")
 *          .build()) {
 *     assertThat(client.connect().accepted()).isTrue();
 *     client.sendJson(Map.of("message", "hello"));
 *     assertThat(client.receiveJson().get("message").asText()).isEqualTo("hello");
 *     client.expectNothing();
 *     client.disconnect();
 * }
 * }</pre>
 *
 * <p>With a {@link Router} the handshake goes through the origin policy, routing and the
 * authenticator, and refusals come back as {@link ConnectResult}s with their HTTP status;
 * with a bare {@linkplain Builder#consumer consumer factory} the scope is built as given.
 * Expectations that fail ({@link #receiveJson()} times out, the server closed instead) throw
 * {@link AssertionError} with what was seen.
 *
 * <p>{@link #stopReading()} makes the simulated client stop reading, as a stalled browser
 * would: the server's sends stay unfinished until {@link #resumeReading()}, so the outbound
 * limits apply.
 *
 * <p><b>Threading:</b> meant for one test thread; the consumer runs on the runtime's executor
 * as in production.
 */
public final class WebSocketCommunicator implements AutoCloseable {

    /** Default time {@code connect} and the {@code receive} methods wait. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    /** Default time {@link #expectNothing()} listens. */
    public static final Duration DEFAULT_NOTHING_TIMEOUT = Duration.ofMillis(100);

    /**
     * One thing the server did: a text frame, a binary frame, or a close.
     *
     * @param text        the text of a text frame, else {@code null}
     * @param binary      the bytes of a binary frame, else {@code null}
     * @param closeCode   the code of a close, else 0
     * @param closeReason the reason of a close (may be empty), else {@code null}
     */
    public record Received(String text, Bytes binary, int closeCode, String closeReason) {

        /**
         * Tells whether this is the server's close.
         *
         * @return {@code true} for a close
         */
        public boolean isClose() {
            return text == null && binary == null;
        }

        /**
         * Describes this for assertion messages, without the payload.
         *
         * @return a short description
         */
        public String describe() {
            if (text != null) {
                return "a text frame of " + text.length() + " characters";
            }
            if (binary != null) {
                return "a binary frame of " + binary.size() + " bytes";
            }
            return "a close with code " + closeCode + (closeReason.isEmpty() ? "" : " (" + closeReason + ")");
        }
    }

    private final ChannelLayer layer;
    private final Router router;
    private final Supplier<? extends WebSocketConsumer> factory;
    private final Scope handshake;
    private final ConsumerRuntime runtime;
    private final boolean ownsRuntime;
    private final Duration timeout;
    private final LinkedBlockingQueue<Received> outputs = new LinkedBlockingQueue<>();
    private final Object readLock = new Object();
    private final List<Runnable> unread = new ArrayList<>(); // guarded by readLock
    private boolean reading = true;                           // guarded by readLock
    private Connection connection;
    private ConnectResult connectResult;
    private boolean disconnected;

    private WebSocketCommunicator(Builder b) {
        this.layer = b.layer;
        this.router = b.router;
        this.factory = b.factory;
        Scope.Builder scope = Scope.builder(b.path)
                .queryString(b.query)
                .subprotocols(b.subprotocols)
                .routeParams(b.routeParams)
                .remoteAddress(b.remoteAddress)
                .principal(b.principal);
        b.headers.forEach(h -> scope.header(h[0], h[1]));
        this.handshake = scope.build();
        this.timeout = b.timeout;
        this.ownsRuntime = b.runtime == null;
        this.runtime = ownsRuntime ? b.ownRuntime.build() : b.runtime;
    }

    /**
     * Starts a builder for a communicator on a layer.
     *
     * @param layer the channel layer the consumer uses
     * @return a new builder
     */
    public static Builder builder(ChannelLayer layer) {
        return new Builder(layer);
    }

    /**
     * Performs the handshake, waiting {@link #DEFAULT_TIMEOUT} for the consumer to decide.
     *
     * @return accepted with the chosen subprotocol, or refused with the HTTP status a real
     *         client would see
     * @throws AssertionError if the consumer does not decide in time
     */
    public ConnectResult connect() {
        return connect(timeout);
    }

    /**
     * Performs the handshake.
     *
     * @param wait how long to wait for the consumer to decide
     * @return accepted with the chosen subprotocol, or refused with an HTTP status
     * @throws AssertionError        if the consumer does not decide in time
     * @throws IllegalStateException if called twice
     */
    public ConnectResult connect(Duration wait) {
        if (connectResult != null || connection != null) {
            throw new IllegalStateException("connect() was already called");
        }
        Supplier<? extends WebSocketConsumer> chosen = factory;
        Scope scope = handshake;
        if (router != null) {
            Admission admission = router.admit(handshake);
            if (!admission.isAdmitted()) {
                runtime.refusedBeforeConnection(handshake.path(), admission.status(), admission.reason());
                connectResult = admission.toConnectResult();
                return connectResult;
            }
            chosen = admission.factory();
            scope = admission.scope();
        }
        try {
            connection = runtime.newConnection(chosen, scope);
        } catch (RuntimeException e) {
            connectResult = ConnectResult.refused(ConnectResult.SERVER_ERROR, e.toString());
            return connectResult;
        }
        ConnectResult result;
        try {
            result = connection.connect().toCompletableFuture().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the consumer neither accepted nor rejected within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while connecting", e);
        } catch (ExecutionException e) {
            throw new AssertionError("connecting failed", e.getCause());
        }
        connectResult = result;
        if (result.accepted()) {
            connection.open(new CommunicatorTransport());
        }
        return result;
    }

    /**
     * Sends a text frame to the consumer.
     *
     * @param text the text
     * @throws IllegalStateException if not connected
     */
    public void sendText(String text) {
        Objects.requireNonNull(text, "text must not be null");
        requireOpen().receiveText(text);
    }

    /**
     * Sends a binary frame to the consumer.
     *
     * @param data the bytes
     * @throws IllegalStateException if not connected
     */
    public void sendBinary(byte[] data) {
        Objects.requireNonNull(data, "data must not be null");
        requireOpen().receiveBinary(ByteBuffer.wrap(data.clone()));
    }

    /**
     * Encodes a value as JSON (maps, lists, records, Jackson trees) and sends it as a text frame.
     *
     * @param content the value
     * @throws IllegalArgumentException if it cannot be encoded
     */
    public void sendJson(Object content) {
        try {
            sendText(Json.mapper().writeValueAsString(content));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + content + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Receives the next text frame, waiting {@link #DEFAULT_TIMEOUT}.
     *
     * @return the text
     * @throws AssertionError if nothing comes in time, or something else comes (a close)
     */
    public String receiveText() {
        return receiveText(timeout);
    }

    /**
     * Receives the next text frame.
     *
     * @param wait how long to wait
     * @return the text
     * @throws AssertionError if nothing comes in time, or something else comes
     */
    public String receiveText(Duration wait) {
        Received o = next(wait, "a text frame");
        if (o.text == null) {
            throw new AssertionError("expected a text frame but got " + o.describe());
        }
        return o.text;
    }

    /**
     * Receives whatever the server does next: a text frame, a binary frame or its close.
     *
     * @param wait how long to wait
     * @return what came
     * @throws AssertionError if nothing comes in time
     */
    public Received receiveAny(Duration wait) {
        return next(wait, "a frame or a close");
    }

    /**
     * Receives the next frame as JSON, waiting {@link #DEFAULT_TIMEOUT}.
     *
     * @return the decoded value
     * @throws AssertionError if nothing comes in time, something else comes, or it is not JSON
     */
    public JsonNode receiveJson() {
        return receiveJson(timeout);
    }

    /**
     * Receives the next frame as JSON.
     *
     * @param wait how long to wait
     * @return the decoded value
     * @throws AssertionError if nothing comes in time, something else comes, or it is not JSON
     */
    public JsonNode receiveJson(Duration wait) {
        String text = receiveText(wait);
        try {
            return Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new AssertionError("expected JSON but got text that does not parse: " + e.getOriginalMessage());
        }
    }

    /**
     * Receives the next binary frame, waiting {@link #DEFAULT_TIMEOUT}.
     *
     * @return the bytes
     * @throws AssertionError if nothing comes in time, or something else comes
     */
    public Bytes receiveBinary() {
        Received o = next(timeout, "a binary frame");
        if (o.binary == null) {
            throw new AssertionError("expected a binary frame but got " + o.describe());
        }
        return o.binary;
    }

    /**
     * Receives the server's close, waiting {@link #DEFAULT_TIMEOUT}.
     *
     * @return the close code
     * @throws AssertionError if nothing comes in time, or a frame comes instead
     */
    public int receiveClose() {
        return receiveClose(timeout);
    }

    /**
     * Receives the server's close.
     *
     * @param wait how long to wait
     * @return the close code
     * @throws AssertionError if nothing comes in time, or a frame comes instead
     */
    public int receiveClose(Duration wait) {
        Received o = next(wait, "a close");
        if (o.text != null || o.binary != null) {
            throw new AssertionError("expected a close but got " + o.describe());
        }
        return o.closeCode;
    }

    /**
     * Checks that the server sends nothing for {@link #DEFAULT_NOTHING_TIMEOUT}.
     *
     * @throws AssertionError if a frame or a close arrives
     */
    public void expectNothing() {
        expectNothing(DEFAULT_NOTHING_TIMEOUT);
    }

    /**
     * Checks that the server sends nothing for a while.
     *
     * @param wait how long to listen
     * @throws AssertionError if a frame or a close arrives
     */
    public void expectNothing(Duration wait) {
        Received o = poll(wait);
        if (o != null) {
            throw new AssertionError("expected nothing but got " + o.describe());
        }
    }

    /**
     * Closes the connection from the client side with {@value CloseCodes#NORMAL} and waits until
     * the consumer has fully disconnected (its {@code onDisconnect} ran and its groups were
     * discarded).
     *
     * @throws AssertionError if that takes longer than {@link #DEFAULT_TIMEOUT}
     */
    public void disconnect() {
        disconnect(CloseCodes.NORMAL);
    }

    /**
     * Closes the connection from the client side and waits until the consumer has fully
     * disconnected. Does nothing if the handshake was refused.
     *
     * @param code the close code the client sends
     * @throws AssertionError if that takes longer than {@link #DEFAULT_TIMEOUT}
     */
    public void disconnect(int code) {
        if (connection == null || disconnected) {
            return;
        }
        disconnected = true;
        connection.closed(code);
        awaitDisconnected(timeout);
    }

    /**
     * Waits until the consumer has fully disconnected, whoever closed.
     *
     * @param wait how long to wait
     * @return the code the consumer's {@code onDisconnect} got
     * @throws AssertionError if it takes longer, or there is no connection
     */
    public int awaitDisconnected(Duration wait) {
        if (connection == null) {
            throw new AssertionError("there is no connection: connect() was refused or not called");
        }
        try {
            return connection.disconnected().toCompletableFuture().get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("the consumer did not finish disconnecting within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the disconnect", e);
        } catch (ExecutionException e) {
            throw new AssertionError("disconnecting failed", e.getCause());
        }
    }

    /** Makes the simulated client stop reading: the server's sends stay unfinished. */
    public void stopReading() {
        synchronized (readLock) {
            reading = false;
        }
    }

    /** Lets the simulated client read again: unfinished sends complete in order. */
    public void resumeReading() {
        List<Runnable> pending;
        synchronized (readLock) {
            reading = true;
            pending = new ArrayList<>(unread);
            unread.clear();
        }
        pending.forEach(Runnable::run);
    }

    /**
     * Returns the consumer's channel name, to send it layer messages directly.
     *
     * @return the channel name
     * @throws IllegalStateException if not connected
     */
    public String channelName() {
        if (connection == null) {
            throw new IllegalStateException("not connected: call connect() first");
        }
        return connection.channelName();
    }

    /**
     * Returns the runtime the consumer runs in, for its {@link ConsumerRuntime#stats()}.
     *
     * @return the runtime
     */
    public ConsumerRuntime runtime() {
        return runtime;
    }

    /**
     * Returns the layer the consumer uses.
     *
     * @return the layer
     */
    public ChannelLayer layer() {
        return layer;
    }

    /**
     * Disconnects if still connected, and stops the runtime if the communicator made it. Does
     * not close the layer.
     */
    @Override
    public void close() {
        try {
            if (connection != null && !disconnected && connectResult != null && connectResult.accepted()) {
                disconnect();
            }
        } finally {
            if (ownsRuntime) {
                runtime.close();
            }
        }
    }

    // ---------------------------------------------------------------------------------------

    private Connection requireOpen() {
        if (connection == null || connectResult == null || !connectResult.accepted()) {
            throw new IllegalStateException("not connected: connect() was not called or was refused");
        }
        return connection;
    }

    private Received next(Duration wait, String expected) {
        Received o = poll(wait);
        if (o == null) {
            throw new AssertionError("expected " + expected + " within " + wait + " but got nothing");
        }
        return o;
    }

    private Received poll(Duration wait) {
        try {
            return outputs.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while receiving", e);
        }
    }

    /** Delivers now, or when the client reads again. */
    private void deliver(Runnable delivery) {
        boolean now;
        synchronized (readLock) {
            now = reading;
            if (!now) {
                unread.add(delivery);
            }
        }
        if (now) {
            delivery.run();
        }
    }

    /** The simulated network: frames land in {@link #outputs} when the client reads. */
    private final class CommunicatorTransport implements Transport {
        @Override
        public void sendText(String text, SendCallback done) {
            deliver(() -> {
                outputs.add(new Received(text, null, 0, null));
                done.completed(null);
            });
        }

        @Override
        public void sendBinary(ByteBuffer data, SendCallback done) {
            byte[] copy = new byte[data.remaining()];
            data.get(copy);
            deliver(() -> {
                outputs.add(new Received(null, Bytes.wrap(copy), 0, null));
                done.completed(null);
            });
        }

        @Override
        public void close(int code, String reason) {
            deliver(() -> {
                outputs.add(new Received(null, null, code, reason == null ? "" : reason));
                // The client answers the close, and the transport reports the connection gone.
                Connection c = connection;
                if (c != null) {
                    c.closed(code);
                }
            });
        }
    }

    /**
     * Builds a {@link WebSocketCommunicator}: what the handshake looks like, and which consumer
     * serves it.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final ChannelLayer layer;
        private Router router;
        private Supplier<? extends WebSocketConsumer> factory;
        private String path = "/";
        private String query = "";
        private final List<String[]> headers = new ArrayList<>();
        private List<String> subprotocols = List.of();
        private final Map<String, String> routeParams = new LinkedHashMap<>();
        private InetSocketAddress remoteAddress = new InetSocketAddress("127.0.0.1", 50000);
        private Principal principal;
        // What the communicator's own runtime is built from, unless a runtime is given.
        private final ConsumerRuntime.Builder ownRuntime;
        private ConsumerRuntime runtime;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(ChannelLayer layer) {
            this.layer = Objects.requireNonNull(layer, "layer must not be null");
            this.ownRuntime = ConsumerRuntime.builder().layer(layer);
        }

        /**
         * Routes the handshake through a router: origin policy, routes, authenticator.
         *
         * @param router the router
         * @return this builder
         */
        public Builder router(Router router) {
            this.router = Objects.requireNonNull(router, "router must not be null");
            return this;
        }

        /**
         * Serves the handshake with this factory's consumer, without routing.
         *
         * @param factory makes the consumer
         * @return this builder
         */
        public Builder consumer(Supplier<? extends WebSocketConsumer> factory) {
            this.factory = Objects.requireNonNull(factory, "factory must not be null");
            return this;
        }

        /**
         * Sets the request path, optionally with a query: {@code /ws/chat/lobby/?token=abc}.
         *
         * @param pathAndQuery the path relative to the application, starting with {@code /}
         * @return this builder
         */
        public Builder path(String pathAndQuery) {
            Objects.requireNonNull(pathAndQuery, "pathAndQuery must not be null");
            int q = pathAndQuery.indexOf('?');
            this.path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
            this.query = q < 0 ? "" : pathAndQuery.substring(q + 1);
            Scope.builder(path); // validates the path now rather than at build()
            return this;
        }

        /**
         * Adds a request header, for example {@code origin} or {@code cookie}.
         *
         * @param name  the name
         * @param value the value
         * @return this builder
         */
        public Builder header(String name, String value) {
            headers.add(new String[] {Objects.requireNonNull(name, "name must not be null"),
                Objects.requireNonNull(value, "value must not be null")});
            return this;
        }

        /**
         * Sets the subprotocols the client offers.
         *
         * @param subprotocols in order of preference
         * @return this builder
         */
        public Builder subprotocols(String... subprotocols) {
            this.subprotocols = List.of(subprotocols);
            return this;
        }

        /**
         * Sets a route parameter, for a consumer used without a router.
         *
         * @param name  the parameter
         * @param value its value
         * @return this builder
         */
        public Builder routeParam(String name, String value) {
            routeParams.put(Objects.requireNonNull(name, "name must not be null"),
                    Objects.requireNonNull(value, "value must not be null"));
            return this;
        }

        /**
         * Sets the principal the container authenticated (what a router's authenticator sees).
         *
         * @param principal the principal, or {@code null}
         * @return this builder
         */
        public Builder principal(Principal principal) {
            this.principal = principal;
            return this;
        }

        /**
         * Sets the client's address; default {@code 127.0.0.1:50000}.
         *
         * @param remoteAddress the address, or {@code null}
         * @return this builder
         */
        public Builder remoteAddress(InetSocketAddress remoteAddress) {
            this.remoteAddress = remoteAddress;
            return this;
        }

        /**
         * Sets the connection limits of the runtime the communicator makes.
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder limits(ConnectionLimits limits) {
            ownRuntime.limits(limits);
            return this;
        }

        /**
         * Sets the executor of the runtime the communicator makes.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder executor(Executor executor) {
            ownRuntime.executor(executor);
            return this;
        }

        /**
         * Uses an existing runtime (its layer must be this builder's) instead of making one.
         *
         * @param runtime the runtime; not closed by the communicator
         * @return this builder
         */
        public Builder runtime(ConsumerRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime must not be null");
            return this;
        }

        /**
         * Sets how long {@code connect}, {@code receive*} and {@code disconnect} wait by default.
         *
         * @param timeout positive; default {@link WebSocketCommunicator#DEFAULT_TIMEOUT}
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout must not be null");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the communicator; nothing is connected until {@link #connect()}.
         *
         * @return the communicator
         * @throws IllegalStateException if neither or both of a router and a consumer were given,
         *                               or the runtime uses another layer
         */
        public WebSocketCommunicator build() {
            if ((router == null) == (factory == null)) {
                throw new IllegalStateException("give exactly one of router(...) or consumer(...)");
            }
            if (runtime != null && runtime.layer() != layer) {
                throw new IllegalStateException("the runtime uses layer " + runtime.layer()
                        + ", not this communicator's " + layer);
            }
            return new WebSocketCommunicator(this);
        }
    }
}

package dev.mux.consumer;

import dev.mux.layer.ChannelLayer;
import dev.mux.observe.MuxListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all connections of an application share: the channel layer, the executor consumer code
 * runs on, the {@link ConnectionLimits}, the {@link MuxListener} that hears about connections
 * and frames, and the counters in {@link #stats()}.
 *
 * <p>Transports create one {@link Connection} per WebSocket with {@link #newConnection}. The
 * Jakarta adapter ({@code dev.mux.jakarta.Mux}) and the test communicator
 * ({@code dev.mux.testing.WebSocketCommunicator}) build and use a runtime for you; build one
 * yourself only to write an adapter for another server.
 *
 * <pre>{@code
 * ConsumerRuntime runtime = ConsumerRuntime.builder()
 *     .layer(layer)
 *     .limits(ConnectionLimits.defaults())
 *     .build();
 * Connection connection = runtime.newConnection(new ChatConsumer(), scope);
 * }</pre>
 *
 * <p>When the channel layer is unavailable (its store is down or frozen), layer operations that
 * consumer code started after accepting fail without closing the connection: the runtime
 * counts them ({@link RuntimeStats#layerFailures()}) and logs the first failure of an outage
 * and, when an operation succeeds again, how many failed — once per outage, not once per
 * message. A handshake whose connect phase hits an unavailable layer is refused with HTTP
 * {@value ConnectResult#SERVICE_UNAVAILABLE}.
 *
 * <p>The default executor is a fixed pool of {@link #defaultThreads()} daemon threads named
 * {@code mux-consumer-N}, owned and shut down by {@link #close()}. A given executor is used as
 * is and not shut down. Either way it is shared: each connection is a serial queue on it, never
 * a thread of its own.
 *
 * <p><b>Threading:</b> thread-safe.
 */
public final class ConsumerRuntime implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConsumerRuntime.class);
    private static final AtomicLong CONNECTION_IDS = new AtomicLong();
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final String name;
    private final ChannelLayer layer;
    private final ConnectionLimits limits;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final ScheduledThreadPoolExecutor timers;
    private final Set<Connection> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong slowClientCloses = new AtomicLong();
    private final AtomicLong floodCloses = new AtomicLong();
    private final AtomicLong errorCloses = new AtomicLong();
    private final AtomicLong unhandledMessages = new AtomicLong();
    private final AtomicLong rateLimitCloses = new AtomicLong();
    private final AtomicLong addressLimitRefusals = new AtomicLong();
    private final AtomicLong layerFailures = new AtomicLong();
    /** Layer failures since the last success; 0 outside an outage. */
    private final AtomicLong failuresInOutage = new AtomicLong();
    private final MuxListener listener;
    /** Open connections (and handshakes in progress) per remote address, when capped. */
    private final ConcurrentHashMap<String, Integer> perAddress = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private ConsumerRuntime(Builder b) {
        this.name = "mux-runtime-" + RUNTIMES.incrementAndGet();
        this.layer = b.layer;
        this.limits = b.limits;
        this.listener = MuxListener.guarded(b.listener);
        if (b.executor != null) {
            this.executor = b.executor;
            this.ownedExecutor = null;
        } else {
            int threads = defaultThreads();
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), r -> daemon(r, "mux-consumer-" + n.incrementAndGet()));
            pool.allowCoreThreadTimeOut(true);
            this.executor = pool;
            this.ownedExecutor = pool;
        }
        this.timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-timer"));
        this.timers.setRemoveOnCancelPolicy(true);
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
     * Returns the size of the default executor: {@code max(4, 2 × available processors)}.
     *
     * @return the number of threads
     */
    public static int defaultThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * Creates the runtime side of a new WebSocket connection: its consumer, its channel name and
     * its id. Call {@link Connection#connect()} next.
     *
     * @param consumer a new consumer instance, never used for another connection
     * @param scope    what the handshake revealed
     * @return the connection
     * @throws IllegalStateException    if the runtime is closed or the consumer already serves a
     *                                  connection
     * @throws IllegalArgumentException if the consumer's {@link Handles} methods are malformed
     */
    public Connection newConnection(WebSocketConsumer consumer, Scope scope) {
        Objects.requireNonNull(consumer, "consumer must not be null");
        Objects.requireNonNull(scope, "scope must not be null");
        if (closed) {
            throw new IllegalStateException(name + " is closed; no new connections");
        }
        return new Connection(this, consumer, scope, "ws-" + CONNECTION_IDS.incrementAndGet());
    }

    /**
     * Creates a connection for a consumer from a factory, checking that the factory made a new
     * consumer.
     *
     * @param factory a route's consumer factory
     * @param scope   what the handshake revealed
     * @return the connection
     * @throws IllegalStateException if the factory returned {@code null}
     * @see #newConnection(WebSocketConsumer, Scope)
     */
    public Connection newConnection(Supplier<? extends WebSocketConsumer> factory, Scope scope) {
        Objects.requireNonNull(factory, "factory must not be null");
        WebSocketConsumer consumer = factory.get();
        if (consumer == null) {
            throw new IllegalStateException("the consumer factory for " + scope.path() + " returned null");
        }
        return newConnection(consumer, scope);
    }

    /**
     * Returns the channel layer.
     *
     * @return the layer
     */
    public ChannelLayer layer() {
        return layer;
    }

    /**
     * Returns the connection limits.
     *
     * @return the limits
     */
    public ConnectionLimits limits() {
        return limits;
    }

    /**
     * Returns the listener that hears about connections and frames.
     *
     * @return the listener, {@link MuxListener#NOOP} unless one was set
     */
    public MuxListener listener() {
        return listener;
    }

    /**
     * Reports a handshake the transport refused before any connection existed (origin policy,
     * no route, authenticator) to the {@link #listener()}; transports call it.
     *
     * @param path   the request path
     * @param status the HTTP status of the refusal
     * @param reason why, for logs
     */
    public void refusedBeforeConnection(String path, int status, String reason) {
        listener.connectionRefused(path, status, reason);
    }

    /**
     * Returns the executor consumer code runs on.
     *
     * @return the executor
     */
    public Executor executor() {
        return executor;
    }

    /**
     * Returns a snapshot of the counters.
     *
     * @return the counters now
     */
    public RuntimeStats stats() {
        return new RuntimeStats(live.size(), accepted.get(), refused.get(), slowClientCloses.get(),
                floodCloses.get(), errorCloses.get(), unhandledMessages.get(), rateLimitCloses.get(),
                addressLimitRefusals.get(), layerFailures.get());
    }

    /**
     * Closes every live connection with {@value CloseCodes#GOING_AWAY}, then stops the timer
     * thread and the executor if the runtime owns it. Does not close the channel layer.
     * Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Connection> open = new ArrayList<>(live);
        for (Connection c : open) {
            c.shutdown();
        }
        timers.shutdownNow();
        if (ownedExecutor != null) {
            // Let the disconnect steps just queued run before the threads go.
            ownedExecutor.shutdown();
            try {
                if (!ownedExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("{}: consumer code still running after 5 s; interrupting it", name);
                    ownedExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + "[" + layer + ", " + live.size() + " connections]";
    }

    // ---------------------------------------------------------------------------------------
    // Called by Connection

    Future<?> schedule(Runnable task, Duration delay) {
        try {
            return timers.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("{}: timer task failed", name, e);
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closing: timeouts no longer matter
        }
    }

    void started(Connection c) {
        live.add(c);
    }

    void ended(Connection c) {
        // The place under the cap goes first: whoever sees the connection gone may reconnect.
        String address = c.reservedAddress();
        if (address != null) {
            perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
        live.remove(c);
    }

    void decided(Connection c, ConnectResult r) {
        (r.accepted() ? accepted : refused).incrementAndGet();
        if (!r.accepted()) {
            listener.connectionRefused(c.scope().path(), r.status(), r.reason());
        }
    }

    /**
     * Counts a new connection against its address's cap.
     *
     * @return the key to release at the end, "" when not counted, or null when over the cap
     */
    String reserveAddress(Scope scope) {
        int cap = limits.maxConnectionsPerAddress();
        InetSocketAddress remote = scope.remoteAddress().orElse(null);
        if (cap == 0 || remote == null) {
            return "";
        }
        String key = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
        boolean[] admitted = new boolean[1];
        perAddress.compute(key, (a, n) -> {
            int count = n == null ? 0 : n;
            if (count >= cap) {
                return n;
            }
            admitted[0] = true;
            return count + 1;
        });
        if (!admitted[0]) {
            addressLimitRefusals.incrementAndGet();
            return null;
        }
        return key;
    }

    void rateLimitClose() {
        rateLimitCloses.incrementAndGet();
    }

    /** A layer operation consumer code started failed because the layer is unavailable. */
    void layerUnavailable(String connectionId, String what, Throwable cause) {
        layerFailures.incrementAndGet();
        if (failuresInOutage.getAndIncrement() == 0) {
            log.warn("{}: the channel layer is unavailable (first seen on connection {}, {}): {}; connections stay"
                    + " open, further failures are counted and logged when the layer is back", name, connectionId,
                    what, cause.toString());
        }
    }

    /** Layer operations consumer code started succeeded: ends an outage, if one was going on. */
    void layerAvailable() {
        if (failuresInOutage.get() != 0) {
            long failed = failuresInOutage.getAndSet(0);
            if (failed > 0) {
                log.info("{}: the channel layer is available again; {} layer operation(s) failed during the outage",
                        name, failed);
            }
        }
    }

    void slowClientClose() {
        slowClientCloses.incrementAndGet();
    }

    void floodClose() {
        floodCloses.incrementAndGet();
    }

    void errorClose() {
        errorCloses.incrementAndGet();
    }

    void unhandledMessage() {
        unhandledMessages.incrementAndGet();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Builds a {@link ConsumerRuntime}.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private ChannelLayer layer;
        private ConnectionLimits limits = ConnectionLimits.defaults();
        private Executor executor;
        private MuxListener listener = MuxListener.NOOP;

        private Builder() {
        }

        /**
         * Sets the listener that hears about connections, refusals, closes, frames and the
         * frames dropped for slow clients.
         *
         * @param listener the listener; default {@link MuxListener#NOOP}
         * @return this builder
         */
        public Builder listener(MuxListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener must not be null");
            return this;
        }

        /**
         * Sets the channel layer; required.
         *
         * @param layer the layer
         * @return this builder
         */
        public Builder layer(ChannelLayer layer) {
            this.layer = Objects.requireNonNull(layer, "layer must not be null");
            return this;
        }

        /**
         * Sets the connection limits.
         *
         * @param limits the limits; default {@link ConnectionLimits#defaults()}
         * @return this builder
         */
        public Builder limits(ConnectionLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits must not be null");
            return this;
        }

        /**
         * Sets the executor consumer code runs on; the runtime does not shut it down.
         *
         * @param executor a shared executor; default a pool of {@link #defaultThreads()} threads
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor must not be null");
            return this;
        }

        /**
         * Builds the runtime.
         *
         * @return a new runtime
         * @throws IllegalStateException if no layer was set
         */
        public ConsumerRuntime build() {
            if (layer == null) {
                throw new IllegalStateException("a ConsumerRuntime needs a layer: call layer(...)");
            }
            return new ConsumerRuntime(this);
        }
    }
}

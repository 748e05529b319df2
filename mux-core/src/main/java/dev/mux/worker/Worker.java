package dev.mux.worker;

import dev.mux.MuxException;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives messages from named channels of a {@link ChannelLayer} and hands each to the
 * {@link WorkerConsumer} its {@link ChannelNameRouter} maps the channel to: Channels'
 * {@code runworker}, as a library.
 *
 * <pre>{@code
 * ChannelNameRouter router = ChannelNameRouter.builder()
 *     .route("thumbnails-generate", () -> new ThumbnailConsumer(store))
 *     .build();
 * Worker worker = Worker.builder(layer, router)
 *     .options(WorkerOptions.builder().concurrency(2).build())
 *     .build()
 *     .start();
 * // elsewhere, in this process, another one, or a Django process on the same Redis:
 * layer.send("thumbnails-generate", Message.of("type", "generate", "id", 42));
 * ...
 * worker.stop(Duration.ofSeconds(10)).toCompletableFuture().join();
 * }</pre>
 *
 * <h2>Receiving</h2>
 * Each channel gets {@link WorkerOptions#concurrency()} receivers (or its route's own number).
 * A receiver is a thread that takes one message from the layer, calls its own consumer
 * instance, and only then takes the next, so with one receiver a channel's messages are
 * handled one at a time in the order they were sent, and the work in flight is bounded by the
 * number of receivers. The channels are normal (non-{@code !}) channels, queues shared by
 * every receiver on the layer: two workers in one process, or workers in several processes on
 * one Redis (Java or Python), split a channel's messages, each message going to exactly one
 * receiver. When the layer fails (Redis unreachable) a receiver logs it and retries with a
 * doubling backoff ({@link WorkerOptions#retryBackoff()} up to
 * {@link WorkerOptions#maxRetryBackoff()}); when the layer is closed the worker stops and
 * {@link #terminated()} fails with the {@link LayerClosedException}.
 *
 * <h2>Lifecycle</h2>
 * {@link #start()} creates every consumer (a failing factory leaves nothing running), then
 * starts the receivers. {@link #stop(Duration)} stops receiving at once, lets the handlers in
 * flight finish, and completes when the last has returned; messages not yet taken stay in the
 * layer for the next worker. A worker runs once: it cannot be started again after a stop.
 *
 * <p><b>Threading:</b> thread-safe; every method may be called from any thread. Consumers are
 * called on the worker's receiver threads (named {@code mux-worker-<name>-<channel>-<n>},
 * non-daemon, so a running worker keeps the JVM alive like a server does), one call at a time
 * per consumer instance. The stages this class returns complete on a receiver thread or a
 * timer thread; do not block in actions attached to them.
 */
public final class Worker implements AutoCloseable {

    /** The lifecycle of a worker; it only moves forward. */
    public enum State {
        /** Built, not started. */
        NEW,
        /** Receiving and handling messages. */
        RUNNING,
        /** No longer receiving; handlers in flight are finishing. */
        STOPPING,
        /** Every receiver has exited. */
        STOPPED
    }

    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final ChannelLayer layer;
    private final ChannelNameRouter router;
    private final List<String> channels;
    private final WorkerOptions options;
    private final ThreadFactory threadFactory;

    private final Object lock = new Object();
    private State state = State.NEW; // guarded by lock
    private boolean starting; // guarded by lock
    private List<Receiver> receivers = List.of(); // written once under lock, at start
    private final AtomicInteger liveReceivers = new AtomicInteger();
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final CompletionStage<Void> terminatedView = terminated.minimalCompletionStage();
    private volatile Throwable layerFailure;

    private final LongAdder received = new LongAdder();
    private final LongAdder handled = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder unhandled = new LongAdder();

    private Worker(Builder b) {
        this.layer = b.layer;
        this.router = b.router;
        this.options = b.options;
        this.name = b.name != null ? b.name : "worker-" + INSTANCES.incrementAndGet();
        List<String> chosen = b.channels.isEmpty() ? router.channels() : List.copyOf(b.channels);
        for (String channel : chosen) {
            router.require(channel);
        }
        this.channels = chosen;
        this.threadFactory = b.threadFactory;
    }

    /**
     * Starts building a worker for the channels of a router.
     *
     * @param layer  the layer to receive from and to give consumers for their sends
     * @param router maps each channel to its consumers
     * @return a builder
     * @throws NullPointerException if an argument is {@code null}
     */
    public static Builder builder(ChannelLayer layer, ChannelNameRouter router) {
        return new Builder(layer, router);
    }

    /**
     * Returns this worker's name, which starts each of its log lines.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the channels this worker receives from.
     *
     * @return an unmodifiable list, in route order
     */
    public List<String> channels() {
        return channels;
    }

    /**
     * Returns the options this worker runs with.
     *
     * @return the options
     */
    public WorkerOptions options() {
        return options;
    }

    /**
     * Returns where this worker is in its lifecycle.
     *
     * @return the current state
     */
    public State state() {
        synchronized (lock) {
            return state;
        }
    }

    /**
     * Returns counts of the messages received and how they went, since start.
     *
     * @return a snapshot
     */
    public WorkerStats stats() {
        // Read the outcomes before 'received' (counted first), so received >= completed holds.
        long h = handled.sum();
        long f = failed.sum();
        long u = unhandled.sum();
        return new WorkerStats(received.sum(), h, f, u);
    }

    /**
     * Creates one consumer per receiver and starts receiving.
     *
     * <p>Every factory is called first, on the caller's thread; if one throws, no receiver
     * starts and the worker stays {@link State#NEW}.
     *
     * @return this worker, running
     * @throws IllegalStateException    if the worker was already started or stopped, or a
     *                                  factory returned an instance already in use
     * @throws IllegalArgumentException if a consumer class has malformed
     *                                  {@link dev.mux.consumer.Handles @Handles} methods
     * @throws NullPointerException     if a factory returned {@code null}
     * @throws MuxException             if a factory threw; the cause is what it threw
     */
    public Worker start() {
        synchronized (lock) {
            if (state != State.NEW || starting) {
                throw new IllegalStateException("worker " + name + " cannot start: it is "
                        + (starting ? "starting" : state));
            }
            starting = true;
        }
        List<Receiver> created = new ArrayList<>();
        List<String> described = new ArrayList<>();
        try {
            // Factories are user code: called outside the lock.
            for (String channel : channels) {
                ChannelNameRouter.Route route = router.require(channel);
                int n = route.concurrency().orElse(options.concurrency());
                for (int i = 0; i < n; i++) {
                    WorkerScope scope = new WorkerScope(name, channel, i);
                    WorkerConsumer consumer = create(route, scope);
                    consumer.attach(scope, layer);
                    created.add(new Receiver(scope, consumer));
                }
                described.add(channel + " (" + n + (n == 1 ? " receiver)" : " receivers)"));
            }
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                starting = false;
            }
            throw e;
        }
        synchronized (lock) {
            starting = false;
            if (state != State.NEW) {
                throw new IllegalStateException("worker " + name + " was stopped while it was starting");
            }
            receivers = List.copyOf(created);
            liveReceivers.set(receivers.size());
            state = State.RUNNING;
        }
        log.info("worker {}: receiving on {} from {}", name, described, layer);
        for (int i = 0; i < created.size(); i++) {
            Receiver r = created.get(i);
            try {
                Thread t = threadFactory != null ? threadFactory.newThread(r) : defaultThread(r);
                if (t == null) {
                    throw new NullPointerException("the thread factory returned null");
                }
                r.thread = t;
                t.start();
            } catch (RuntimeException | OutOfMemoryError e) {
                // Stop the receivers that did start; those that never ran count as exited.
                log.error("worker {}: could not start the receiver thread for {}#{}; stopping",
                        name, r.scope.channel(), r.scope.receiver(), e);
                beginStop();
                for (int j = i; j < created.size(); j++) {
                    receiverExited();
                }
                throw new MuxException("worker " + name + " could not start its receiver threads", e);
            }
        }
        return this;
    }

    /**
     * Stops gracefully, waiting up to {@link WorkerOptions#stopTimeout()}; see
     * {@link #stop(Duration)}.
     *
     * @return a stage with {@code true} if every handler in flight finished in time
     */
    public CompletionStage<Boolean> stop() {
        return stop(options.stopTimeout());
    }

    /**
     * Stops receiving at once, lets the handlers in flight finish, and completes when they
     * have.
     *
     * <p>Receives still waiting are cancelled, so no new message is taken; messages not yet
     * taken stay in the layer. A message a receiver took just as the stop began is handled
     * rather than dropped. If handlers are still running when the timeout elapses, their
     * threads are interrupted, each is logged with its channel and message type, and the stage
     * completes with {@code false}; {@link #terminated()} completes when they do return.
     * Calling it again, or on a worker never started, is harmless.
     *
     * @param timeout how long to wait for handlers in flight; zero interrupts them at once
     * @return a stage with {@code true} if every handler in flight finished in time
     * @throws NullPointerException     if {@code timeout} is {@code null}
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public CompletionStage<Boolean> stop(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
        }
        beginStop();
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        terminated.whenComplete((v, e) -> result.complete(true));
        if (!result.isDone()) {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
                if (result.complete(false)) {
                    interruptHandlersInFlight(timeout);
                }
            });
        }
        return result;
    }

    /**
     * Returns a stage that completes when every receiver has exited: after a stop, or when the
     * layer was closed under the worker (then it fails with a {@link MuxException} whose cause
     * is the {@link LayerClosedException}).
     *
     * @return the termination stage; the same instance on every call
     */
    public CompletionStage<Void> terminated() {
        return terminatedView;
    }

    /**
     * Stops gracefully and waits, up to {@link WorkerOptions#stopTimeout()}, for handlers in
     * flight; blocks the calling thread.
     */
    @Override
    public void close() {
        CompletableFuture<Boolean> done = stop(options.stopTimeout()).toCompletableFuture();
        try {
            done.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // stop() never fails its stage; nothing to report.
        }
    }

    @Override
    public String toString() {
        return "Worker[" + name + ", " + channels + ", " + state() + "]";
    }

    // ---------------------------------------------------------------------------------------

    private WorkerConsumer create(ChannelNameRouter.Route route, WorkerScope scope) {
        WorkerConsumer consumer;
        try {
            consumer = route.factory().get();
        } catch (RuntimeException e) {
            throw new MuxException("worker " + name + ": the consumer factory for channel '"
                    + scope.channel() + "' threw " + e, e);
        }
        return Objects.requireNonNull(consumer, () -> "worker " + name
                + ": the consumer factory for channel '" + scope.channel() + "' returned null");
    }

    private Thread defaultThread(Receiver r) {
        Thread t = new Thread(r, "mux-worker-" + name + "-" + r.scope.channel() + "-" + r.scope.receiver());
        t.setDaemon(false);
        return t;
    }

    /** Moves to STOPPING (once) and cancels every waiting receive. */
    private void beginStop() {
        List<Receiver> toCancel;
        synchronized (lock) {
            switch (state) {
                case NEW -> {
                    state = State.STOPPED;
                    terminated.complete(null);
                    return;
                }
                case RUNNING -> state = State.STOPPING;
                default -> {
                    return;
                }
            }
            toCancel = receivers;
        }
        int inFlight = 0;
        for (Receiver r : toCancel) {
            if (r.inFlightType != null) {
                inFlight++;
            }
        }
        log.info("worker {}: stopping; {} handler(s) in flight", name, inFlight);
        stopSignal.countDown();
        for (Receiver r : toCancel) {
            r.cancelPendingReceive();
        }
    }

    private boolean stopping() {
        return stopSignal.getCount() == 0;
    }

    private void receiverExited() {
        if (liveReceivers.decrementAndGet() != 0) {
            return;
        }
        synchronized (lock) {
            state = State.STOPPED;
        }
        WorkerStats s = stats();
        Throwable failure = layerFailure;
        if (failure != null) {
            log.error("worker {}: stopped because its layer was closed (handled {}, failed {}, unhandled {})",
                    name, s.handled(), s.failed(), s.unhandled());
            terminated.completeExceptionally(new MuxException("worker " + name
                    + " stopped because its layer was closed", failure));
        } else {
            log.info("worker {}: stopped (handled {}, failed {}, unhandled {})",
                    name, s.handled(), s.failed(), s.unhandled());
            terminated.complete(null);
        }
    }

    private void interruptHandlersInFlight(Duration timeout) {
        for (Receiver r : receivers) {
            String type = r.inFlightType;
            Thread t = r.thread;
            if (type != null && t != null) {
                log.warn("worker {} channel {}#{}: handler for message type '{}' still running {} after stop; interrupting it",
                        name, r.scope.channel(), r.scope.receiver(), type, timeout);
                t.interrupt();
            }
        }
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof ExecutionException || e instanceof CompletionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /** One receive-then-handle loop on its own thread, with its own consumer. */
    private final class Receiver implements Runnable {
        final WorkerScope scope;
        final WorkerConsumer consumer;
        volatile Thread thread;
        /** The type of the message being handled ("" for none), or null between messages. */
        volatile String inFlightType;
        private CompletableFuture<Message> pending; // guarded by this

        Receiver(WorkerScope scope, WorkerConsumer consumer) {
            this.scope = scope;
            this.consumer = consumer;
        }

        @Override
        public void run() {
            try {
                loop();
            } finally {
                receiverExited();
            }
        }

        private void loop() {
            Duration backoff = null;
            while (!stopping()) {
                CompletableFuture<Message> f;
                try {
                    f = layer.receive(scope.channel()).toCompletableFuture();
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                boolean stopNow;
                synchronized (this) {
                    pending = f;
                    stopNow = stopping();
                }
                if (stopNow) {
                    // The stop ran between the check above and publishing f: it could not see f.
                    f.cancel(false);
                }
                Message message;
                try {
                    message = f.get();
                    backoff = null;
                } catch (CancellationException e) {
                    if (stopping()) {
                        return;
                    }
                    backoff = retryLater(backoff, e);
                    continue;
                } catch (InterruptedException e) {
                    // Only a stop timeout interrupts us, and it aims at a handler; be safe anyway:
                    // give up the wait, but never drop a message the layer already handed over.
                    if (f.cancel(false) || f.isCompletedExceptionally()) {
                        if (stopping()) {
                            return;
                        }
                        continue;
                    }
                    message = f.join();
                } catch (ExecutionException e) {
                    Throwable cause = unwrap(e);
                    if (cause instanceof LayerClosedException) {
                        if (!stopping()) {
                            log.error("worker {} channel {}#{}: the layer was closed; stopping the worker",
                                    name, scope.channel(), scope.receiver());
                            layerFailure = cause;
                            beginStop();
                        }
                        return;
                    }
                    if (stopping()) {
                        return;
                    }
                    backoff = retryLater(backoff, cause);
                    continue;
                } finally {
                    synchronized (this) {
                        pending = null;
                    }
                }
                handle(message);
            }
        }

        private void handle(Message message) {
            received.increment();
            String type = message.type();
            inFlightType = type == null ? "" : type;
            try {
                if (consumer.dispatch(message)) {
                    handled.increment();
                } else {
                    unhandled.increment();
                }
            } catch (Throwable e) {
                if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                    // The JVM is in trouble (out of memory): do not pretend to go on.
                    log.error("worker {} channel {}#{}: handler for message type '{}' hit {}; this receiver exits",
                            name, scope.channel(), scope.receiver(), type, e.toString());
                    failed.increment();
                    throw (VirtualMachineError) e;
                }
                log.error("worker {} channel {}#{}: handler for message type '{}' failed; the worker goes on",
                        name, scope.channel(), scope.receiver(), type, e);
                failed.increment();
            } finally {
                inFlightType = null;
                // An interrupt meant for this handler (stop timeout) must not leak to the next receive.
                Thread.interrupted();
            }
        }

        /** Logs a failed receive and waits before the next; returns the next backoff. */
        private Duration retryLater(Duration previous, Throwable cause) {
            Duration wait = previous == null ? options.retryBackoff() : previous.multipliedBy(2);
            if (wait.compareTo(options.maxRetryBackoff()) > 0) {
                wait = options.maxRetryBackoff();
            }
            log.warn("worker {} channel {}#{}: receive failed, retrying in {} ms: {}",
                    name, scope.channel(), scope.receiver(), wait.toMillis(), cause.toString());
            try {
                // Wakes early on stop, so a stop never waits out a backoff.
                stopSignal.await(wait.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return wait;
        }

        void cancelPendingReceive() {
            CompletableFuture<Message> f;
            synchronized (this) {
                f = pending;
            }
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    /**
     * Builds a {@link Worker}; every method validates its argument at once.
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final ChannelLayer layer;
        private final ChannelNameRouter router;
        private final Set<String> channels = new LinkedHashSet<>();
        private WorkerOptions options = WorkerOptions.defaults();
        private String name;
        private ThreadFactory threadFactory;

        private Builder(ChannelLayer layer, ChannelNameRouter router) {
            this.layer = Objects.requireNonNull(layer, "layer must not be null");
            this.router = Objects.requireNonNull(router, "router must not be null");
        }

        /**
         * Restricts the worker to some of the router's channels, as {@code runworker <channels>}
         * does; by default it receives on all of them.
         *
         * @param channels routed channel names
         * @return this builder
         * @throws NullPointerException     if a name is {@code null}
         * @throws IllegalArgumentException if a name is not routed, or none is given
         */
        public Builder channels(String... channels) {
            Objects.requireNonNull(channels, "channels must not be null");
            return channels(Arrays.asList(channels));
        }

        /**
         * Restricts the worker to some of the router's channels; by default it receives on all
         * of them.
         *
         * @param channels routed channel names
         * @return this builder
         * @throws NullPointerException     if a name is {@code null}
         * @throws IllegalArgumentException if a name is not routed, or none is given
         */
        public Builder channels(Collection<String> channels) {
            Objects.requireNonNull(channels, "channels must not be null");
            if (channels.isEmpty()) {
                throw new IllegalArgumentException("channels must name at least one channel");
            }
            for (String c : channels) {
                router.require(c);
            }
            this.channels.clear();
            this.channels.addAll(channels);
            return this;
        }

        /**
         * Sets the options.
         *
         * @param options the options; default {@link WorkerOptions#defaults()}
         * @return this builder
         * @throws NullPointerException if {@code null}
         */
        public Builder options(WorkerOptions options) {
            this.options = Objects.requireNonNull(options, "options must not be null");
            return this;
        }

        /**
         * Names the worker; the name starts each of its log lines and its thread names.
         *
         * @param name 1 to 64 characters of {@code [A-Za-z0-9._-]}; default
         *             {@code worker-<n>}
         * @return this builder
         * @throws NullPointerException     if {@code null}
         * @throws IllegalArgumentException if it is empty, too long or has other characters
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name must not be null");
            if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
                throw new IllegalArgumentException("worker name '" + name
                        + "' must be 1 to 64 characters of [A-Za-z0-9._-]");
            }
            this.name = name;
            return this;
        }

        /**
         * Sets the factory of receiver threads, for example to set their priority or context
         * class loader. Each thread runs one receiver until the worker stops.
         *
         * @param threadFactory the factory; by default non-daemon threads named
         *                      {@code mux-worker-<name>-<channel>-<n>}
         * @return this builder
         * @throws NullPointerException if {@code null}
         */
        public Builder threadFactory(ThreadFactory threadFactory) {
            this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
            return this;
        }

        /**
         * Builds the worker, not yet started.
         *
         * @return the worker
         */
        public Worker build() {
            return new Worker(this);
        }
    }
}

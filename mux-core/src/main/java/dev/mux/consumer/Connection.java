package dev.mux.consumer;

import dev.mux.MuxException;
import dev.mux.internal.HandlerTable;
import dev.mux.internal.SerialQueue;
import dev.mux.layer.Bytes;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerUnavailableException;
import dev.mux.layer.Message;
import dev.mux.observe.DropCause;
import dev.mux.observe.MuxListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime side of one WebSocket connection: what a transport drives, and what runs its
 * {@link WebSocketConsumer}.
 *
 * <p>A transport (the Jakarta adapter, the test communicator, or an adapter for another server)
 * uses it in this order:
 * <ol>
 *   <li>{@link ConsumerRuntime#newConnection} during the handshake, then {@link #connect()},
 *       and answers the handshake with the {@link ConnectResult} it completes with (HTTP 101 or
 *       the refusal status);</li>
 *   <li>{@link #open(Transport)} once the WebSocket is established, if accepted;</li>
 *   <li>{@link #receiveText} / {@link #receiveBinary} for each frame;</li>
 *   <li>{@link #closed(int)} when the connection is gone, whoever closed it.</li>
 * </ol>
 *
 * <p>Inside, every consumer callback is a step on a per-connection {@link SerialQueue} on the
 * runtime's shared executor, so callbacks run one at a time in arrival order. The layer is read
 * by a receive loop that keeps exactly one {@code receive} outstanding and re-arms it after
 * each message has been handled, so a slow consumer leaves messages in the layer (where
 * capacity applies) instead of in memory here.
 *
 * <p><b>Threading:</b> thread-safe; transports may call it from any thread. It never calls the
 * transport or consumer code while holding a lock.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);
    private static final ThreadLocal<Connection> CURRENT = new ThreadLocal<>();
    private static final Duration MAX_RECEIVE_BACKOFF = Duration.ofSeconds(5);

    private enum State { NEW, CONNECTING, ACCEPTED, OPEN, ENDING, ENDED }

    @FunctionalInterface
    private interface UserCode {
        void run() throws Throwable;
    }

    private final ConsumerRuntime runtime;
    private final WebSocketConsumer consumer;
    private final Scope scope;
    private final String id;
    private final String channel;
    private final ChannelLayer layer;
    private final ConnectionLimits limits;
    private final HandlerTable handlers;
    private final MuxListener listener;
    private final SerialQueue serial;
    private final OutboundQueue outbound;
    private final Set<String> groups = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<ConnectResult> result = new CompletableFuture<>();
    private final CompletableFuture<Integer> ended = new CompletableFuture<>();
    private final AtomicBoolean decidedOnce = new AtomicBoolean();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private volatile boolean acceptedByConsumer;
    private volatile Transport transport;
    private volatile Future<?> handshakeTimer;
    private volatile int receiveFailures;
    /** The key this connection holds in the per-address count; "" when not counted. */
    private volatile String reservedAddress;

    private final Object rateLock = new Object();
    private double rateTokens;         // guarded by rateLock
    private long rateRefilledAt;       // guarded by rateLock

    private final Object receiveLock = new Object();
    private CompletableFuture<Message> receiving; // guarded by receiveLock
    private boolean receiveStopped;               // guarded by receiveLock

    // Touched only by the step that is running (the serial queue orders them).
    private final Set<String> unhandledTypes = new HashSet<>();
    private List<CompletionStage<?>> tracked;
    private ConnectResult decided;

    Connection(ConsumerRuntime runtime, WebSocketConsumer consumer, Scope scope, String id) {
        this.runtime = runtime;
        this.consumer = consumer;
        this.scope = scope;
        this.id = id;
        this.layer = runtime.layer();
        this.limits = runtime.limits();
        this.handlers = HandlerTable.of(consumer.getClass());
        this.listener = runtime.listener();
        this.channel = layer.newChannel();
        this.serial = new SerialQueue(runtime.executor(), "connection " + id);
        this.outbound = new OutboundQueue(limits.maxQueuedMessages(), limits.maxQueuedBytes(), this::sendFailed,
                listener == MuxListener.NOOP ? null : (binary, bytes) -> listener.frameOut(id, binary, bytes));
        this.rateTokens = limits.inboundFrameBurst();
        this.rateRefilledAt = System.nanoTime();
        consumer.bind(this);
    }

    /**
     * Returns the connection's id, as every log line about it shows it.
     *
     * @return the id, unique within the process
     */
    public String id() {
        return id;
    }

    /**
     * Returns the connection's process-local channel name.
     *
     * @return the channel name
     */
    public String channelName() {
        return channel;
    }

    /**
     * Returns the connection's scope.
     *
     * @return the scope
     */
    public Scope scope() {
        return scope;
    }

    /**
     * Returns the consumer this connection runs.
     *
     * @return the consumer
     */
    public WebSocketConsumer consumer() {
        return consumer;
    }

    /**
     * Starts the handshake: joins the consumer's declared groups, then runs its
     * {@code onConnect}, and completes when the consumer has accepted or rejected, when it
     * threw, or when {@link ConnectionLimits#handshakeTimeout()} passed.
     *
     * <p>A transport that cannot wait (a Jakarta {@code modifyHandshake} can) attaches to the
     * stage instead; it never completes exceptionally.
     *
     * <p>When the client's address already holds {@link ConnectionLimits#maxConnectionsPerAddress()}
     * connections, the stage is refused with {@value ConnectResult#TOO_MANY_REQUESTS} at once and
     * no consumer code runs.
     *
     * @return the outcome: accepted (answer HTTP 101) or refused with a status
     * @throws IllegalStateException if called twice
     */
    public CompletionStage<ConnectResult> connect() {
        if (!state.compareAndSet(State.NEW, State.CONNECTING)) {
            throw new IllegalStateException("connection " + id + ": connect() was already called");
        }
        String address = runtime.reserveAddress(scope);
        if (address == null) {
            log.info("connection {}: {} already holds {} connections; refusing with HTTP 429", id,
                    scope.remoteAddress().map(Object::toString).orElse("?"), limits.maxConnectionsPerAddress());
            complete(ConnectResult.refused(ConnectResult.TOO_MANY_REQUESTS, "too many connections from one address"));
            state.set(State.ENDED);
            ended.complete(CloseCodes.ABNORMAL);
            return result.minimalCompletionStage();
        }
        reservedAddress = address.isEmpty() ? null : address;
        runtime.started(this);
        handshakeTimer = runtime.schedule(this::handshakeTimedOut, limits.handshakeTimeout());
        armReceive();
        serial.submit(() -> runUser("groups()", this::joinDeclaredGroups, false));
        serial.submit(() -> runUser("onConnect()", consumer::onConnect, false));
        return result.minimalCompletionStage();
    }

    /**
     * Attaches the established WebSocket: frames the consumer queued since it accepted start to
     * go out.
     *
     * @param transport the transport
     * @throws IllegalStateException if the handshake was not accepted, or open was already called
     */
    public void open(Transport transport) {
        Objects.requireNonNull(transport, "transport must not be null");
        ConnectResult r = result.getNow(null);
        if (r == null || !r.accepted()) {
            throw new IllegalStateException("connection " + id + ": open() needs an accepted handshake, was "
                    + (r == null ? "undecided" : "refused with " + r.status()));
        }
        this.transport = transport;
        outbound.attach(transport);
        if (!state.compareAndSet(State.ACCEPTED, State.OPEN) && !outbound.isClosing()) {
            // The connection ended before the container opened it (the open timed out).
            outbound.closeNow(CloseCodes.GOING_AWAY, "connection ended");
        }
        listener.connectionOpened(id, scope.path());
        log.debug("connection {}: open on {}", id, scope.path());
    }

    /**
     * Hands a text frame to the consumer. A frame over {@link ConnectionLimits#maxFrameBytes()}
     * closes the connection with {@value CloseCodes#MESSAGE_TOO_BIG}; a frame beyond
     * {@link ConnectionLimits#maxPendingFrames()} with {@value CloseCodes#POLICY_VIOLATION}.
     * Frames after a close are dropped.
     *
     * @param text the frame's text
     */
    public void receiveText(String text) {
        Objects.requireNonNull(text, "text must not be null");
        long bytes;
        if (listener != MuxListener.NOOP) {
            bytes = Utf8.length(text);
            listener.frameIn(id, false, bytes);
        } else {
            // Counting UTF-8 bytes costs a pass over the text; skip it when the answer is obvious.
            bytes = text.length() > limits.maxFrameBytes() || text.length() * 3L <= limits.maxFrameBytes()
                    ? text.length() : Utf8.length(text);
        }
        if (!admitFrame("text", bytes)) {
            return;
        }
        serial.submit(() -> {
            pendingFrames.decrementAndGet();
            return runUser("onText()", () -> consumer.onText(text), false);
        });
    }

    /**
     * Hands a binary frame to the consumer; the bytes are copied. Limits as for
     * {@link #receiveText(String)}.
     *
     * @param data the frame's bytes, read from its position to its limit
     */
    public void receiveBinary(ByteBuffer data) {
        Objects.requireNonNull(data, "data must not be null");
        listener.frameIn(id, true, data.remaining());
        if (!admitFrame("binary", data.remaining())) {
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        Bytes bytes = Bytes.wrap(copy);
        serial.submit(() -> {
            pendingFrames.decrementAndGet();
            return runUser("onBinary()", () -> consumer.onBinary(bytes), false);
        });
    }

    /**
     * Reports that the connection is gone: the client closed it (its code), it dropped
     * ({@value CloseCodes#ABNORMAL}), or the close the server started completed. The consumer's
     * {@code onDisconnect} runs once, unless the server's own close already ran it.
     *
     * @param code the close code the transport saw
     */
    public void closed(int code) {
        outbound.abandon();
        if (finish(code)) {
            log.debug("connection {}: closed by the client or the network with {}", id, code);
        }
    }

    /**
     * Returns a stage that completes when the connection has fully ended: {@code onDisconnect}
     * ran, the groups were discarded and the layer receive stopped.
     *
     * @return a stage with the code given to {@code onDisconnect}
     */
    public CompletionStage<Integer> disconnected() {
        return ended.minimalCompletionStage();
    }

    /**
     * Tells whether the connection is accepted and not yet ending.
     *
     * @return {@code true} while frames flow both ways
     */
    public boolean isOpen() {
        State s = state.get();
        return s == State.ACCEPTED || s == State.OPEN;
    }

    @Override
    public String toString() {
        return "Connection[" + id + " " + scope.path() + " " + state.get() + "]";
    }

    // ---------------------------------------------------------------------------------------
    // Called by WebSocketConsumer

    ChannelLayer layer() {
        return layer;
    }

    void accept(String subprotocol) {
        requireCallback("accept()");
        if (acceptedByConsumer) {
            throw new IllegalStateException("connection " + id + ": accept() was already called");
        }
        if (decided != null || decidedOnce.get()) {
            throw new IllegalStateException("connection " + id + ": the handshake was already "
                    + describe(decided != null ? decided : result.getNow(null)));
        }
        if (subprotocol != null && !scope.subprotocols().contains(subprotocol)) {
            throw new IllegalArgumentException("subprotocol '" + subprotocol
                    + "' was not offered by the client; it offered " + scope.subprotocols());
        }
        acceptedByConsumer = true;
        decided = ConnectResult.accepted(subprotocol);
    }

    void reject() {
        requireCallback("reject()");
        if (acceptedByConsumer) {
            throw new IllegalStateException("connection " + id
                    + ": reject() after accept(); use close(code, reason) to end an accepted connection");
        }
        if (decided == null) {
            decided = ConnectResult.refused(ConnectResult.FORBIDDEN, "rejected by the consumer");
        }
    }

    void close(int code, String reason) {
        CloseCodes.check(code, reason);
        if (acceptedByConsumer) {
            closeByServer(code, reason, "the consumer closed with " + code);
            return;
        }
        ConnectResult refusal = ConnectResult.refused(ConnectResult.FORBIDDEN, "closed by the consumer before accept");
        if (CURRENT.get() == this) {
            if (decided == null) {
                decided = refusal;
            }
        } else if (complete(refusal)) {
            finish(CloseCodes.ABNORMAL);
        }
    }

    void sendText(String text) {
        Objects.requireNonNull(text, "text must not be null");
        requireAccepted("sendText()");
        offered(outbound.offerText(text));
    }

    void sendBinary(Bytes data) {
        Objects.requireNonNull(data, "data must not be null");
        requireAccepted("sendBinary()");
        offered(outbound.offerBinary(data.asReadOnlyBuffer()));
    }

    CompletionStage<Void> groupAdd(String group) {
        ChannelNames.requireValidGroup(group);
        if (state.get().compareTo(State.ENDING) >= 0 && CURRENT.get() != this) {
            return CompletableFuture.failedFuture(new MuxException("connection " + id + " is closed; groupAdd("
                    + group + ") refused"));
        }
        groups.add(group);
        return track(layer.groupAdd(group, channel));
    }

    CompletionStage<Void> groupDiscard(String group) {
        ChannelNames.requireValidGroup(group);
        groups.remove(group);
        return track(layer.groupDiscard(group, channel));
    }

    CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        ChannelNames.requireValidGroup(group);
        Objects.requireNonNull(message, "message must not be null");
        return track(layer.groupSend(group, message));
    }

    // ---------------------------------------------------------------------------------------
    // Steps

    private void joinDeclaredGroups() {
        for (String group : Objects.requireNonNull(consumer.groups(), "groups() returned null")) {
            groupAdd(group);
        }
    }

    /**
     * Runs consumer code as one step: remembers the layer operations it starts, and finishes
     * the step (publishing an accept or reject it made) only when they are done.
     */
    private CompletionStage<?> runUser(String what, UserCode code, boolean evenWhenEnding) {
        if (!evenWhenEnding && state.get().compareTo(State.ENDING) >= 0) {
            return null;
        }
        tracked = null;
        decided = null;
        CURRENT.set(this);
        try {
            code.run();
        } catch (Throwable t) {
            tracked = null;
            decided = null;
            failed(what, t);
            return null;
        } finally {
            CURRENT.remove();
        }
        List<CompletionStage<?>> ops = tracked;
        ConnectResult decision = decided;
        tracked = null;
        decided = null;
        if (ops == null) {
            publish(decision);
            return null;
        }
        CompletableFuture<?>[] futures = new CompletableFuture<?>[ops.size()];
        for (int i = 0; i < futures.length; i++) {
            futures[i] = ops.get(i).toCompletableFuture();
        }
        return CompletableFuture.allOf(futures).handle((v, e) -> {
            if (e == null) {
                runtime.layerAvailable();
                publish(decision);
                return null;
            }
            Throwable cause = unwrap(e);
            if (!(cause instanceof LayerUnavailableException)) {
                failed(what + " (a layer operation it started)", cause);
            } else if (complete(ConnectResult.refused(ConnectResult.SERVICE_UNAVAILABLE,
                    "the channel layer is unavailable"))) {
                // Still connecting: the client is refused and may retry, no connection is half-joined.
                runtime.layerUnavailable(id, what, cause);
                finish(CloseCodes.ABNORMAL);
            } else {
                // An outage of the store is not this client's fault: keep the connection, count it.
                runtime.layerUnavailable(id, what, cause);
                publish(decision);
            }
            return null;
        });
    }

    private <T> CompletionStage<T> track(CompletionStage<T> stage) {
        if (CURRENT.get() == this) {
            if (tracked == null) {
                tracked = new ArrayList<>(2);
            }
            tracked.add(stage);
        }
        return stage;
    }

    private void publish(ConnectResult decision) {
        if (decision == null) {
            return;
        }
        if (decision.accepted()) {
            // Before the outcome is visible: a transport may call open() the moment it is.
            state.compareAndSet(State.CONNECTING, State.ACCEPTED);
        }
        if (!complete(decision)) {
            return; // the handshake timed out meanwhile
        }
        if (decision.accepted()) {
            // The container must now open the connection; if it never does, do not leak it.
            handshakeTimer = runtime.schedule(this::openTimedOut, limits.handshakeTimeout());
            log.debug("connection {}: accepted{}", id,
                    decision.subprotocol() == null ? "" : " with subprotocol " + decision.subprotocol());
        } else {
            log.debug("connection {}: handshake refused with {} ({})", id, decision.status(), decision.reason());
            finish(CloseCodes.ABNORMAL);
        }
    }

    /** Completes the handshake outcome once; returns false if it was already decided. */
    private boolean complete(ConnectResult decision) {
        if (!decidedOnce.compareAndSet(false, true)) {
            return false;
        }
        Future<?> timer = handshakeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        runtime.decided(this, decision); // counted before anyone can see the outcome
        result.complete(decision);
        return true;
    }

    private void failed(String what, Throwable t) {
        if (complete(ConnectResult.refused(ConnectResult.SERVER_ERROR, what + " threw " + t.getClass().getName()))) {
            log.error("connection {}: {} threw; refusing the handshake with HTTP 500", id, what, t);
            finish(CloseCodes.ABNORMAL);
            return;
        }
        if (state.get().compareTo(State.ENDING) >= 0) {
            log.error("connection {}: {} threw while the connection was closing", id, what, t);
            return;
        }
        log.error("connection {}: {} threw; closing with 1011", id, what, t);
        runtime.errorClose();
        closeByServer(CloseCodes.INTERNAL_ERROR, "internal error", what + " threw");
    }

    private void handshakeTimedOut() {
        if (complete(ConnectResult.refused(ConnectResult.FORBIDDEN, "the consumer did not accept within "
                + limits.handshakeTimeout()))) {
            log.warn("connection {}: the consumer neither accepted nor rejected within {}; refusing with HTTP 403",
                    id, limits.handshakeTimeout());
            finish(CloseCodes.ABNORMAL);
        }
    }

    private void openTimedOut() {
        if (transport == null && state.get() == State.ACCEPTED) {
            log.warn("connection {}: accepted but the container did not open it within {}; ending it",
                    id, limits.handshakeTimeout());
            finish(CloseCodes.ABNORMAL);
        }
    }

    // ---------------------------------------------------------------------------------------
    // Inbound and outbound

    private boolean admitFrame(String kind, long bytes) {
        if (state.get() != State.OPEN) {
            log.debug("connection {}: {} frame dropped, the connection is {}", id, kind, state.get());
            return false;
        }
        if (bytes > limits.maxFrameBytes()) {
            log.info("connection {}: inbound {} frame of at least {} bytes exceeds {}; closing with 1009", id, kind,
                    bytes, limits.maxFrameBytes());
            closeByServer(CloseCodes.MESSAGE_TOO_BIG, "frame too big", "inbound frame too big");
            return false;
        }
        if (limits.maxInboundFramesPerSecond() > 0 && !takeRateToken()) {
            runtime.rateLimitClose();
            log.warn("connection {}: the client sends faster than {} frames/s (burst {}); closing with 1008", id,
                    limits.maxInboundFramesPerSecond(), limits.inboundFrameBurst());
            closeByServer(CloseCodes.POLICY_VIOLATION, ConnectionLimits.RATE_LIMIT_REASON, "inbound rate exceeded");
            return false;
        }
        if (pendingFrames.incrementAndGet() > limits.maxPendingFrames()) {
            pendingFrames.decrementAndGet();
            runtime.floodClose();
            log.warn("connection {}: {} frames wait for the consumer (limit {}); closing with 1008", id,
                    limits.maxPendingFrames(), limits.maxPendingFrames());
            closeByServer(CloseCodes.POLICY_VIOLATION, "too many pending frames", "client flooding");
            return false;
        }
        return true;
    }

    /** A token bucket of {@code inboundFrameBurst} tokens refilled at the configured rate. */
    private boolean takeRateToken() {
        synchronized (rateLock) {
            long now = System.nanoTime();
            double refill = (now - rateRefilledAt) / 1e9 * limits.maxInboundFramesPerSecond();
            rateRefilledAt = now;
            rateTokens = Math.min(limits.inboundFrameBurst(), rateTokens + refill);
            if (rateTokens < 1) {
                return false;
            }
            rateTokens -= 1;
            return true;
        }
    }

    private void requireAccepted(String what) {
        if (!acceptedByConsumer) {
            throw new IllegalStateException("connection " + id + ": " + what
                    + " before accept(); accept the connection in onConnect() first");
        }
    }

    private void offered(OutboundQueue.Offer offer) {
        switch (offer) {
            case QUEUED:
                return;
            case DROPPED:
                log.debug("connection {}: closed; outbound frame dropped", id);
                return;
            case OVERFLOW:
                runtime.slowClientClose();
                listener.dropped(id, DropCause.SLOW_CLIENT, outbound.overflowDropped());
                log.warn("connection {}: the client is not reading; {}; closing with 1013", id,
                        outbound.overflowDescription());
                finish(CloseCodes.TRY_AGAIN_LATER);
                return;
            default:
                throw new AssertionError(offer);
        }
    }

    private void closeByServer(int code, String reason, String why) {
        // Ending first: a transport that reports the close synchronously then finds it done.
        boolean first = finish(code);
        outbound.close(code, reason);
        if (first) {
            log.debug("connection {}: closing with {} ({})", id, code, why);
        }
    }

    private void sendFailed(Throwable failure) {
        log.debug("connection {}: writing to the client failed: {}", id, failure.toString());
        finish(CloseCodes.ABNORMAL);
    }

    // ---------------------------------------------------------------------------------------
    // The layer receive loop

    private void armReceive() {
        CompletableFuture<Message> next;
        try {
            next = layer.receive(channel).toCompletableFuture();
        } catch (RuntimeException e) {
            log.error("connection {}: the layer refused to receive on {}", id, channel, e);
            endOnLayerProblem(CloseCodes.INTERNAL_ERROR, "layer receive refused");
            return;
        }
        boolean stop;
        synchronized (receiveLock) {
            stop = receiveStopped;
            if (!stop) {
                receiving = next;
            }
        }
        if (stop) {
            next.cancel(false);
            return;
        }
        next.whenComplete(this::received);
    }

    private void received(Message message, Throwable error) {
        if (error != null) {
            Throwable cause = unwrap(error);
            synchronized (receiveLock) {
                if (receiveStopped || cause instanceof CancellationException) {
                    return;
                }
            }
            if (cause instanceof LayerClosedException) {
                log.info("connection {}: the channel layer closed; closing with 1001", id);
                endOnLayerProblem(CloseCodes.GOING_AWAY, "channel layer closed");
                return;
            }
            int failures = ++receiveFailures;
            long delay = Math.min(MAX_RECEIVE_BACKOFF.toMillis(), 50L << Math.min(failures - 1, 10));
            if (failures == 1) {
                log.warn("connection {}: receiving from the channel layer failed; retrying: {}", id, cause.toString());
            }
            runtime.schedule(this::armReceive, Duration.ofMillis(delay));
            return;
        }
        receiveFailures = 0;
        serial.submit(() -> {
            CompletionStage<?> done = runUser("the handler for '" + message.type() + "'", () -> dispatch(message), false);
            if (done == null) {
                armReceive();
                return null;
            }
            return done.whenComplete((r, e) -> armReceive());
        });
    }

    private void dispatch(Message message) throws Throwable {
        if (!handlers.invoke(consumer, message)) {
            runtime.unhandledMessage();
            listener.dropped(id, DropCause.NO_HANDLER, 1);
            // Warn once per type and connection: a sender stuck on a wrong type must not flood the log.
            String type = String.valueOf(message.type());
            boolean first = unhandledTypes.size() < 32 && unhandledTypes.add(type);
            if (first) {
                log.warn("connection {}: {} has no @Handles method for message type '{}'; message dropped", id,
                        consumer.getClass().getName(), type);
            } else {
                log.debug("connection {}: no handler for message type '{}'; message dropped", id, type);
            }
        }
    }

    private void stopReceive() {
        CompletableFuture<Message> current;
        synchronized (receiveLock) {
            receiveStopped = true;
            current = receiving;
            receiving = null;
        }
        if (current != null) {
            current.cancel(false);
        }
        // Messages still queued for this channel can never be delivered: take them now, so a
        // layer that holds them in memory frees the channel at once instead of at expiry. A
        // receive that does not complete at once means the channel is empty (or the layer is
        // remote, where expiry does the work); it is cancelled and the drain stops.
        for (int i = 0; i <= layer.options().capacityFor(channel); i++) {
            CompletableFuture<Message> next;
            try {
                next = layer.receive(channel).toCompletableFuture();
            } catch (RuntimeException e) {
                return;
            }
            if (!next.isDone()) {
                next.cancel(false);
                return;
            }
            if (next.isCompletedExceptionally()) {
                return;
            }
        }
    }

    private void endOnLayerProblem(int code, String reason) {
        if (complete(ConnectResult.refused(503, reason))) {
            finish(CloseCodes.ABNORMAL);
        } else {
            closeByServer(code, reason, reason);
        }
    }

    // ---------------------------------------------------------------------------------------
    // The end

    /** The runtime is closing: refuse a pending handshake, or close with 1001. */
    void shutdown() {
        if (complete(ConnectResult.refused(503, "the server is shutting down"))) {
            finish(CloseCodes.ABNORMAL);
        } else {
            closeByServer(CloseCodes.GOING_AWAY, "server shutting down", "the runtime is closing");
        }
    }


    /**
     * Ends the connection once: queues the disconnect steps (discard groups, onDisconnect,
     * discard what onDisconnect added, stop receiving).
     *
     * @return {@code false} if it was already ending
     */
    private boolean finish(int code) {
        while (true) {
            State s = state.get();
            if (s.compareTo(State.ENDING) >= 0) {
                return false;
            }
            if (state.compareAndSet(s, State.ENDING)) {
                break;
            }
        }
        Future<?> timer = handshakeTimer;
        if (timer != null && result.isDone()) {
            timer.cancel(false);
        }
        serial.submit(this::discardGroups);
        serial.submit(() -> {
            CompletionStage<?> done = runUser("onDisconnect()", () -> consumer.onDisconnect(code), true);
            return done == null ? afterDisconnect(code)
                    : done.handle((r, e) -> afterDisconnect(code)).thenCompose(s -> s == null
                            ? CompletableFuture.completedFuture(null) : s);
        });
        return true;
    }

    private CompletionStage<?> discardGroups() {
        List<CompletableFuture<Void>> ops = new ArrayList<>();
        for (String group : groups) {
            groups.remove(group);
            try {
                ops.add(layer.groupDiscard(group, channel).toCompletableFuture());
            } catch (RuntimeException e) {
                log.warn("connection {}: could not discard group {}: {}", id, group, e.toString());
            }
        }
        if (ops.isEmpty()) {
            return null;
        }
        return CompletableFuture.allOf(ops.toArray(new CompletableFuture<?>[0])).handle((v, e) -> {
            if (e != null) {
                log.warn("connection {}: discarding its groups failed; they lapse with the group expiry: {}", id,
                        unwrap(e).toString());
            }
            return null;
        });
    }

    private CompletionStage<?> afterDisconnect(int code) {
        CompletionStage<?> discarded = discardGroups();
        Runnable end = () -> {
            stopReceive();
            state.set(State.ENDED);
            runtime.ended(this);
            if (transport != null) {
                listener.connectionClosed(id, code);
            }
            log.debug("connection {}: ended", id);
            ended.complete(code);
        };
        if (discarded == null) {
            end.run();
            return null;
        }
        return discarded.whenComplete((r, e) -> end.run());
    }

    // ---------------------------------------------------------------------------------------

    /** The key this connection counts under in the per-address cap, or null. */
    String reservedAddress() {
        return reservedAddress;
    }

    private void requireCallback(String what) {
        if (CURRENT.get() != this) {
            throw new IllegalStateException("connection " + id + ": " + what
                    + " must be called from the consumer's own callbacks (onConnect(), a @Handles method, ...)");
        }
    }

    private static String describe(ConnectResult r) {
        if (r == null) {
            return "decided";
        }
        return r.accepted() ? "accepted" : "refused (" + r.reason() + ")";
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}

package dev.mux.redis;

import dev.mux.layer.ChannelNames;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.observe.DropCause;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The process side of receiving: per channel, the messages popped from Redis and not yet
 * taken (bounded; the oldest is dropped when full, as channels_redis' {@code BoundedQueue})
 * and the receives waiting for one; plus the demand the receive loops serve — which Redis keys
 * have waiting receivers, and how many.
 *
 * <p>A popped message is never lost to a cancelled or timed-out receive: it goes to a receive
 * that is still waiting, which from then on refuses cancellation, or to the channel's buffer.
 *
 * <p>Deliveries are collected in a {@link Deliveries} batch while the receive loop goes
 * through what one Redis reply popped, and the batch's receives are completed together by
 * {@link #complete(Deliveries)}: one callback task per {@value #DELIVERIES_PER_TASK}
 * deliveries rather than one each, which matters for group messages naming many channels.
 *
 * <p>Channel names from Redis are checked only when a message would be buffered under a name
 * this inbox has not seen: a name with a waiting receive or a buffer was checked when that
 * receive or buffer began.
 *
 * <p>Thread-safe: state is guarded by one lock held only for map and queue updates (for at
 * most {@value #DELIVERIES_PER_LOCK} deliveries at a time); futures are completed outside it,
 * on the callback executor.
 */
final class Inbox {

    /** How many deliveries one callback task completes. */
    static final int DELIVERIES_PER_TASK = 256;
    /** How many targets of a group message are delivered per acquisition of the lock. */
    static final int DELIVERIES_PER_LOCK = 64;

    /** Told when receives start waiting, so the receive loops can serve them. */
    interface DemandListener {
        /**
         * Called outside the lock after a receive started waiting.
         *
         * @param keyAdded whether a Redis key that had no waiter before now has one
         */
        void demandChanged(boolean keyAdded);
    }

    /** Told about messages the inbox dropped; called outside the lock. */
    interface DropListener {
        /**
         * Reports dropped messages.
         *
         * @param cause {@link DropCause#BUFFER_FULL} or {@link DropCause#EXPIRED}
         * @param count how many, at least 1
         */
        void dropped(DropCause cause, int count);
    }

    /** The Redis keys with waiting receives: a consistent snapshot. */
    record Demand(String[] keys, int[] waiting, long version) {
        boolean isEmpty() {
            return keys.length == 0;
        }
    }

    /**
     * Receives chosen for popped messages and not yet completed. Filled by one receive-loop
     * step, then passed to {@link #complete(Deliveries)}. Not thread-safe.
     */
    static final class Deliveries {
        private final ArrayList<Waiter> claimed = new ArrayList<>();
        /** Messages dropped from full buffers, reported by {@link #complete(Deliveries)}. */
        private int overflow;

        boolean isEmpty() {
            return claimed.isEmpty() && overflow == 0;
        }
    }

    private record Buffered(Message message, double score) {
    }

    /**
     * A receive waiting for a message on one channel. Once the inbox has chosen it for a
     * message ({@link #claim}), cancelling, timing out or failing it is refused and it
     * completes with that message: a popped message never goes back, so order is kept. A
     * receive that ends otherwise leaves its channel's queue at once.
     */
    private static final class Waiter extends CompletableFuture<Message> {
        private static final int WAITING = 0;
        private static final int CLAIMED = 1;
        private static final int ENDED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Inbox inbox;
        final String channel;
        final String key;
        @SuppressWarnings("unused") // through STATE
        private volatile int state;
        /** The message it was claimed for; written under the inbox lock, read by the completing task. */
        Message claimedMessage;

        Waiter(Inbox inbox, String channel, String key) {
            this.inbox = inbox;
            this.channel = channel;
            this.key = key;
        }

        boolean claim(Message message) {
            if (STATE.compareAndSet(this, WAITING, CLAIMED)) {
                claimedMessage = message;
                return true;
            }
            return false;
        }

        void hand() {
            super.complete(claimedMessage);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (!STATE.compareAndSet(this, WAITING, ENDED)) {
                return false;
            }
            inbox.abandon(this);
            return super.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            if (!STATE.compareAndSet(this, WAITING, ENDED)) {
                return false;
            }
            inbox.abandon(this);
            return super.completeExceptionally(failure);
        }

        @Override
        public boolean complete(Message value) {
            if (!STATE.compareAndSet(this, WAITING, ENDED)) {
                return false;
            }
            inbox.abandon(this);
            return super.complete(value);
        }
    }

    /** A channel's buffer and waiting receives; kept while empty until the next sweep. */
    private static final class State {
        final ArrayDeque<Buffered> buffer = new ArrayDeque<>(2);
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>(2);

        boolean isEmpty() {
            return buffer.isEmpty() && waiters.isEmpty();
        }
    }

    /** How many receives wait on one Redis key. */
    private static final class Count {
        int n = 1;
    }

    private static final Demand NO_DEMAND = new Demand(new String[0], new int[0], 0);

    private final Object lock = new Object();
    private final Map<String, State> states = new HashMap<>();
    private final Map<String, Count> demand = new HashMap<>();
    private final LayerOptions options;
    private final double expirySeconds;
    private final Executor callbacks;
    private final DemandListener listener;
    private final DropListener drops;
    private final AtomicLong droppedFromBuffers = new AtomicLong();
    private final AtomicLong expiredInBuffers = new AtomicLong();
    /** Counts additions of keys to the demand; guarded by {@link #lock}. */
    private long version;
    /** The current snapshot, or null when demand changed since; guarded by {@link #lock}. */
    private Demand snapshot = NO_DEMAND;

    Inbox(LayerOptions options, Executor callbacks, DemandListener listener, DropListener drops) {
        this.options = options;
        this.drops = drops;
        this.expirySeconds = options.expiry().toNanos() / 1e9;
        this.callbacks = callbacks;
        this.listener = listener;
    }

    /**
     * Takes the oldest buffered message of a channel, or waits for one.
     *
     * @param channel the channel, a valid name
     * @param key     the Redis key its messages arrive on
     * @return a completed future, or a waiting one that may be cancelled
     */
    CompletableFuture<Message> receive(String channel, String key) {
        Waiter waiter = null;
        boolean keyAdded = false;
        int expired = 0;
        Message taken = null;
        synchronized (lock) {
            State state = states.get(channel);
            if (state == null) {
                state = new State();
                states.put(channel, state);
            } else if (!state.buffer.isEmpty()) {
                expired = dropExpired(state, now());
                Buffered buffered = state.buffer.poll();
                if (buffered != null) {
                    taken = buffered.message();
                }
            }
            if (taken == null) {
                waiter = new Waiter(this, channel, key);
                state.waiters.add(waiter);
                keyAdded = addDemand(key);
            }
        }
        reportExpired(expired);
        if (taken != null) {
            return CompletableFuture.completedFuture(taken);
        }
        listener.demandChanged(keyAdded);
        return waiter;
    }

    /**
     * Hands a popped message to the oldest waiting receive of its channel, or buffers it.
     *
     * @param channel the channel the message is for, as read from Redis
     * @param message the message
     * @param score   its ZSET score: the epoch seconds it was sent at
     * @param out     collects the receive chosen, to be completed by {@link #complete}
     * @return {@code false} if the name is not a valid channel name (nothing was done)
     */
    boolean deliver(String channel, Message message, double score, Deliveries out) {
        synchronized (lock) {
            return deliverLocked(channel, message, score, out);
        }
    }

    /**
     * Delivers a group message to each of its target channels of this process, as
     * {@link #deliver} does for one.
     *
     * @param targets the message's {@code __asgi_channel__} list, as read from Redis
     * @param local   the non-local part every target must start with (this process's)
     * @param message the message
     * @param score   its ZSET score
     * @param out     collects the receives chosen
     * @return the targets refused (not strings, not of this process, or not valid names)
     */
    List<Object> deliverAll(List<?> targets, String local, Message message, double score, Deliveries out) {
        List<Object> refused = List.of();
        int n = targets.size();
        for (int from = 0; from < n; from += DELIVERIES_PER_LOCK) {
            int to = Math.min(n, from + DELIVERIES_PER_LOCK);
            synchronized (lock) {
                for (int i = from; i < to; i++) {
                    Object target = targets.get(i);
                    if (!(target instanceof String channel && channel.startsWith(local)
                            && deliverLocked(channel, message, score, out))) {
                        if (refused.isEmpty()) {
                            refused = new ArrayList<>();
                        }
                        refused.add(target);
                    }
                }
            }
        }
        return refused;
    }

    /**
     * Hands a popped message of a normal channel to the oldest waiting receive, or parks it at
     * the end of the channel's buffer, where the next receive takes it in order. The caller
     * later {@linkplain #unpark unparks} it: a message no receive took by then goes back to
     * Redis for other processes, so a receive cancelled while its pop was under way neither
     * loses the message nor lets a later one overtake it.
     *
     * @param channel the normal channel
     * @param message the message
     * @param score   its ZSET score
     * @param out     collects the receive chosen, to be completed by {@link #complete}
     * @return a token for {@link #unpark}, or {@code null} if a waiting receive took it
     */
    Object handOverOrPark(String channel, Message message, double score, Deliveries out) {
        synchronized (lock) {
            State state = states.get(channel);
            if (state == null) {
                state = new State();
                states.put(channel, state);
            } else if (claimWaiter(state, message, out)) {
                return null;
            }
            Buffered entry = new Buffered(message, score);
            state.buffer.addLast(entry);
            trim(state, channel, out);
            return entry;
        }
    }

    /**
     * Takes a parked message back out of its channel's buffer if no receive took it yet.
     *
     * @param channel the channel it was parked on
     * @param token   what {@link #handOverOrPark} returned
     * @return {@code true} if it was still parked: the caller must put it back in Redis
     */
    boolean unpark(String channel, Object token) {
        synchronized (lock) {
            State state = states.get(channel);
            if (state == null || !state.buffer.removeIf(b -> b == token)) {
                return false;
            }
            if (state.isEmpty()) {
                states.remove(channel);
            }
            return true;
        }
    }

    /**
     * Completes the receives chosen for a batch of popped messages, on the callback executor
     * (so that receivers' dependent actions never run on a Redis I/O thread), then empties the
     * batch for reuse.
     *
     * @param deliveries the batch
     */
    void complete(Deliveries deliveries) {
        List<Waiter> claimed = deliveries.claimed;
        int n = claimed.size();
        for (int from = 0; from < n; from += DELIVERIES_PER_TASK) {
            Waiter[] chunk = claimed.subList(from, Math.min(n, from + DELIVERIES_PER_TASK)).toArray(new Waiter[0]);
            Runnable task = () -> {
                for (Waiter w : chunk) {
                    w.hand();
                }
            };
            try {
                callbacks.execute(task);
            } catch (RejectedExecutionException closing) {
                task.run();
            }
        }
        claimed.clear();
        int overflow = deliveries.overflow;
        if (overflow > 0) {
            deliveries.overflow = 0;
            drops.dropped(DropCause.BUFFER_FULL, overflow);
        }
    }

    private boolean deliverLocked(String channel, Message message, double score, Deliveries out) {
        State state = states.get(channel);
        if (state == null) {
            // A name seen for the first time: from Redis, so it is checked before it is kept.
            if (!ChannelNames.isValidChannel(channel)) {
                return false;
            }
            state = new State();
            states.put(channel, state);
        } else if (claimWaiter(state, message, out)) {
            return true;
        }
        state.buffer.addLast(new Buffered(message, score));
        trim(state, channel, out);
        return true;
    }

    /** Drops the oldest buffered messages beyond the channel's capacity; called under the lock. */
    private void trim(State state, String channel, Deliveries out) {
        int capacity = options.capacityFor(channel);
        while (state.buffer.size() > capacity) {
            // Nobody reads this channel fast enough: keep memory bounded, drop the oldest.
            state.buffer.pollFirst();
            droppedFromBuffers.incrementAndGet();
            out.overflow++;
        }
    }

    /** Claims the oldest receive still waiting on a channel; called under the lock. */
    private boolean claimWaiter(State state, Message message, Deliveries out) {
        for (Waiter w; (w = state.waiters.poll()) != null; ) {
            removeDemand(w.key);
            if (w.claim(message)) {
                out.claimed.add(w);
                return true;
            }
        }
        return false;
    }

    private void abandon(Waiter waiter) {
        synchronized (lock) {
            State state = states.get(waiter.channel);
            if (state != null && state.waiters.remove(waiter)) {
                removeDemand(waiter.key);
            }
        }
    }

    /**
     * Returns the keys with waiting receives.
     *
     * @return a snapshot; unchanged instances are shared
     */
    Demand demand() {
        synchronized (lock) {
            if (snapshot == null) {
                String[] keys = new String[demand.size()];
                int[] waiting = new int[demand.size()];
                int i = 0;
                for (Map.Entry<String, Count> e : demand.entrySet()) {
                    keys[i] = e.getKey();
                    waiting[i++] = e.getValue().n;
                }
                snapshot = new Demand(keys, waiting, version);
            }
            return snapshot;
        }
    }

    /**
     * Returns how many times a key was added to the demand; a receive loop blocked on an older
     * version may miss a key.
     *
     * @return the version
     */
    long version() {
        synchronized (lock) {
            return version;
        }
    }

    /**
     * Fails every waiting receive, for close.
     *
     * @param failure the exception to fail them with
     */
    void failAll(Throwable failure) {
        List<Waiter> waiting = new ArrayList<>();
        synchronized (lock) {
            for (State state : states.values()) {
                waiting.addAll(state.waiters);
            }
            states.clear();
            demand.clear();
            snapshot = NO_DEMAND;
        }
        waiting.forEach(w -> w.completeExceptionally(failure));
    }

    /** Drops every buffered message, for flush; waiting receives keep waiting. */
    void clearBuffers() {
        synchronized (lock) {
            Iterator<State> it = states.values().iterator();
            while (it.hasNext()) {
                State state = it.next();
                state.buffer.clear();
                if (state.isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** Drops expired buffered messages and forgets empty channels; called periodically. */
    void sweep() {
        double now = now();
        int expired = 0;
        synchronized (lock) {
            Iterator<State> it = states.values().iterator();
            while (it.hasNext()) {
                State state = it.next();
                expired += dropExpired(state, now);
                if (state.isEmpty()) {
                    it.remove();
                }
            }
        }
        reportExpired(expired);
    }

    private void reportExpired(int expired) {
        if (expired > 0) {
            drops.dropped(DropCause.EXPIRED, expired);
        }
    }

    /**
     * Counts messages dropped because a channel's buffer was full.
     *
     * @return the count since the layer started
     */
    long droppedFromBuffers() {
        return droppedFromBuffers.get();
    }

    /**
     * Counts messages that expired while buffered.
     *
     * @return the count since the layer started
     */
    long expiredInBuffers() {
        return expiredInBuffers.get();
    }

    /**
     * Counts channels with buffered messages or waiting receives, for monitoring and tests.
     *
     * @return the number of such channels
     */
    int channelCount() {
        synchronized (lock) {
            int n = 0;
            for (State state : states.values()) {
                if (!state.isEmpty()) {
                    n++;
                }
            }
            return n;
        }
    }

    private int dropExpired(State state, double now) {
        int dropped = 0;
        while (!state.buffer.isEmpty() && state.buffer.peekFirst().score() <= now - expirySeconds) {
            state.buffer.pollFirst();
            expiredInBuffers.incrementAndGet();
            dropped++;
        }
        return dropped;
    }

    private boolean addDemand(String key) {
        snapshot = null;
        Count count = demand.get(key);
        if (count == null) {
            demand.put(key, new Count());
            version++;
            return true;
        }
        count.n++;
        return false;
    }

    private void removeDemand(String key) {
        Count count = demand.get(key);
        if (count != null) {
            snapshot = null;
            if (--count.n == 0) {
                demand.remove(key);
            }
        }
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}

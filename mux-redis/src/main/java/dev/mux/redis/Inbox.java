package dev.mux.redis;

import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.observe.DropCause;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * <p>Thread-safe: state is guarded by one lock held only for map and queue updates; futures
 * are completed outside it, on the callback executor.
 */
final class Inbox {

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

    private record Buffered(Message message, double score) {
    }

    /**
     * A receive waiting for a message on one channel. Once the inbox has chosen it for a
     * message ({@link #claim()}), cancelling, timing out or failing it is refused and it
     * completes with that message: a popped message never goes back, so order is kept.
     */
    private static final class Waiter extends CompletableFuture<Message> {
        private static final int WAITING = 0;
        private static final int CLAIMED = 1;
        private static final int ENDED = 2;

        final String channel;
        final String key;
        private final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();

        Waiter(String channel, String key) {
            this.channel = channel;
            this.key = key;
        }

        boolean claim() {
            return state.compareAndSet(WAITING, CLAIMED);
        }

        void hand(Message message) {
            super.complete(message);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return state.compareAndSet(WAITING, ENDED) && super.cancel(mayInterruptIfRunning);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            return state.compareAndSet(WAITING, ENDED) && super.completeExceptionally(failure);
        }

        @Override
        public boolean complete(Message value) {
            return state.compareAndSet(WAITING, ENDED) && super.complete(value);
        }
    }

    private static final class State {
        final ArrayDeque<Buffered> buffer = new ArrayDeque<>(2);
        final ArrayDeque<Waiter> waiters = new ArrayDeque<>(1);

        boolean isEmpty() {
            return buffer.isEmpty() && waiters.isEmpty();
        }
    }

    private static final Demand NO_DEMAND = new Demand(new String[0], new int[0], 0);
    /** What {@link #place} returns when a waiting receive took the message. */
    private static final Object HANDED_OVER = new Object();

    private final Object lock = new Object();
    private final Map<String, State> states = new HashMap<>();
    private final Map<String, Integer> demand = new HashMap<>();
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
     * @param channel the channel
     * @param key     the Redis key its messages arrive on
     * @return a completed future, or a waiting one that may be cancelled
     */
    CompletableFuture<Message> receive(String channel, String key) {
        Waiter waiter;
        boolean keyAdded;
        int expired;
        synchronized (lock) {
            State state = states.computeIfAbsent(channel, c -> new State());
            expired = dropExpired(state, now());
            Buffered buffered = state.buffer.poll();
            if (buffered != null) {
                if (state.isEmpty()) {
                    states.remove(channel);
                }
                reportExpired(expired);
                return CompletableFuture.completedFuture(buffered.message());
            }
            waiter = new Waiter(channel, key);
            state.waiters.add(waiter);
            keyAdded = addDemand(key);
        }
        reportExpired(expired);
        // A receive that is cancelled or times out leaves the queue, so no message goes to it.
        waiter.whenComplete((m, failure) -> {
            if (failure != null) {
                abandon(waiter);
            }
        });
        listener.demandChanged(keyAdded);
        return waiter;
    }

    /**
     * Hands a popped message to the oldest waiting receive of its channel, or buffers it.
     *
     * @param channel the channel the message is for
     * @param message the message
     * @param score   its ZSET score: the epoch seconds it was sent at
     */
    void deliver(String channel, Message message, double score) {
        place(channel, message, score);
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
     * @return a token for {@link #unpark}, or {@code null} if a waiting receive took it
     */
    Object handOverOrPark(String channel, Message message, double score) {
        Object parked = place(channel, message, score);
        return parked == HANDED_OVER ? null : parked;
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
     * Hands a message to the oldest waiting receive of its channel, or buffers it.
     *
     * @return {@link #HANDED_OVER}, or the buffer entry the message was put in
     */
    private Object place(String channel, Message message, double score) {
        Waiter target = null;
        Buffered entry = null;
        int overflow = 0;
        synchronized (lock) {
            State state = states.get(channel);
            if (state == null) {
                state = new State();
                states.put(channel, state);
            }
            for (Waiter w; (w = state.waiters.poll()) != null; ) {
                removeDemand(w.key);
                if (w.claim()) {
                    target = w;
                    break;
                }
            }
            if (target == null) {
                entry = new Buffered(message, score);
                state.buffer.addLast(entry);
                int capacity = options.capacityFor(channel);
                while (state.buffer.size() > capacity) {
                    // Nobody reads this channel fast enough: keep memory bounded, drop the oldest.
                    state.buffer.pollFirst();
                    droppedFromBuffers.incrementAndGet();
                    overflow++;
                }
            } else if (state.isEmpty()) {
                states.remove(channel);
            }
        }
        if (overflow > 0) {
            drops.dropped(DropCause.BUFFER_FULL, overflow);
        }
        if (target != null) {
            Waiter chosen = target;
            // Completed on the callback executor so that receivers' dependent actions never run
            // on a Redis I/O thread.
            execute(() -> chosen.hand(message));
            return HANDED_OVER;
        }
        return entry;
    }

    private void execute(Runnable task) {
        try {
            callbacks.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            task.run();
        }
    }

    private void abandon(Waiter waiter) {
        synchronized (lock) {
            State state = states.get(waiter.channel);
            if (state != null && state.waiters.remove(waiter)) {
                removeDemand(waiter.key);
                if (state.isEmpty()) {
                    states.remove(waiter.channel);
                }
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
                for (Map.Entry<String, Integer> e : demand.entrySet()) {
                    keys[i] = e.getKey();
                    waiting[i++] = e.getValue();
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
     * @return the number of live channel states
     */
    int channelCount() {
        synchronized (lock) {
            return states.size();
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
        Integer previous = demand.merge(key, 1, Integer::sum) == 1 ? null : 1;
        if (previous == null) {
            version++;
            return true;
        }
        return false;
    }

    private void removeDemand(String key) {
        snapshot = null;
        demand.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
    }

    private static double now() {
        return System.currentTimeMillis() / 1000.0;
    }
}

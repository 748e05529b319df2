package dev.mux.inmemory;

import dev.mux.layer.ChannelFullException;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerChecks;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import dev.mux.observe.DropCause;
import dev.mux.observe.LayerOperation;
import dev.mux.observe.MuxListener;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel layer that lives in one JVM: fast, dependency-free, and gone when the process ends.
 *
 * <p>Semantics follow {@link ChannelLayer} and Channels' {@code InMemoryChannelLayer}: FIFO per
 * channel, capacity, message expiry, group expiry. As in Channels, a channel that lets a message
 * expire unread is also removed from all its groups — a consumer that stopped reading is
 * treated as gone.
 *
 * <h2>Memory and threads</h2>
 * Memory follows live use: names from {@link #newChannel(String)} cost nothing until used, a
 * channel drained of messages and waiting receivers is removed by the next sweep (it is kept
 * until then so that a busy channel is not rebuilt for every message), a group with no member
 * is removed at once, and a cancelled receive leaves nothing behind. A waiting receive holds no
 * thread: it is a {@link CompletableFuture} parked in the channel's queue. One daemon thread
 * per layer sweeps once a second, dropping expired messages and lapsed memberships of channels
 * nobody touches; it skips channels and groups with nothing due without locking them, so an
 * idle layer with many channels costs next to nothing. Messages are never copied: they are
 * immutable, so a group send queues one instance for every member.
 *
 * <h2>Visibility</h2>
 * A {@link MuxListener} given to the constructor hears every send, group send and receive,
 * every failed operation, and every message dropped: {@link DropCause#CHANNEL_FULL} for a send
 * refused or a group member skipped, {@link DropCause#EXPIRED} for a message not received in
 * time.
 *
 * <pre>{@code
 * try (ChannelLayer layer = new InMemoryChannelLayer()) {
 *     layer.send("worker", Message.of("type", "job", "id", 42));
 *     Message job = layer.receive("worker").toCompletableFuture().join();
 * }
 * }</pre>
 *
 * <p><b>Threading:</b> thread-safe; every operation is non-blocking and may be called from any
 * thread. A receive that waits is completed on the thread of the {@code send} or
 * {@code groupSend} that satisfies it (never while the layer holds a lock); attach slow work
 * with an {@code ...Async} stage method. Receives still waiting at {@link #close()} are failed
 * on the closing thread.
 */
public final class InMemoryChannelLayer implements ChannelLayer {

    private static final Logger log = LoggerFactory.getLogger(InMemoryChannelLayer.class);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long SWEEP_PERIOD_MILLIS = 1000;

    private final LayerOptions options;
    private final String processId;
    /** What every process-local name of this layer has just before its random part. */
    private final String localMarker;
    private final String name;
    private final long expiryNanos;
    private final long groupExpiryNanos;
    /**
     * Channels with queued messages or waiting receivers, and channels drained since the last
     * sweep; a channel idle for a sweep period has no entry.
     */
    private final ConcurrentHashMap<String, ChannelQueue> channels = new ConcurrentHashMap<>();
    /** Groups with at least one member. */
    private final ConcurrentHashMap<String, Group> groups = new ConcurrentHashMap<>();
    /**
     * The reverse of {@link #groups}: channel to the groups it is in, so that a channel whose
     * message expired leaves its groups without a scan of every group. Changed only while the
     * group's entry in {@link #groups} is locked (inside {@code groups.compute}), which orders
     * the two maps' locks and keeps both views in step.
     */
    private final ConcurrentHashMap<String, Set<String>> groupsByChannel = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final MuxListener listener;
    private volatile boolean closed;

    /** Creates a layer with {@link LayerOptions#defaults()}. */
    public InMemoryChannelLayer() {
        this(LayerOptions.defaults());
    }

    /**
     * Creates a layer with the given options and starts its sweeper thread.
     *
     * @param options capacity, expiry and group expiry to enforce
     * @throws NullPointerException if {@code options} is {@code null}
     */
    public InMemoryChannelLayer(LayerOptions options) {
        this(options, MuxListener.NOOP);
    }

    /**
     * Creates a layer with the given options that reports what it does to a listener, and
     * starts its sweeper thread.
     *
     * @param options  capacity, expiry and group expiry to enforce
     * @param listener hears sends, receives, failures and drops; called on the thread of the
     *                 operation (or the sweeper's, for expiry), never under the layer's locks
     * @throws NullPointerException if an argument is {@code null}
     */
    public InMemoryChannelLayer(LayerOptions options, MuxListener listener) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.listener = MuxListener.guarded(Objects.requireNonNull(listener, "listener must not be null"));
        this.processId = "inmemory" + randomLetters(new SecureRandom(), 8);
        this.localMarker = "." + processId + "!";
        this.name = "InMemoryChannelLayer#" + INSTANCES.incrementAndGet();
        this.expiryNanos = options.expiry().toNanos();
        this.groupExpiryNanos = options.groupExpiry().toNanos();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, SWEEP_PERIOD_MILLIS, SWEEP_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public LayerOptions options() {
        return options;
    }

    @Override
    public CompletionStage<Void> send(String channel, Message message) {
        LayerChecks.requireSend(channel, message);
        if (closed) {
            return failed(LayerOperation.SEND, closedException("send"));
        }
        if (enqueue(channel, new Put(message))) {
            listener.layerSent(name, channel);
            return CompletableFuture.completedFuture(null);
        }
        listener.dropped(name, DropCause.CHANNEL_FULL, 1);
        return failed(LayerOperation.SEND, new ChannelFullException(channel, options.capacityFor(channel)));
    }

    @Override
    public CompletionStage<Message> receive(String channel) {
        ChannelNames.requireValidChannel(channel);
        if (!mayReceiveOn(channel)) {
            throw new IllegalArgumentException("channel '" + channel + "' is process-local to another layer");
        }
        if (closed) {
            return failed(LayerOperation.RECEIVE, closedException("receive"));
        }
        Take take = new Take();
        channels.compute(channel, take);
        if (take.expired > 0) {
            listener.dropped(name, DropCause.EXPIRED, take.expired);
            leaveAllGroups(channel);
        }
        if (take.taken != null) {
            listener.layerReceived(name, channel);
            return CompletableFuture.completedFuture(take.taken);
        }
        Waiter waiter = take.waiter;
        if (closed) {
            // close() may have swept the channels before this waiter was queued.
            waiter.completeExceptionally(closedException("receive"));
        }
        return waiter;
    }

    @Override
    public String newChannel(String prefix) {
        ChannelNames.requireValidPrefix(prefix);
        return prefix + localMarker + randomLetters(ThreadLocalRandom.current(), 12);
    }

    @Override
    public CompletionStage<Void> groupAdd(String group, String channel) {
        LayerChecks.requireGroupMember(group, channel);
        if (closed) {
            return failed(LayerOperation.GROUP_ADD, closedException("groupAdd"));
        }
        long lapsesAt = System.nanoTime() + groupExpiryNanos;
        groups.compute(group, (g, members) -> {
            if (members == null) {
                members = new Group(lapsesAt);
            }
            if (members.members.put(channel, lapsesAt) == null) {
                groupsByChannel.compute(channel, (c, in) -> {
                    Set<String> set = in == null ? new HashSet<>(2) : in;
                    set.add(g);
                    return set;
                });
            }
            // A refresh may leave earliestLapse too early; the sweep then recomputes it.
            if (lapsesAt - members.earliestLapse < 0) {
                members.earliestLapse = lapsesAt;
            }
            return members;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> groupDiscard(String group, String channel) {
        LayerChecks.requireGroupMember(group, channel);
        if (closed) {
            return failed(LayerOperation.GROUP_DISCARD, closedException("groupDiscard"));
        }
        removeMember(group, channel);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        LayerChecks.requireGroupSend(group, message);
        if (closed) {
            return failed(LayerOperation.GROUP_SEND, closedException("groupSend"));
        }
        Group members = groups.get(group);
        if (members == null) {
            listener.layerGroupSent(name, group, 0, 0);
            return CompletableFuture.completedFuture(GroupSendResult.EMPTY);
        }
        // Iterating a ConcurrentHashMap is safe while members come and go; the one message
        // instance is shared by every member because messages are immutable.
        FanOut fanOut = new FanOut(message, System.nanoTime());
        members.members.forEach(fanOut);
        int delivered = fanOut.delivered;
        int dropped = fanOut.dropped;
        if (dropped > 0) {
            log.debug("{} group {}: {} of {} members over capacity, message dropped for them",
                    name, group, dropped, delivered + dropped);
            listener.dropped(name, DropCause.CHANNEL_FULL, dropped);
        }
        listener.layerGroupSent(name, group, delivered, dropped);
        return CompletableFuture.completedFuture(new GroupSendResult(delivered, dropped));
    }

    @Override
    public CompletionStage<Void> flush() {
        if (closed) {
            return failed(LayerOperation.FLUSH, closedException("flush"));
        }
        for (String group : groups.keySet()) {
            groups.computeIfPresent(group, (g, members) -> {
                members.members.keySet().forEach(channel -> unindex(g, channel));
                return null;
            });
        }
        for (String channel : channels.keySet()) {
            channels.computeIfPresent(channel, (k, q) -> {
                q.messages.clear();
                q.publish();
                return q.isEmpty() ? null : q;
            });
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        List<CompletableFuture<Message>> waiting = new ArrayList<>();
        for (String channel : channels.keySet()) {
            channels.computeIfPresent(channel, (k, q) -> {
                waiting.addAll(q.drainWaiters());
                q.messages.clear();
                return null;
            });
        }
        groups.clear();
        groupsByChannel.clear();
        LayerClosedException closedException = closedException("receive");
        waiting.forEach(w -> w.completeExceptionally(closedException));
        log.debug("{} closed; {} waiting receives failed", name, waiting.size());
    }

    /**
     * Returns how many channels currently hold messages or waiting receivers, plus channels
     * drained since the last sweep (about a second). For monitoring and tests: a layer idle
     * for a sweep period reports 0.
     *
     * @return the number of live channel queues
     */
    public int channelCount() {
        return channels.size();
    }

    /**
     * Returns how many groups currently have members.
     *
     * @return the number of non-empty groups
     */
    public int groupCount() {
        return groups.size();
    }

    /** Returns how many channels the reverse membership index holds; for tests. */
    int indexedChannelCount() {
        return groupsByChannel.size();
    }

    /** Returns the name of this layer's sweeper thread; for tests. */
    String sweeperThreadName() {
        return name + "-sweeper";
    }

    /**
     * Returns this layer's name for logs, such as {@code InMemoryChannelLayer#3}.
     *
     * @return the name
     */
    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------------------------------

    /** Queues or hands over a message; returns false if the channel is full. Never throws. */
    private boolean enqueue(String channel, Put put) {
        put.capacity = options.capacityFor(channel);
        while (true) {
            put.reset();
            channels.compute(channel, put);
            if (put.expired > 0) {
                listener.dropped(name, DropCause.EXPIRED, put.expired);
                leaveAllGroups(channel);
            }
            if (put.handTo == null) {
                return !put.full;
            }
            // Completed outside the map lock: the receiver's callbacks run here.
            if (put.handTo.complete(put.message)) {
                listener.layerReceived(name, channel);
                return true;
            }
            // That receiver was cancelled meanwhile: try the next one, or queue.
        }
    }

    /** Tells whether a name is one this layer may receive on: not process-local, or its own. */
    private boolean mayReceiveOn(String channel) {
        int bang = channel.indexOf('!');
        if (bang < 0) {
            return true;
        }
        int start = bang + 1 - localMarker.length();
        return start >= 0 && channel.startsWith(localMarker, start);
    }

    /** Removes one membership from both maps; a no-op for a non-member. */
    private void removeMember(String group, String channel) {
        groups.computeIfPresent(group, (g, members) -> {
            if (members.members.remove(channel) != null) {
                unindex(g, channel);
            }
            return members.members.isEmpty() ? null : members;
        });
    }

    /** Drops {@code group} from the reverse index of {@code channel}; call inside groups.compute. */
    private void unindex(String group, String channel) {
        groupsByChannel.computeIfPresent(channel, (c, in) -> {
            in.remove(group);
            return in.isEmpty() ? null : in;
        });
    }

    /** Channels semantics: a channel that let a message expire unread leaves every group. */
    private void leaveAllGroups(String channel) {
        List<String> in = new ArrayList<>(2);
        groupsByChannel.computeIfPresent(channel, (c, set) -> {
            in.addAll(set); // copied under the lock: the set is only safe to read here
            return set;
        });
        for (String group : in) {
            removeMember(group, channel);
        }
        if (!in.isEmpty()) {
            log.debug("{} channel {} let a message expire; removed from {} groups", name, channel, in.size());
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            // Lock-free pre-checks first, so channels and groups with nothing due cost one read.
            List<String> due = new ArrayList<>();
            channels.forEach((channel, q) -> {
                if (q.isDue(now, expiryNanos)) {
                    due.add(channel);
                }
            });
            List<String> expired = new ArrayList<>();
            int[] expiredMessages = new int[1];
            for (String channel : due) {
                channels.computeIfPresent(channel, (k, q) -> {
                    int n = q.dropExpired(now, expiryNanos);
                    if (n > 0) {
                        expired.add(k);
                        expiredMessages[0] += n;
                    }
                    q.publish();
                    return q.isEmpty() ? null : q;
                });
            }
            if (expiredMessages[0] > 0) {
                listener.dropped(name, DropCause.EXPIRED, expiredMessages[0]);
            }
            expired.forEach(this::leaveAllGroups);

            List<String> lapsing = new ArrayList<>();
            groups.forEach((group, members) -> {
                if (now - members.earliestLapse >= 0) {
                    lapsing.add(group);
                }
            });
            int[] lapsed = new int[1];
            for (String group : lapsing) {
                groups.computeIfPresent(group, (g, members) -> {
                    long earliest = Long.MAX_VALUE;
                    boolean any = false;
                    for (Iterator<Map.Entry<String, Long>> it = members.members.entrySet().iterator(); it.hasNext(); ) {
                        Map.Entry<String, Long> member = it.next();
                        long lapsesAt = member.getValue();
                        if (now - lapsesAt >= 0) {
                            it.remove();
                            unindex(g, member.getKey());
                            lapsed[0]++;
                        } else if (!any || lapsesAt - earliest < 0) {
                            earliest = lapsesAt;
                            any = true;
                        }
                    }
                    if (!any) {
                        return null;
                    }
                    members.earliestLapse = earliest;
                    return members;
                });
            }
            if (!expired.isEmpty() || lapsed[0] > 0) {
                log.debug("{} sweep: messages expired on {} channels, {} group memberships lapsed",
                        name, expired.size(), lapsed[0]);
            }
        } catch (RuntimeException e) {
            log.warn("{} sweep failed; will retry", name, e);
        }
    }

    private <T> CompletableFuture<T> failed(LayerOperation operation, RuntimeException failure) {
        listener.layerFailed(name, operation, failure);
        return CompletableFuture.failedFuture(failure);
    }

    private LayerClosedException closedException(String operation) {
        return LayerChecks.closed(name, operation);
    }

    private static String randomLetters(java.util.Random random, int count) {
        char[] out = new char[count];
        for (int i = 0; i < count; i++) {
            out[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(out);
    }

    private record Queued(Message message, long queuedAt) {
    }

    /** One group's members: channel to the {@code System.nanoTime()} its membership lapses at. */
    private static final class Group {
        final ConcurrentHashMap<String, Long> members = new ConcurrentHashMap<>(4);
        /** No member lapses before this; may be earlier than the truth, never later. */
        volatile long earliestLapse;

        Group(long earliestLapse) {
            this.earliestLapse = earliestLapse;
        }
    }

    /**
     * The body of a send, run by {@code channels.compute} under the channel's lock: one object
     * per send holds the function and its results, instead of a lambda plus result holders.
     */
    private final class Put implements BiFunction<String, ChannelQueue, ChannelQueue> {
        final Message message;
        int capacity;
        CompletableFuture<Message> handTo;
        boolean full;
        int expired;

        Put(Message message) {
            this.message = message;
        }

        void reset() {
            handTo = null;
            full = false;
            expired = 0;
        }

        @Override
        public ChannelQueue apply(String channel, ChannelQueue q) {
            if (q == null) {
                q = new ChannelQueue();
            }
            long now = System.nanoTime(); // read under the lock, so queue order is time order
            expired = q.dropExpired(now, expiryNanos);
            handTo = q.pollWaiter();
            if (handTo == null) {
                if (q.messages.size() >= capacity) {
                    full = true;
                } else {
                    q.messages.add(new Queued(message, now));
                }
            }
            q.publish();
            return q; // kept even when drained: the sweep removes it if it stays empty
        }
    }

    /** A group send's walk over the members: one object, reusing one {@link Put} for all. */
    private final class FanOut implements BiConsumer<String, Long> {
        private final Put put;
        private final long now;
        int delivered;
        int dropped;

        FanOut(Message message, long now) {
            this.put = new Put(message);
            this.now = now;
        }

        @Override
        public void accept(String channel, Long lapsesAt) {
            if (now - lapsesAt >= 0) {
                return; // lapsed; the sweep removes it
            }
            if (enqueue(channel, put)) {
                delivered++;
            } else {
                dropped++;
            }
        }
    }

    /** The body of a receive, run by {@code channels.compute} under the channel's lock. */
    private final class Take implements BiFunction<String, ChannelQueue, ChannelQueue> {
        Message taken;
        Waiter waiter;
        int expired;

        @Override
        public ChannelQueue apply(String channel, ChannelQueue q) {
            if (q == null) {
                q = new ChannelQueue();
            }
            expired = q.dropExpired(System.nanoTime(), expiryNanos);
            Queued head = q.messages.poll();
            if (head != null) {
                taken = head.message;
            } else {
                waiter = new Waiter(channel);
                q.addWaiter(waiter);
            }
            q.publish();
            return q; // kept even when drained: the sweep removes it if it stays empty
        }
    }

    /**
     * A waiting receive. A cancelled or timed-out one ({@code orTimeout} fails it through
     * {@link #completeExceptionally}) leaves its queue at once, so no message is handed to it
     * and an abandoned channel takes no memory; overriding here instead of registering a
     * callback saves an allocation and a callback on every waiting receive.
     */
    private final class Waiter extends CompletableFuture<Message> {
        private final String channel;

        Waiter(String channel) {
            this.channel = channel;
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            boolean failed = super.completeExceptionally(failure);
            if (failed) {
                leaveQueue();
            }
            return failed;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                leaveQueue();
            }
            return cancelled;
        }

        private void leaveQueue() {
            channels.computeIfPresent(channel, (k, q) -> {
                q.removeWaiter(this);
                q.publish();
                return q.isEmpty() ? null : q;
            });
        }
    }

    /** One channel's queue; only touched inside {@code channels.compute}, except the volatiles. */
    private static final class ChannelQueue {
        final ArrayDeque<Queued> messages = new ArrayDeque<>(4);
        /** Receives waiting for a message, oldest first; created for the first one. */
        private ArrayDeque<CompletableFuture<Message>> waiters;
        /** {@link #EMPTY}, {@link #WAITING} or {@link #QUEUED}, published for the sweep. */
        volatile int state = EMPTY;
        /** When the head was queued, published for the sweep; valid in state QUEUED. */
        volatile long headQueuedAt;

        static final int EMPTY = 0;
        static final int WAITING = 1;
        static final int QUEUED = 2;

        /** Drops expired messages from the head; returns how many were dropped. */
        int dropExpired(long now, long expiryNanos) {
            int dropped = 0;
            while (!messages.isEmpty() && now - messages.peek().queuedAt >= expiryNanos) {
                messages.poll();
                dropped++;
            }
            return dropped;
        }

        void addWaiter(CompletableFuture<Message> waiter) {
            if (waiters == null) {
                waiters = new ArrayDeque<>(2);
            }
            waiters.add(waiter);
        }

        CompletableFuture<Message> pollWaiter() {
            return waiters == null ? null : waiters.poll();
        }

        void removeWaiter(CompletableFuture<Message> waiter) {
            if (waiters != null) {
                waiters.remove(waiter);
            }
        }

        /** Removes and returns every waiting receive. */
        List<CompletableFuture<Message>> drainWaiters() {
            if (waiters == null) {
                return List.of();
            }
            List<CompletableFuture<Message>> all = new ArrayList<>(waiters);
            waiters.clear();
            return all;
        }

        /** Publishes the state and the head's age; call after every change, inside the lock. */
        void publish() {
            Queued head = messages.peek();
            if (head != null) {
                headQueuedAt = head.queuedAt;
                state = QUEUED;
            } else {
                state = waiters == null || waiters.isEmpty() ? EMPTY : WAITING;
            }
        }

        /**
         * Tells the sweep whether to lock this queue: it is empty (to be removed) or its head
         * has expired. Lock-free and possibly stale; a wrong answer costs one lock, or waits
         * for the next sweep.
         */
        boolean isDue(long now, long expiryNanos) {
            int s = state;
            return s == EMPTY || (s == QUEUED && now - headQueuedAt >= expiryNanos);
        }

        boolean isEmpty() {
            return messages.isEmpty() && (waiters == null || waiters.isEmpty());
        }
    }
}

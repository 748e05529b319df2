package dev.mux.inmemory;

import dev.mux.layer.ChannelFullException;
import dev.mux.layer.ChannelLayer;
import dev.mux.layer.ChannelNames;
import dev.mux.layer.GroupSendResult;
import dev.mux.layer.LayerClosedException;
import dev.mux.layer.LayerOptions;
import dev.mux.layer.Message;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel layer that lives in one JVM: fast, dependency-free, and gone when the process ends.
 *
 * <p>Semantics follow {@link ChannelLayer} and Channels' {@code InMemoryChannelLayer}: FIFO per
 * channel, capacity, message expiry, group expiry. As in Channels, a channel that lets a message
 * expire unread is also removed from all its groups — a consumer that stopped reading is
 * treated as gone. Memory follows live use: a channel with no queued message and no waiting
 * receiver takes no memory, and one background sweep (every second, on a single daemon thread
 * per layer) drops expired messages and lapsed memberships of channels nobody touches.
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
 * {@code groupSend} that satisfies it; attach slow work with an {@code ...Async} stage method.
 */
public final class InMemoryChannelLayer implements ChannelLayer {

    private static final Logger log = LoggerFactory.getLogger(InMemoryChannelLayer.class);
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final long SWEEP_PERIOD_MILLIS = 1000;

    private final LayerOptions options;
    private final String processId;
    private final String name;
    private final long expiryNanos;
    private final long groupExpiryNanos;
    private final ConcurrentHashMap<String, ChannelQueue> channels = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, Long>> groups = new ConcurrentHashMap<>();
    /** Channels that let a message expire since the last sweep: they leave their groups. */
    private final ConcurrentLinkedQueue<String> expiredSinceSweep = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean closed;

    /** Creates a layer with {@link LayerOptions#defaults()}. */
    public InMemoryChannelLayer() {
        this(LayerOptions.defaults());
    }

    /**
     * Creates a layer with the given options.
     *
     * @param options capacity, expiry and group expiry to enforce
     */
    public InMemoryChannelLayer(LayerOptions options) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.processId = "inmemory" + randomLetters(new SecureRandom(), 8);
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
        ChannelNames.requireValidChannel(channel);
        Objects.requireNonNull(message, "message must not be null");
        if (closed) {
            return CompletableFuture.failedFuture(closedException("send"));
        }
        return enqueue(channel, message)
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new ChannelFullException(channel, options.capacityFor(channel)));
    }

    @Override
    public CompletionStage<Message> receive(String channel) {
        ChannelNames.requireValidChannel(channel);
        if (ChannelNames.isProcessLocal(channel)
                && !ChannelNames.nonLocalPart(channel).endsWith("." + processId + "!")) {
            throw new IllegalArgumentException("channel '" + channel + "' is process-local to another layer");
        }
        if (closed) {
            return CompletableFuture.failedFuture(closedException("receive"));
        }
        CompletableFuture<Message> waiter = new CompletableFuture<>();
        Message[] taken = new Message[1];
        channels.compute(channel, (k, q) -> {
            if (q == null) {
                q = new ChannelQueue();
            }
            if (q.dropExpired(System.nanoTime(), expiryNanos)) {
                expiredSinceSweep.add(k);
            }
            if (!q.messages.isEmpty()) {
                taken[0] = q.messages.poll().message;
            } else {
                q.waiters.add(waiter);
            }
            return q.isEmpty() ? null : q;
        });
        if (taken[0] != null) {
            return CompletableFuture.completedFuture(taken[0]);
        }
        // A cancelled or timed-out receive leaves the queue, so no message is handed to it.
        waiter.whenComplete((m, e) -> {
            if (e != null) {
                channels.computeIfPresent(channel, (k, q) -> {
                    q.waiters.remove(waiter);
                    return q.isEmpty() ? null : q;
                });
            }
        });
        if (closed) {
            waiter.completeExceptionally(closedException("receive"));
        }
        return waiter;
    }

    @Override
    public String newChannel(String prefix) {
        ChannelNames.requireValidPrefix(prefix);
        return prefix + "." + processId + "!" + randomLetters(ThreadLocalRandom.current(), 12);
    }

    @Override
    public CompletionStage<Void> groupAdd(String group, String channel) {
        ChannelNames.requireValidGroup(group);
        ChannelNames.requireValidChannel(channel);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupAdd"));
        }
        long lapsesAt = System.nanoTime() + groupExpiryNanos;
        groups.compute(group, (g, members) -> {
            if (members == null) {
                members = new ConcurrentHashMap<>();
            }
            members.put(channel, lapsesAt);
            return members;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> groupDiscard(String group, String channel) {
        ChannelNames.requireValidGroup(group);
        ChannelNames.requireValidChannel(channel);
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupDiscard"));
        }
        groups.computeIfPresent(group, (g, members) -> {
            members.remove(channel);
            return members.isEmpty() ? null : members;
        });
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<GroupSendResult> groupSend(String group, Message message) {
        ChannelNames.requireValidGroup(group);
        Objects.requireNonNull(message, "message must not be null");
        if (closed) {
            return CompletableFuture.failedFuture(closedException("groupSend"));
        }
        Map<String, Long> members = groups.get(group);
        if (members == null) {
            return CompletableFuture.completedFuture(GroupSendResult.EMPTY);
        }
        long now = System.nanoTime();
        int delivered = 0;
        int dropped = 0;
        for (Map.Entry<String, Long> member : members.entrySet()) {
            if (now - member.getValue() >= 0) {
                continue; // lapsed; the sweep removes it
            }
            if (enqueue(member.getKey(), message)) {
                delivered++;
            } else {
                dropped++;
            }
        }
        if (dropped > 0) {
            log.debug("{} group {}: {} of {} members over capacity, message dropped for them",
                    name, group, dropped, delivered + dropped);
        }
        return CompletableFuture.completedFuture(new GroupSendResult(delivered, dropped));
    }

    @Override
    public CompletionStage<Void> flush() {
        if (closed) {
            return CompletableFuture.failedFuture(closedException("flush"));
        }
        groups.clear();
        for (String channel : channels.keySet()) {
            channels.computeIfPresent(channel, (k, q) -> {
                q.messages.clear();
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
                waiting.addAll(q.waiters);
                q.waiters.clear();
                q.messages.clear();
                return null;
            });
        }
        groups.clear();
        LayerClosedException closedException = closedException("receive");
        waiting.forEach(w -> w.completeExceptionally(closedException));
    }

    /**
     * Returns how many channels currently hold messages or waiting receivers. For monitoring
     * and tests: an idle layer reports 0.
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

    @Override
    public String toString() {
        return name;
    }

    // ---------------------------------------------------------------------------------------

    /** Queues or hands over a message; returns false if the channel is full. Never throws. */
    private boolean enqueue(String channel, Message message) {
        int capacity = options.capacityFor(channel);
        while (true) {
            @SuppressWarnings("unchecked")
            CompletableFuture<Message>[] handTo = new CompletableFuture[1];
            boolean[] full = new boolean[1];
            long now = System.nanoTime();
            channels.compute(channel, (k, q) -> {
                if (q == null) {
                    q = new ChannelQueue();
                }
                if (q.dropExpired(now, expiryNanos)) {
                    expiredSinceSweep.add(k);
                }
                CompletableFuture<Message> w = q.waiters.poll();
                if (w != null) {
                    handTo[0] = w;
                } else if (q.messages.size() >= capacity) {
                    full[0] = true;
                } else {
                    q.messages.add(new Queued(message, now));
                }
                return q.isEmpty() ? null : q;
            });
            if (handTo[0] == null) {
                return !full[0];
            }
            // Completed outside the map lock: the receiver's callbacks run here.
            if (handTo[0].complete(message)) {
                return true;
            }
            // That receiver was cancelled meanwhile: try the next one, or queue.
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            List<String> expiredChannels = new ArrayList<>();
            for (String c; (c = expiredSinceSweep.poll()) != null; ) {
                expiredChannels.add(c);
            }
            for (String channel : channels.keySet()) {
                channels.computeIfPresent(channel, (k, q) -> {
                    if (q.dropExpired(now, expiryNanos)) {
                        expiredChannels.add(k);
                    }
                    return q.isEmpty() ? null : q;
                });
            }
            for (String group : groups.keySet()) {
                groups.computeIfPresent(group, (g, members) -> {
                    members.values().removeIf(lapsesAt -> now - lapsesAt >= 0);
                    if (!expiredChannels.isEmpty()) {
                        expiredChannels.forEach(members::remove);
                    }
                    return members.isEmpty() ? null : members;
                });
            }
        } catch (RuntimeException e) {
            log.warn("{} sweep failed; will retry", name, e);
        }
    }

    private LayerClosedException closedException(String operation) {
        return new LayerClosedException(name + " is closed; " + operation + " refused");
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

    /** One channel's queue; only touched inside {@code channels.compute}. */
    private static final class ChannelQueue {
        final ArrayDeque<Queued> messages = new ArrayDeque<>(4);
        final ArrayDeque<CompletableFuture<Message>> waiters = new ArrayDeque<>(1);

        /** Drops expired messages from the head; returns true if any were dropped. */
        boolean dropExpired(long now, long expiryNanos) {
            boolean dropped = false;
            while (!messages.isEmpty() && now - messages.peek().queuedAt >= expiryNanos) {
                messages.poll();
                dropped = true;
            }
            return dropped;
        }

        boolean isEmpty() {
            return messages.isEmpty() && waiters.isEmpty();
        }
    }
}
